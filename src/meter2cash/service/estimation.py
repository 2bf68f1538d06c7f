"""Estimation of stored channel-days: a day's estimable exceptions filled and stored as its next
version, the exceptions resolved and audited.

The pure methods live in ``interpret/estimate`` (order, exactness, standards: its README); this
module decides *what* to estimate from the stored exceptions and feeds the methods what the stores
know. Per channel-day, on its latest version:

* the mask is every interval covered by an OPEN ERROR issue of an estimable rule (C2 missing,
  C4 negative, C10 spike: "estimation needed" / "fail, estimate" in the check catalogue,
  ``market-rules.md`` §2.8) plus every interval without a usable value (MISSING/NULL or none);
* history is the latest stored versions of the same channel over the market's like-day window
  (``params_for(market)``), read with one store call per channel; a like day must be billable
  (a quarantined day is suspect even if flagged actual) and all-actual;
* the neighbouring days' edge values (actual, billable days only) let a gap at midnight be
  interpolated;
* the supply point's annual consumption in force on the day (reference data) lets the profile
  step fill what no like day could, and an actual register advance over exactly the day scales
  the estimates so that fixed values + estimates = advance (``service/estimation_inputs.py``
  says when each is offered; the outcome's ``notes`` say why one was not).

All or nothing per day [T]: when every masked interval got an estimate the day is stored as a new
version (quality/method/reason set by the library), its estimable issues are resolved
``estimated``, and its other open issues are carried to the new version (the old ones resolved
``superseded``: their finding still holds for the unchanged values, and billability is always
judged on a version's own open ERROR issues). When some interval cannot be estimated nothing is
stored, the issues stay open, and the outcome says why. Calling it again finds no open estimable
issue on the new version, so it stores nothing: it is idempotent.

:func:`plan_estimates` works the estimates out without storing them: an operator's estimate of a
*hard* settlement day becomes an adjustment, not a version (``service/exceptions.py``).

Not here: profile coefficients (the profile is flat), holidays, and register advances spanning
several days (only a same-day pair of reads scales a day).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.domain.time import require_utc
from meter2cash.domain.validation import IssueStatus, Resolution, Severity
from meter2cash.interpret.estimate import (
    DEFAULT_REASON,
    DayValues,
    EstimationParams,
    EstimationResult,
    EstimationStep,
    Method,
    estimate_day,
    params_for,
)
from meter2cash.ports import DayKey, PutResult, StoredChannelDay, StoredIssue, UnitOfWork
from meter2cash.service.estimation_history import StoredHistory
from meter2cash.service.estimation_inputs import DayInputs, EstimationInputs
from meter2cash.service.reference_view import ReferenceView

#: Rules whose flagged intervals the estimator may replace (check catalogue "estimate" actions).
ESTIMABLE_RULES: frozenset[str] = frozenset({"C2", "C4", "C10"})
#: The audit action of estimates the pipeline makes by itself.
AUTO_ESTIMATE = "auto-estimate"
_UNUSABLE = frozenset({Quality.MISSING, Quality.NULL})


@dataclass(frozen=True)
class EstimateOutcome:
    """What estimating one channel-day did. ``put``/``channel_day`` (the new version) are what the
    caller needs for the curated event; ``why`` says why nothing was stored."""

    key: DayKey
    from_version: int | None  # the latest version looked at; None when no day is stored
    put: PutResult | None = None
    channel_day: ChannelDay | None = None
    billable: bool = False
    methods: tuple[str, ...] = ()
    estimated: tuple[int, ...] = ()  # interval indices given an estimate
    unestimated: tuple[int, ...] = ()  # masked indices no method could fill
    resolved: tuple[int, ...] = ()  # issue ids resolved "estimated"
    carried: tuple[tuple[int, int], ...] = ()  # (issue id, its copy on the new version)
    zero_fill_reason: str | None = None  # set when zero-fill was used
    steps: tuple[EstimationStep, ...] = ()
    why: str | None = None
    eac: Decimal | None = None  # the annual consumption offered to the profile step
    advance: Decimal | None = None  # the register advance offered for scaling
    advance_from: str | None = None  # the register and reads the advance was computed from
    notes: tuple[str, ...] = ()  # why no EAC or advance was offered, why scaling was skipped

    @property
    def version(self) -> int | None:
        return self.put.version if self.put is not None else None

    @property
    def zero_filled(self) -> bool:
        return self.zero_fill_reason is not None


@dataclass(frozen=True)
class EstimatePlan:
    """A channel-day's estimate, worked out but not stored: the caller stores ``day`` as the next
    version (:func:`estimate_stored_days`) or, on a hard day, an adjustment to it."""

    stored: StoredChannelDay
    estimable: tuple[StoredIssue, ...]
    others: tuple[StoredIssue, ...]  # the version's other open issues: carried to a new version
    result: EstimationResult
    day: ChannelDay
    billable: bool
    zero_fill_reason: str | None
    inputs: DayInputs

    @property
    def key(self) -> DayKey:
        return _key(self.day)

    @property
    def methods(self) -> tuple[str, ...]:
        return _methods(self.result, self.result.estimated)

    @property
    def notes(self) -> tuple[str, ...]:
        return self.inputs.notes + self.result.notes

    def used(self) -> dict[str, str]:
        """The EAC and advance the estimate was built from (only those used), for audit rows."""
        steps = {step.method for step in self.result.steps}
        used: dict[str, str] = {}
        if Method.PROFILE in steps and self.inputs.eac is not None:
            used["eac"] = str(self.inputs.eac)
        if Method.SCALED_TO_ADVANCE in steps and self.inputs.advance is not None:
            used["advance"] = str(self.inputs.advance.energy)
            used["advance_from"] = self.inputs.advance.detail
        return used


def estimate_stored_days(
    uow: UnitOfWork,
    keys: Sequence[DayKey],
    *,
    reason: str | None,
    as_of: datetime,
    actor: str = "pipeline",
    note: str | None = None,
    outage_reason: Callable[[DayKey], str | None] | None = None,
    zero_fill_reason: Callable[[DayKey], str | None] | None = None,
    rules: Collection[str] = ESTIMABLE_RULES,
    action: str = AUTO_ESTIMATE,
    advance_tolerance: timedelta = timedelta(0),
    reference: ReferenceView | None = None,
) -> list[EstimateOutcome]:
    """Estimate each channel-day's open estimable issues (module docstring); one outcome per key.

    ``reason`` is carried by every estimate (``None``: "no usable value" and the rules);
    ``outage_reason(key)`` may give a day its own (a head-end's outage report). A positive reason
    the day had no energy (de-energised, vacant), from ``zero_fill_reason(key)``, makes zero the
    estimate. ``advance_tolerance``: how far from the day's start and end a register read may be
    and still count as read there (default 0: exactly at local midnight). ``reference``: the
    reference data to read the EAC and registers from (loaded for the days when ``None``).
    ``as_of``/``actor``/``note``/``action`` go to the audit rows. Works inside the caller's unit
    of work and does not commit.
    """
    as_of = require_utc(as_of, "as_of")
    items = plan_estimates(
        uow, keys, reason=reason, outage_reason=outage_reason,
        zero_fill_reason=zero_fill_reason, rules=rules, advance_tolerance=advance_tolerance,
        reference=reference,
    )  # fmt: skip
    plans = [item for item in items if isinstance(item, EstimatePlan)]
    puts = uow.intervals.put_many([(plan.day, plan.billable) for plan in plans])
    done = {
        plan.key: _record(uow, plan, put, as_of=as_of, actor=actor, note=note, action=action)
        for plan, put in zip(plans, puts, strict=True)
    }
    return [done[item.key] if isinstance(item, EstimatePlan) else item for item in items]


def plan_estimates(
    uow: UnitOfWork,
    keys: Sequence[DayKey],
    *,
    reason: str | None,
    outage_reason: Callable[[DayKey], str | None] | None = None,
    zero_fill_reason: Callable[[DayKey], str | None] | None = None,
    rules: Collection[str] = ESTIMABLE_RULES,
    advance_tolerance: timedelta = timedelta(0),
    reference: ReferenceView | None = None,
) -> list[EstimatePlan | EstimateOutcome]:
    """Per key (deduplicated, in order), the estimate of its open estimable issues, or an
    :class:`EstimateOutcome` saying why there is nothing to store. Stores nothing; the options
    are :func:`estimate_stored_days`'s."""
    wanted = list(dict.fromkeys(keys))
    latest = uow.intervals.latest_of(wanted)
    issues = uow.issues.for_days(wanted)
    found: dict[DayKey, EstimatePlan | EstimateOutcome] = {}
    todo: list[tuple[StoredChannelDay, list[StoredIssue]]] = []
    for key in wanted:
        stored = latest.get(key)
        if stored is None:
            found[key] = EstimateOutcome(key, None, why="no stored channel-day")
            continue
        current = [
            s for s in issues.get(key, ())
            if s.issue.status is IssueStatus.OPEN and s.issue.channel_day_version == stored.version
        ]  # fmt: skip
        if not any(_estimable(s, rules) for s in current):
            why = (
                f"no open estimable issue ({', '.join(sorted(rules))}) on version {stored.version}"
            )
            found[key] = EstimateOutcome(key, stored.version, why=why)
            continue
        todo.append((stored, current))
    days = [stored for stored, _ in todo]
    history = StoredHistory(uow, days)
    inputs = EstimationInputs(uow, days, reference=reference, tolerance=advance_tolerance)
    for stored, current in todo:
        key = _key(stored.channel_day)
        estimable = tuple(s for s in current if _estimable(s, rules))
        zero_reason = zero_fill_reason(key) if zero_fill_reason else None
        day_reason = (outage_reason(key) if outage_reason else None) or reason
        if day_reason is None:
            rules_found = ", ".join(sorted({s.issue.rule for s in estimable}))
            day_reason = f"{DEFAULT_REASON} ({rules_found})"
        given = inputs.for_day(stored.channel_day)
        params = params_for(stored.channel_day.market)
        result = estimate_day(
            DayValues.of(stored.channel_day),
            _mask(stored.channel_day, estimable),
            history.context(stored, day_reason, zero_reason, eac=given.eac),
            history.like_days(stored),
            advance=given.advance_micro,
            params=params,
        )
        if result.unestimated:
            found[key] = EstimateOutcome(
                key, stored.version, methods=_methods(result, result.estimated),
                estimated=result.estimated, unestimated=result.unestimated, steps=result.steps,
                why=_why(result, stored, params, given), eac=given.eac,
                advance=given.advance.energy if given.advance else None,
                advance_from=given.advance.detail if given.advance else None,
                notes=given.notes + result.notes,
            )  # fmt: skip
            continue
        others = tuple(s for s in current if not _estimable(s, rules))
        used_zero = zero_reason if any(s.method is Method.ZERO_FILL for s in result.steps) else None
        found[key] = EstimatePlan(
            stored, estimable, others, result, result.apply_to(stored.channel_day),
            not any(s.issue.severity is Severity.ERROR for s in others), used_zero, given,
        )  # fmt: skip
    return [found[key] for key in wanted]


def _estimable(stored: StoredIssue, rules: Collection[str]) -> bool:
    return stored.issue.severity is Severity.ERROR and stored.issue.rule in rules


def _key(day: ChannelDay) -> DayKey:
    return (day.supply_point_id, day.channel, day.read_on)


def _mask(day: ChannelDay, estimable: Sequence[StoredIssue]) -> list[bool]:
    mask = [v is None or q in _UNUSABLE for v, q in zip(day.values, day.qualities, strict=True)]
    for s in estimable:
        for k in range(max(s.issue.first_interval, 0), min(s.issue.last_interval + 1, len(mask))):
            mask[k] = True
    return mask


def _methods(result: EstimationResult, indices: Sequence[int]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m for k in indices if (m := result.methods[k]) is not None))


