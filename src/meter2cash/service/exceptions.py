"""Operator actions on validation exceptions: accept, estimate or reject one, audited.

An exception (a stored :class:`~meter2cash.domain.validation.ValidationIssue`) leaves OPEN once:

* **accept** — the data is right as it is (ACCEPTED, ``accepted``). When no OPEN ERROR issue is left
  on the channel-day's latest version, that version becomes billable and a curated event is
  appended, so determinants and bills pick it up on the next ``process_pending``.
* **estimate** — the flagged values are replaced by estimates (``service.estimation``) as a new
  version (RESOLVED, ``estimated``), announced on the curated stream. When some interval cannot be
  estimated nothing changes and the action fails with the reason. On a *hard* settlement day
  (its timetable's final run has passed at the action time, ``interpret/harden``) settlement is
  not restated: the estimate becomes one :class:`~meter2cash.domain.adjustments.Adjustment`
  against the stored version (``classify_change``, as the interpret stage does for a late file),
  raised on ``curated.adjustments``; the version stays as it is and the issue is resolved
  ``estimated`` naming the adjustment. A day that already has an adjustment is refused: its data
  now is that correction, not the version the exception judged.
* **reject** — the data is wrong and stays quarantined (RESOLVED, ``rejected``); a version that was
  billable (a WARNING rejected) is withdrawn from billing, again with a curated event.

Accept and reject need a note (why the operator decided so). Every action writes one audit row:
who, when, the note, the status before and after, and what it changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from meter2cash.domain.adjustments import Adjustment, AdjustmentRaised, AdjustmentReason
from meter2cash.domain.errors import InputError
from meter2cash.domain.events import ConsumptionCurated
from meter2cash.domain.keys import stable_key
from meter2cash.domain.reads import ChannelDay
from meter2cash.domain.time import require_utc
from meter2cash.domain.validation import IssueStatus, Resolution, Severity, ValidationIssue
from meter2cash.interpret.estimate import Method
from meter2cash.interpret.harden import (
    HardeningState,
    NoOp,
    Timetable,
    classify_change,
    load_timetables,
)
from meter2cash.ports import DayKey, StoredChannelDay, UnitOfWork, UnitOfWorkFactory
from meter2cash.service.estimation import (
    ESTIMABLE_RULES,
    EstimateOutcome,
    EstimatePlan,
    estimate_stored_days,
    plan_estimates,
)
from meter2cash.service.interpret import hardening_state
from meter2cash.service.reference_view import ReferenceView
from meter2cash.service.streams import ADJUSTMENTS, CURATED, append_event

ACTIONS = ("accept", "estimate", "reject")
_METHODS = frozenset(str(m) for m in Method)


class ExceptionActionError(InputError):
    """An exception action that cannot be done: unknown action, missing note, not open, ..."""


@dataclass(frozen=True)
class ResolveOutcome:
    """What an action did: the issue's new status and resolution, and the audited ``result``."""

    issue_id: int
    action: str
    status: IssueStatus
    resolution: Resolution
    note: str | None
    actor: str
    at: datetime
    result: dict[str, Any]
    estimate: EstimateOutcome | None = None
    adjustment_id: int | None = None  # an estimate of a hard day: the adjustment it became
    adjustment: Adjustment | None = None


def resolve_exception(
    uow_factory: UnitOfWorkFactory,
    issue_id: int,
    action: str,
    note: str | None,
    actor: str,
    at: datetime,
    timetables: Mapping[str, Timetable] | None = None,
) -> ResolveOutcome:
    """Do ``action`` (accept | estimate | reject) on exception ``issue_id``, in one transaction.

    ``at`` is the action time, also the instant a day's hardening is judged at; ``timetables``
    are the settlement timetables (the shipped ones when ``None``). Raises ``NotFoundError`` for
    an unknown id and :class:`ExceptionActionError` for an action that cannot be done; nothing
    is changed then.
    """
    at = require_utc(at, "at")
    note = (note or "").strip() or None
    actor = actor.strip()
    if action not in ACTIONS:
        raise ExceptionActionError(f"unknown action {action!r}: use one of {', '.join(ACTIONS)}")
    if action in ("accept", "reject") and note is None:
        raise ExceptionActionError(f"--note is required to {action} an exception: say why")
    if not actor:
        raise ExceptionActionError("an action needs an actor (who did it)")
    with uow_factory() as uow:
        stored = uow.issues.get(issue_id)
        issue = stored.issue
        if issue.status is not IssueStatus.OPEN:
            how = f" ({stored.resolution})" if stored.resolution else ""
            raise ExceptionActionError(
                f"exception #{issue_id} is already {issue.status}{how}; only open ones can be "
                f"resolved"
            )
        if action == "estimate":
            tables = load_timetables() if timetables is None else timetables
            outcome = _estimate(uow, issue_id, issue, note, actor, at, tables)
        else:
            outcome = _decide(uow, issue_id, issue, action, note or "", actor, at)
        uow.commit()
    return outcome


