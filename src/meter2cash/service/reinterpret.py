"""Interpret stored history again after a configuration fix (reference data changed).

Every read is interpreted against the configuration in force at its instant — also after the
configuration for a past span is corrected. A reference load says which spans changed
(``ReinterpretRequest``); this re-runs the interval rules over the latest stored versions of those
days with the new configuration and the register rules over the reads in them, then reconciles:

* a finding that still holds is the same stored issue (issues are keyed by rule, version and
  interval range), so nothing is duplicated;
* a new finding is stored as a new open issue;
* an open issue the rules no longer raise is closed as "superseded", with a note naming the
  configuration version that cleared it (audited);
* a version whose billability changes is updated and a curated event goes out, so determinants and
  bills follow.

No value is changed here: a configuration fix changes how data is judged, not what was measured.
C3 (conflicting duplicates) is about deliveries, not configuration, and is never re-judged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from meter2cash.domain.keys import stable_key
from meter2cash.domain.time import local_day, zone_named
from meter2cash.domain.validation import IssueStatus, Resolution
from meter2cash.ports import StoredChannelDay, UnitOfWork, UnitOfWorkFactory
from meter2cash.service.interpret import InterpretConfig, ReferenceLike, _Batch
from meter2cash.service.interpret_batch import validate_versions
from meter2cash.service.interpret_registers import validate_register_reads
from meter2cash.service.streams import CURATED, entry

#: Rules that judge deliveries rather than data and configuration: never re-judged here.
_NOT_RE_JUDGED = frozenset({"C3"})

#: A request without an end covers this many days after its start at most (the stores are asked
#: for a bounded window; a supply point's history is years, not decades).
OPEN_END_DAYS = 3660


class SpanRequest(Protocol):
    """What is needed of a reinterpretation request (``service.reference.ReinterpretRequest``)."""

    @property
    def supply_point_id(self) -> str: ...
    @property
    def from_on(self) -> date: ...
    @property
    def to_on(self) -> date | None: ...
    @property
    def channels(self) -> tuple[str, ...] | None: ...


@dataclass
class ReinterpretReport:
    channel_days: int = 0
    register_reads: int = 0
    new_issues: int = 0
    superseded_issues: int = 0
    billability_changed: int = 0
    details: list[str] = field(default_factory=list)


def reinterpret(
    uow_factory: UnitOfWorkFactory,
    requests: Iterable[SpanRequest],
    at: datetime,
    reference: Callable[[UnitOfWork, set[str]], ReferenceLike | None],
    config: InterpretConfig | None = None,
) -> ReinterpretReport:
    """Re-judge the stored data of each request's span; one transaction per supply point."""
    config = config or InterpretConfig()
    report = ReinterpretReport()
    for request in requests:
        with uow_factory() as uow:
            reinterpret_in(uow, [request], at, reference, config, report)
            uow.commit()
    return report


def reinterpret_in(
    uow: UnitOfWork,
    requests: Iterable[SpanRequest],
    at: datetime,
    reference: Callable[[UnitOfWork, set[str]], ReferenceLike | None],
    config: InterpretConfig,
    report: ReinterpretReport,
) -> None:
    """``reinterpret`` inside the caller's unit of work (the interpret stage, when configuration
    events arrive with the data)."""
    for request in requests:
        view = reference(uow, {request.supply_point_id})
        _one(uow, request, at, view, config, report)


def _one(
    uow: UnitOfWork,
    request: SpanRequest,
    at: datetime,
    view: ReferenceLike | None,
    config: InterpretConfig,
    report: ReinterpretReport,
) -> None:
    to_on = request.to_on or request.from_on + timedelta(days=OPEN_END_DAYS)
    stored = [
        s
        for s in uow.intervals.latest(request.supply_point_id, request.from_on, to_on)
        if request.channels is None or s.channel_day.channel in request.channels
    ]
    if stored:
        _days(uow, stored, at, view, config, report)
    _registers(uow, request, to_on, at, view, config, report)


def _days(
    uow: UnitOfWork,
    stored: Sequence[StoredChannelDay],
    at: datetime,
    view: ReferenceLike | None,
    config: InterpretConfig,
    report: ReinterpretReport,
) -> None:
    rows = [(s.channel_day, s.version) for s in stored]
    findings = validate_versions(uow, rows, config.params, view, at)
    report.channel_days += len(rows)
    found_keys = {issue.idempotency_key for issue in findings.issues}
    for issue in findings.issues:
        report.new_issues += uow.issues.add(issue) is not None
    keys = [
        (s.channel_day.supply_point_id, s.channel_day.channel, s.channel_day.read_on)
        for s in stored
    ]
    versions = dict(zip(keys, (s.version for s in stored), strict=True))
    configuration = _configuration_version(view, stored[0].channel_day.supply_point_id)
    for key, issues in uow.issues.for_days(keys).items():
        for old in issues:
            issue = old.issue
            if (
                issue.status is IssueStatus.OPEN
                and issue.channel_day_version == versions[key]
                and issue.rule not in _NOT_RE_JUDGED
                and issue.idempotency_key not in found_keys
            ):
                _supersede(uow, old.id, configuration, at)
                report.superseded_issues += 1
    entries = []
    helper = _Batch(uow, [], config, view)
    for s, billable in zip(stored, findings.billable, strict=True):
        key = (s.channel_day.supply_point_id, s.channel_day.channel, s.channel_day.read_on)
        open_errors = any(
            i.issue.status is IssueStatus.OPEN and i.issue.severity == "error"
            and i.issue.channel_day_version == s.version and i.issue.rule in _NOT_RE_JUDGED
            for i in uow.issues.for_day(*key)
        )  # fmt: skip
        now_billable = billable and not open_errors
        if now_billable == s.billable:
            continue
        uow.intervals.set_billable(s.id, now_billable)
        report.billability_changed += 1
        curated = helper.curated_event(s.channel_day, s.version, s.id, now_billable)
        stamp = stable_key("curated", s.id, "reinterpreted", configuration, now_billable)
        entries.append(entry(CURATED, s.channel_day.supply_point_id, curated, stamp))
    uow.log.append_many(entries)


def _registers(
    uow: UnitOfWork,
    request: SpanRequest,
    to_on: date,
    at: datetime,
    view: ReferenceLike | None,
    config: InterpretConfig,
    report: ReinterpretReport,
) -> None:
    zone = (view.zone(request.supply_point_id) if view is not None else None) or "UTC"
    start = local_day(request.from_on, zone_named(zone)).start
    end = local_day(to_on, zone_named(zone)).start
    reads = [
        (s.read, s.version) for s in uow.register_reads.latest(request.supply_point_id, start, end)
    ]
    if not reads:
        return
    report.register_reads += len(reads)
    for issue in validate_register_reads(uow, reads, config.params, view, at):
        report.new_issues += uow.issues.add(issue) is not None


def _configuration_version(view: ReferenceLike | None, supply_point_id: str) -> int | None:
    timeline = view.timeline(supply_point_id) if view is not None else None
    return timeline.version if timeline is not None else None


def _supersede(uow: UnitOfWork, issue_id: int, configuration: int | None, at: datetime) -> None:
    note = f"no longer raised under configuration version {configuration}"
    uow.issues.resolve(issue_id, IssueStatus.RESOLVED, Resolution.SUPERSEDED, note)
    uow.audit.record(
        issue_id, "reinterpret", "pipeline", note, at, IssueStatus.OPEN, IssueStatus.RESOLVED,
        {"configuration_version": configuration},
    )  # fmt: skip
