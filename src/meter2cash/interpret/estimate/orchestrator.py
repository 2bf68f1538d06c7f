"""``estimate_day``: the methods in order, over one channel-day.

The order [T], after the BSCP502 ladder (``market-rules.md`` §2.1, order [M]) and CA/Oracle/Itron:

0. **Zero-fill** every gap when the context gives a positive reason (de-energised, vacancy): a
   known "no energy" beats any guess from history.
1. **Linear interpolation** for gaps up to the market's maximum with actual end points (§3.1).
2. **Like-day average** within the market's look-back for what is left (§3.2) — BSCP502 (b/c).
3. **Profile** (EAC x coefficients) for what is still left, when an EAC is known (§3.4) — (d).
4. **Scaling to the advance**, when one is given for the day: every estimate except zero-fills
   is scaled so that fixed values + estimates = advance exactly (§3.2); their method becomes
   ``SCALED_TO_ADVANCE`` and the step log keeps what the shape came from. Not applied (a note
   says why) if some interval stays unestimated or the advance is below the fixed total.

Check-meter substitution (first in every ladder, §3.6) needs a second channel and is left to the
caller. Intervals that need estimation are those ``mask`` marks (missing or suspect) plus every
interval without a value; all others are never changed. What no method can fill is listed in
``unestimated`` and left as given: the caller keeps its exception open.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from meter2cash.domain.quantity import from_micro
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.interpret.estimate.day import DayValues
from meter2cash.interpret.estimate.like_day import like_day_values, select_like_days
from meter2cash.interpret.estimate.linear import interpolate_gaps
from meter2cash.interpret.estimate.methods import EstimationError, Method
from meter2cash.interpret.estimate.params import (
    DEFAULT_REASON,
    EstimationContext,
    EstimationParams,
    params_for,
)
from meter2cash.interpret.estimate.profile import flat_coefficients, profile_values
from meter2cash.interpret.estimate.scaling import scale_to_advance
from meter2cash.interpret.estimate.zero_fill import zero_fill


@dataclass(frozen=True, slots=True)
class EstimationStep:
    """One method applied to some intervals, with what it used (for lineage and operators)."""

    method: Method
    intervals: tuple[int, ...]
    detail: str


@dataclass(frozen=True, slots=True)
class EstimationResult:
    """The day after estimation: values in micro-units and per-interval flags, plus the log."""

    values: tuple[int | None, ...]
    qualities: tuple[Quality, ...]
    methods: tuple[str | None, ...]
    reasons: tuple[str | None, ...]
    estimated: tuple[int, ...]
    unestimated: tuple[int, ...]
    steps: tuple[EstimationStep, ...]
    notes: tuple[str, ...]

    def apply_to(self, day: ChannelDay) -> ChannelDay:
        """``day`` with these values and flags: the candidate for the day's next version."""
        if len(day.values) != len(self.values):
            raise EstimationError("the result is for a day with a different interval count")
        return replace(
            day,
            values=tuple(None if v is None else from_micro(v) for v in self.values),
            qualities=self.qualities,
            methods=self.methods,
            reasons=self.reasons,
        )