def _key(issue: ValidationIssue) -> DayKey:
    return (issue.supply_point_id, issue.channel, issue.read_on)


def _latest(uow: UnitOfWork, issue: ValidationIssue) -> StoredChannelDay | None:
    return uow.intervals.latest_of([_key(issue)]).get(_key(issue))


def _curate(
    uow: UnitOfWork, day: ChannelDay, channel_day_id: int, version: int, billable: bool, *why: Any
) -> None:
    """Announce a billability change (or a new version) so determine recomputes the month; ``why``
    makes the idempotency key differ from the version's first curated event."""
    event = ConsumptionCurated(
        day.supply_point_id, day.channel, day.read_on, version, channel_day_id, billable,
        market=day.market, estimated=any(m in _METHODS for m in day.methods),
    )  # fmt: skip
    append_event(
        uow.log, CURATED, day.supply_point_id, event, stable_key("curated", channel_day_id, *why)
    )


def _decide(
    uow: UnitOfWork, issue_id: int, issue: ValidationIssue, action: str, note: str, actor: str,
    at: datetime,
) -> ResolveOutcome:  # fmt: skip
    accept = action == "accept"
    status = IssueStatus.ACCEPTED if accept else IssueStatus.RESOLVED
    resolution = Resolution.ACCEPTED if accept else Resolution.REJECTED
    uow.issues.resolve(issue_id, status, resolution, note)
    latest = _latest(uow, issue)
    result: dict[str, Any] = {"channel_day_version": issue.channel_day_version}
    if latest is None or latest.version != issue.channel_day_version:
        # The data this issue judged was replaced: billing follows the newer version's own issues.
        result["latest_version"] = None if latest is None else latest.version
    elif accept:
        blocking = [
            s.id for s in uow.issues.for_day(*_key(issue))
            if s.issue.channel_day_version == latest.version
            and s.issue.status is IssueStatus.OPEN and s.issue.severity is Severity.ERROR
        ]  # fmt: skip
        result |= {"channel_day_id": latest.id, "billable": not blocking}
        if blocking:
            result["blocked_by"] = blocking
        elif not latest.billable:
            uow.intervals.set_billable(latest.id, True)
            _curate(uow, latest.channel_day, latest.id, latest.version, True, "accepted", issue_id)
    else:
        result |= {"channel_day_id": latest.id, "billable": False}
        if latest.billable:
            uow.intervals.set_billable(latest.id, False)
            _curate(uow, latest.channel_day, latest.id, latest.version, False, "rejected", issue_id)
    uow.audit.record(issue_id, action, actor, note, at, IssueStatus.OPEN, status, result)
    return ResolveOutcome(issue_id, action, status, resolution, note, actor, at, result)


def _estimate(
    uow: UnitOfWork, issue_id: int, issue: ValidationIssue, note: str | None, actor: str,
    at: datetime, timetables: Mapping[str, Timetable],
) -> ResolveOutcome:  # fmt: skip
    if issue.rule not in ESTIMABLE_RULES or issue.severity is not Severity.ERROR:
        raise ExceptionActionError(
            f"exception #{issue_id} ({issue.rule} {issue.severity}) cannot be estimated: only "
            f"ERROR issues of {', '.join(sorted(ESTIMABLE_RULES))} can; accept or reject it"
        )
    latest = _latest(uow, issue)
    if latest is None or latest.version != issue.channel_day_version:
        shown = "none" if latest is None else f"v{latest.version}"
        raise ExceptionActionError(
            f"exception #{issue_id} is about version {issue.channel_day_version} of the day, but "
            f"the latest is {shown}: estimate the latest version's exceptions instead"
        )
    view = ReferenceView.load(uow, [issue.supply_point_id])
    state = _hardening(view, latest.channel_day, at, timetables)
    if state.is_hard:
        return _adjust(uow, issue_id, latest, state, view, note, actor, at)
    [outcome] = estimate_stored_days(
        uow, [_key(issue)], reason=None, as_of=at, actor=actor, note=note, action="estimate",
        reference=view,
    )  # fmt: skip
    if issue_id not in outcome.resolved or outcome.put is None or outcome.channel_day is None:
        raise ExceptionActionError(f"exception #{issue_id} cannot be estimated: {outcome.why}")
    put, day = outcome.put, outcome.channel_day
    _curate(uow, day, put.id, put.version, outcome.billable)
    result: dict[str, Any] = {
        "channel_day_id": put.id,
        "version": put.version,
        "methods": list(outcome.methods),
        "billable": outcome.billable,
        "resolved": list(outcome.resolved),
    }
    stored = uow.issues.get(issue_id)
    return ResolveOutcome(
        issue_id, "estimate", IssueStatus.RESOLVED, Resolution.ESTIMATED, stored.note, actor, at,
        result, outcome,
    )  # fmt: skip


