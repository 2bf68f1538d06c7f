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
  interpolated.

All or nothing per day [T]: when every masked interval got an estimate the day is stored as a new
version (quality/method/reason set by the library), its estimable issues are resolved
``estimated``, and its other open issues are carried to the new version (the old ones resolved
``superseded``: their finding still holds for the unchanged values, and billability is always
judged on a version's own open ERROR issues). When some interval cannot be estimated nothing is
stored, the issues stay open, and the outcome says why. Calling it again finds no open estimable
issue on the new version, so it stores nothing: it is idempotent.

Not here: register advances (scaling to an advance), EAC/profile data and holidays are not yet
read from the stores, so the profile step never runs; estimating a *hard* settlement day still
makes a version, not an adjustment.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

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

    @property
    def version(self) -> int | None:
        return self.put.version if self.put is not None else None

    @property
    def zero_filled(self) -> bool:
        return self.zero_fill_reason is not None


@dataclass(frozen=True)
class _Plan:
    stored: StoredChannelDay
    estimable: list[StoredIssue]
    others: list[StoredIssue]  # the version's other open issues: carried to the new version
    result: EstimationResult
    day: ChannelDay
    billable: bool
    zero_fill_reason: str | None


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
) -> list[EstimateOutcome]:
    """Estimate each channel-day's open estimable issues (module docstring); one outcome per key.

    ``reason`` is carried by every estimate (``None``: "no usable value" and the rules);
    ``outage_reason(key)`` may give a day its own (a head-end's outage report). A positive reason
    the day had no energy (de-energised, vacant), from ``zero_fill_reason(key)``, makes zero the
    estimate. ``as_of``/``actor``/``note``/``action`` go to the audit rows. Works inside the
    caller's unit of work and does not commit.
    """
    as_of = require_utc(as_of, "as_of")
    wanted = list(dict.fromkeys(keys))
    latest = uow.intervals.latest_of(wanted)
    issues = uow.issues.for_days(wanted)
    outcomes: dict[DayKey, EstimateOutcome] = {}
    todo: list[tuple[StoredChannelDay, list[StoredIssue]]] = []
    for key in wanted:
        stored = latest.get(key)
        if stored is None:
            outcomes[key] = EstimateOutcome(key, None, why="no stored channel-day")
            continue
        current = [
            s for s in issues.get(key, ())
            if s.issue.status is IssueStatus.OPEN and s.issue.channel_day_version == stored.version
        ]  # fmt: skip
        if not any(_estimable(s, rules) for s in current):
            why = (
                f"no open estimable issue ({', '.join(sorted(rules))}) on version {stored.version}"
            )
            outcomes[key] = EstimateOutcome(key, stored.version, why=why)
            continue
        todo.append((stored, current))
    history = StoredHistory(uow, [stored for stored, _ in todo])
    plans: list[_Plan] = []
    for stored, current in todo:
        key = _key(stored.channel_day)
        estimable = [s for s in current if _estimable(s, rules)]
        others = [s for s in current if not _estimable(s, rules)]
        zero_reason = zero_fill_reason(key) if zero_fill_reason else None
        day_reason = (outage_reason(key) if outage_reason else None) or reason
        if day_reason is None:
            found = ", ".join(sorted({s.issue.rule for s in estimable}))
            day_reason = f"{DEFAULT_REASON} ({found})"
        context = history.context(stored, day_reason, zero_reason)
        params = params_for(stored.channel_day.market)
        result = estimate_day(
            DayValues.of(stored.channel_day),
            _mask(stored.channel_day, estimable),
            context,
            history.like_days(stored),
            params=params,
        )
        if result.unestimated:
            outcomes[key] = EstimateOutcome(
                key, stored.version, methods=_methods(result, result.estimated),
                estimated=result.estimated, unestimated=result.unestimated, steps=result.steps,
                why=_why(result, stored, params),
            )  # fmt: skip
            continue
        billable = not any(s.issue.severity is Severity.ERROR for s in others)
        day = result.apply_to(stored.channel_day)
        used_zero = zero_reason if any(s.method is Method.ZERO_FILL for s in result.steps) else None
        plans.append(_Plan(stored, estimable, others, result, day, billable, used_zero))
    puts = uow.intervals.put_many([(plan.day, plan.billable) for plan in plans])
    for plan, put in zip(plans, puts, strict=True):
        outcome = _record(uow, plan, put, as_of=as_of, actor=actor, note=note, action=action)
        outcomes[outcome.key] = outcome
    return [outcomes[key] for key in wanted]


def _estimable(stored: StoredIssue, rules: Collection[str]) -> bool:
    return stored.issue.severity is Severity.ERROR and stored.issue.rule in rules


def _key(day: ChannelDay) -> DayKey:
    return (day.supply_point_id, day.channel, day.read_on)


def _mask(day: ChannelDay, estimable: list[StoredIssue]) -> list[bool]:
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


def _why(result: EstimationResult, stored: StoredChannelDay, params: EstimationParams) -> str:
    day = stored.channel_day
    first, last = params.like_day.window(day.read_on)
    limit = params.max_linear_intervals(day.interval_minutes)
    missing = result.unestimated
    return (
        f"{len(missing)} interval(s) of {day.supply_point_id} {day.channel} {day.read_on} "
        f"v{stored.version} could not be estimated (intervals {_ranges(missing)}): no gap of at "
        f"most {limit} interval(s) between actual values, no like day (same day type, every "
        f"interval actual, billable) stored between {first} and {last}, and no EAC for a profile"
        + "".join(f"; {n}" for n in result.notes)
    )


def _record(
    uow: UnitOfWork, plan: _Plan, put: PutResult, *, as_of: datetime, actor: str,
    note: str | None, action: str,
) -> EstimateOutcome:  # fmt: skip
    """Resolve, carry and audit the issues of a day whose estimate was stored as ``put``."""
    result = plan.result
    methods = _methods(result, result.estimated)
    resolution_note = f"estimated as version {put.version} ({', '.join(methods)})"
    if note:
        resolution_note = f"{resolution_note}: {note}"
    base = {"channel_day_id": put.id, "version": put.version, "billable": plan.billable}
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
    )