def _ranges(indices: Sequence[int]) -> str:
    spans: list[list[int]] = []
    for k in indices:
        if spans and spans[-1][1] == k - 1:
            spans[-1][1] = k
        else:
            spans.append([k, k])
    return ", ".join(str(a) if a == b else f"{a}..{b}" for a, b in spans)


def _why(
    result: EstimationResult, stored: StoredChannelDay, params: EstimationParams, given: DayInputs
) -> str:
    day = stored.channel_day
    first, last = params.like_day.window(day.read_on)
    limit = params.max_linear_intervals(day.interval_minutes)
    missing = result.unestimated
    return (
        f"{len(missing)} interval(s) of {day.supply_point_id} {day.channel} {day.read_on} "
        f"v{stored.version} could not be estimated (intervals {_ranges(missing)}): no gap of at "
        f"most {limit} interval(s) between actual values, no like day (same day type, every "
        f"interval actual, billable) stored between {first} and {last}, and no EAC for a profile"
        + "".join(f"; {n}" for n in given.notes + result.notes)
    )


def _record(
    uow: UnitOfWork, plan: EstimatePlan, put: PutResult, *, as_of: datetime, actor: str,
    note: str | None, action: str,
) -> EstimateOutcome:  # fmt: skip
    """Resolve, carry and audit the issues of a day whose estimate was stored as ``put``."""
    result = plan.result
    methods = plan.methods
    resolution_note = f"estimated as version {put.version} ({', '.join(methods)})"
    if note:
        resolution_note = f"{resolution_note}: {note}"
    base: dict[str, object] = {
        "channel_day_id": put.id, "version": put.version, "billable": plan.billable,
    }  # fmt: skip
    base |= plan.used()
    for s in plan.estimable:
        i = s.issue
        uow.issues.resolve(s.id, IssueStatus.RESOLVED, Resolution.ESTIMATED, resolution_note)
        span = range(i.first_interval, i.last_interval + 1)
        uow.audit.record(
            s.id, action, actor, note or resolution_note, as_of, IssueStatus.OPEN,
            IssueStatus.RESOLVED,
            base | {"methods": list(_methods(result, span)),
                    "intervals": [i.first_interval, i.last_interval]},
        )  # fmt: skip
    carried: list[tuple[int, int]] = []
    for s in plan.others:
        copy = replace(s.issue, channel_day_version=put.version, status=IssueStatus.OPEN)
        new_id = uow.issues.add(copy)
        if new_id is None:  # carried before (the same finding on the same version)
            new_id = next(
                o.id for o in uow.issues.for_day(*_key(plan.day))
                if o.issue.idempotency_key == copy.idempotency_key
            )  # fmt: skip
        text = f"version {put.version} (an estimate) keeps these values: carried on as #{new_id}"
        uow.issues.resolve(s.id, IssueStatus.RESOLVED, Resolution.SUPERSEDED, text)
        uow.audit.record(
            s.id, action, actor, text, as_of, IssueStatus.OPEN, IssueStatus.RESOLVED,
            base | {"carried_to": new_id},
        )  # fmt: skip
        carried.append((s.id, new_id))
    return EstimateOutcome(
        key=_key(plan.day),
        from_version=plan.stored.version,
        put=put,
        channel_day=plan.day,
        billable=plan.billable,
        methods=methods,
        estimated=result.estimated,
        resolved=tuple(s.id for s in plan.estimable),
        carried=tuple(carried),
        zero_fill_reason=plan.zero_fill_reason,
        steps=result.steps,
        eac=plan.inputs.eac,
        advance=plan.inputs.advance.energy if plan.inputs.advance else None,
        advance_from=plan.inputs.advance.detail if plan.inputs.advance else None,
        notes=plan.notes,
    )