def _hardening(
    view: ReferenceView, day: ChannelDay, at: datetime, timetables: Mapping[str, Timetable]
) -> HardeningState:
    """As the interpret stage judges a late file (``hardening_state``)."""
    return hardening_state(day, at, timetables, view)


def _adjust(
    uow: UnitOfWork, issue_id: int, latest: StoredChannelDay, state: HardeningState,
    view: ReferenceView, note: str | None, actor: str, at: datetime,
) -> ResolveOutcome:  # fmt: skip
    """Estimate a hard day as one adjustment against its stored version (module docstring)."""
    key = _key_of(latest.channel_day)
    corrected = uow.adjustments.latest_corrections([key]).get(key)
    if corrected is not None:
        raise ExceptionActionError(
            f"exception #{issue_id} cannot be estimated: settlement day {key[2]} is {state} and "
            f"already corrected by adjustment {corrected.id}; accept or reject the exception"
        )
    [item] = plan_estimates(uow, [key], reason=None, reference=view)
    if not isinstance(item, EstimatePlan):
        raise ExceptionActionError(f"exception #{issue_id} cannot be estimated: {item.why}")
    methods = ", ".join(item.methods)
    issues = ", ".join(f"#{s.id}" for s in item.estimable)
    text = f"estimated by {actor} ({methods}) for exception(s) {issues}"
    change = classify_change(
        latest.channel_day, item.day, state, created_at=at,
        old_version_id=f"channel_day:{latest.id}", reason=AdjustmentReason.OTHER,
        reason_text=f"{text}: {note}" if note else text,
    )  # fmt: skip
    if not isinstance(change, Adjustment):  # NoOp: the estimate equals what is stored
        why = change.why if isinstance(change, NoOp) else "not a correction of hard data"
        raise ExceptionActionError(f"exception #{issue_id} cannot be estimated: {why}")
    adjustment_id = uow.adjustments.add(change, item.day)
    if adjustment_id is None:  # the same correction raised before
        adjustment_id = next(
            a.id for a in uow.adjustments.list(change.supply_point_id)
            if a.adjustment.idempotency_key == change.idempotency_key
        )  # fmt: skip
    raised = AdjustmentRaised(change)
    append_event(uow.log, ADJUSTMENTS, change.supply_point_id, raised, raised.idempotency_key)
    resolution_note = (
        f"estimated as adjustment {adjustment_id} ({methods}): settlement day {key[2]} is "
        f"{state}, version {latest.version} is kept"
    )
    if note:
        resolution_note = f"{resolution_note}: {note}"
    base: dict[str, Any] = {
        "adjustment_id": adjustment_id, "delta": str(change.delta), "unit": str(change.unit),
        "hardening": str(state), "channel_day_version": latest.version,
        "methods": list(item.methods), "resolved": [s.id for s in item.estimable],
    } | item.used()  # fmt: skip
    for s in item.estimable:
        uow.issues.resolve(s.id, IssueStatus.RESOLVED, Resolution.ESTIMATED, resolution_note)
        intervals = [s.issue.first_interval, s.issue.last_interval]
        uow.audit.record(
            s.id, "estimate", actor, note or resolution_note, at, IssueStatus.OPEN,
            IssueStatus.RESOLVED, base | {"intervals": intervals},
        )  # fmt: skip
    return ResolveOutcome(
        issue_id, "estimate", IssueStatus.RESOLVED, Resolution.ESTIMATED, resolution_note, actor,
        at, base, adjustment_id=adjustment_id, adjustment=change,
    )  # fmt: skip


def _key_of(day: ChannelDay) -> DayKey:
    return (day.supply_point_id, day.channel, day.read_on)