def estimate_day(
    day: DayValues,
    mask: Sequence[bool],
    context: EstimationContext | None = None,
    history: Sequence[DayValues] = (),
    advance: int | None = None,
    params: EstimationParams | None = None,
) -> EstimationResult:
    """Estimate every interval ``mask`` marks (or that has no value), methods in module order.

    ``advance`` is the register advance for exactly this day, in micro-units, if known.
    """
    context = context or EstimationContext()
    params = params or params_for("OTHER")
    n = len(day.values)
    if len(mask) != n:
        raise EstimationError(f"the mask has {len(mask)} flags for {n} intervals")
    gaps = [bool(m) or v is None for m, v in zip(mask, day.values, strict=True)]
    pending = [k for k in range(n) if gaps[k]]
    found: dict[int, tuple[int, Method]] = {}
    steps: list[EstimationStep] = []
    notes: list[str] = []

    def record(method: Method, values: dict[int, int], detail: str) -> None:
        if values:
            found.update((k, (v, method)) for k, v in values.items())
            steps.append(EstimationStep(method, tuple(sorted(values)), detail))

    def remaining() -> list[int]:
        return [k for k in pending if k not in found]

    if context.zero_fill_reason is not None:
        record(
            Method.ZERO_FILL,
            zero_fill(pending, reason=context.zero_fill_reason),
            context.zero_fill_reason,
        )
    limit = params.max_linear_intervals(day.interval_minutes)
    actual = [day.is_actual(k) for k in range(n)]
    linear = interpolate_gaps(
        day.values,
        actual,
        gaps,
        limit,
        before_day=context.before_day,
        after_day=context.after_day,
    )
    record(
        Method.LINEAR,
        {k: v for k, v in linear.items() if k not in found},
        f"between actual end points, gaps of at most {limit} intervals",
    )
    if remaining() and history:
        like_days = select_like_days(
            day,
            history,
            params.like_day,
            holidays=context.holidays,
            excluded=context.excluded_days,
        )
        used = ", ".join(str(d.read_on) for d in like_days)
        record(Method.LIKE_DAY, like_day_values(day, like_days, remaining()), f"mean of {used}")
    if remaining() and context.eac is not None:
        coefficients = context.profile or flat_coefficients(day.read_on, n)
        if len(coefficients) != n:
            raise EstimationError(f"{len(coefficients)} profile coefficients for {n} intervals")
        shape = "given profile" if context.profile else "flat profile [T]"
        record(
            Method.PROFILE,
            profile_values(context.eac, coefficients, remaining()),
            f"EAC {context.eac} x {shape}",
        )
    if advance is not None:
        _scale(day, found, remaining(), advance, steps, notes)

    reason = context.reason or DEFAULT_REASON
    values = list(day.values)
    qualities = list(day.qualities)
    methods = list(day.methods)
    reasons = list(day.reasons)
    for k, (value, method) in found.items():
        values[k] = value
        qualities[k] = params.quality
        methods[k] = str(method)
        reasons[k] = context.zero_fill_reason if method is Method.ZERO_FILL else reason
    return EstimationResult(
        values=tuple(values),
        qualities=tuple(qualities),
        methods=tuple(methods),
        reasons=tuple(reasons),
        estimated=tuple(sorted(found)),
        unestimated=tuple(remaining()),
        steps=tuple(steps),
        notes=tuple(notes),
    )


def _scale(
    day: DayValues,
    found: dict[int, tuple[int, Method]],
    unestimated: list[int],
    advance: int,
    steps: list[EstimationStep],
    notes: list[str],
) -> None:
    if unestimated:
        notes.append(f"not scaled to the advance: {len(unestimated)} interval(s) unestimated")
        return
    scalable = [k in found and found[k][1] is not Method.ZERO_FILL for k in range(len(day.values))]
    current: list[int] = []
    for k, value in enumerate(day.values):
        if k in found:
            current.append(found[k][0])
        else:
            assert value is not None  # an interval without a value is a gap, so in ``found``
            current.append(value)
    if not any(scalable):
        if sum(current) != advance:
            notes.append(
                f"advance {from_micro(advance)} != {from_micro(sum(current))}: no estimate to scale"
            )
        return
    try:
        scaled = scale_to_advance(current, scalable, advance)
    except EstimationError as refused:
        notes.append(f"not scaled to the advance: {refused}")
        return
    indices = tuple(k for k in range(len(scaled)) if scalable[k])
    for k in indices:
        found[k] = (scaled[k], Method.SCALED_TO_ADVANCE)
    raw = sum(current[k] for k in indices)
    steps.append(
        EstimationStep(
            Method.SCALED_TO_ADVANCE,
            indices,
            f"advance {from_micro(advance)}: estimates {from_micro(raw)} -> "
            f"{from_micro(sum(scaled[k] for k in indices))}",
        )
    )
