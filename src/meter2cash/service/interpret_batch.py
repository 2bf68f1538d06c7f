"""Validation of one batch of new channel-day versions: context, history, clock offsets, rules.

The interpret stage decides *which* versions to store (``service/interpret.py``); this module runs
the VEE catalogue (``interpret/vee``) over them as one columnar batch, with everything the rules
need loaded in a few store calls per batch: the configuration in force (reference data), the
trailing history of each channel (latest stored versions), and the clock-sync events of the days.
Communications-status events explain gaps: a C2 (missing data) issue on a day the head-end reported
the meter offline or a failed read names that report, so the operator (and the estimate's reason)
sees the known outage instead of an unexplained hole.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import numpy as np

from meter2cash.domain.channel_context import ChannelContext
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatus,
    CommunicationsStatusReported,
)
from meter2cash.domain.reads import ChannelDay
from meter2cash.domain.time import Interval, local_day, zone_named
from meter2cash.domain.validation import ValidationIssue
from meter2cash.interpret.vee import (
    ChannelDayBatch,
    DailyHistory,
    ExpectedDay,
    IntervalContext,
    ParameterTable,
    clock_offsets,
    validate_intervals,
)
from meter2cash.ports import UnitOfWork

#: How far back C7/C9/C21 look, at most (the parameters' windows are shorter; see parameters.yaml).
HISTORY_DAYS = 35

#: Head-end statuses that explain missing data.
_OUTAGE = {CommunicationsStatus.OFFLINE, CommunicationsStatus.FAILED_READ}


class ContextSource(Protocol):
    """What validation needs of reference data (``service.reference.ReferenceView`` provides it)."""

    def channel_context(
        self, supply_point_id: str, channel: str, read_on: date
    ) -> ChannelContext | None: ...


@dataclass(frozen=True)
class BatchFindings:
    issues: list[ValidationIssue]
    billable: list[bool]
    estimable: list[bool]  # the row has C2 issues the pipeline may estimate automatically
    outages: dict[int, str]  # row -> the head-end report explaining its missing data


def validate_versions(
    uow: UnitOfWork,
    rows: Sequence[tuple[ChannelDay, int]],
    params: ParameterTable,
    reference: ContextSource | None,
    as_of: datetime,
) -> BatchFindings:
    """Run every interval rule over the new versions ``rows`` (day, version number)."""
    days = [day for day, _ in rows]
    # One delivery per row: conflicting duplicates inside a delivery are caught before a version is
    # made (service/interpret.py), and a partial day merged twice from one file is not a duplicate.
    received = ChannelDayBatch.from_days(
        days, [v for _, v in rows], deliveries=[str(k) for k in range(len(days))]
    )
    stored = _history(uow, days)
    before = _as_batch(stored)
    absent = _absent_days(days, stored)
    batch = (
        ChannelDayBatch.concat([received, ChannelDayBatch.absent(absent)]) if absent else received
    )
    keys = [(d.supply_point_id, d.channel, d.read_on) for d in days] + [
        (e.supply_point_id, e.channel, e.read_on) for e in absent
    ]
    spans = [(d.supply_point_id, d.span) for d in days] + [
        (e.supply_point_id, local_day(e.read_on, zone_named(e.zone))) for e in absent
    ]
    context = _context(batch, keys, reference)
    events = _meter_events(uow, [span for _, span in spans], {sp for sp, _ in spans})
    syncs = [e for e in events if isinstance(e, ClockSynchronised)]
    if syncs:
        context = replace(context, clock_offset_s=clock_offsets(batch, syncs))
    history = DailyHistory.from_batch(batch, before=before, window=28)
    findings = validate_intervals(batch, context, history, params, as_of=as_of)
    outages = _outages(spans, [e for e in events if isinstance(e, CommunicationsStatusReported)])
    issues = []
    estimable = [False] * len(days)
    for issue, row in zip(findings.issues, findings.rows.tolist(), strict=True):
        if issue.rule == "C2":
            if row < len(days):
                estimable[row] = True
            if row in outages:
                issue = replace(issue, detail=f"{issue.detail}; {outages[row]}")
        issues.append(issue)
    billable = findings.billable().tolist()[: len(days)]
    return BatchFindings(issues, billable, estimable, outages)


def _absent_days(days: Sequence[ChannelDay], stored: Sequence[ChannelDay]) -> list[ExpectedDay]:
    """Channel-days never received between two received days of the same channel, within the
    window this batch looks at: without configuration these are the days known to be due (a
    channel's first and last days bound what it delivers) [T]. They become all-missing rows, so
    C2 reports a wholly absent day like any other gap (version 0: nothing was stored)."""
    by_channel: dict[tuple[str, str], dict[date, ChannelDay]] = {}
    for day in [*stored, *days]:
        by_channel.setdefault((day.supply_point_id, day.channel), {})[day.read_on] = day
    spans: dict[tuple[str, str], tuple[date, date]] = {}
    for day in days:
        key = (day.supply_point_id, day.channel)
        first, last = spans.get(key, (day.read_on, day.read_on))
        spans[key] = (min(first, day.read_on), max(last, day.read_on))
    expected = []
    for key, (first, last) in sorted(spans.items()):
        have = by_channel[key]
        known = sorted(have)
        low = first - timedelta(days=HISTORY_DAYS)
        for earlier, later in itertools.pairwise(known):
            gap = (later - earlier).days
            if gap <= 1 or later < low or earlier > last:
                continue
            template = have[earlier]
            for k in range(1, gap):
                read_on = earlier + timedelta(days=k)
                if low <= read_on <= last:
                    expected.append(
                        ExpectedDay(
                            template.supply_point_id, template.market, template.channel, read_on,
                            template.zone, template.interval_minutes, template.direction,
                            str(template.unit),
                        )
                    )  # fmt: skip
    return expected


def _context(
    batch: ChannelDayBatch,
    keys: Sequence[tuple[str, str, date]],
    reference: ContextSource | None,
) -> IntervalContext:
    """The configuration in force per row; rows without reference data keep "unknown" columns."""
    unknown = IntervalContext.unknown(batch)
    if reference is None:
        return unknown
    found = [reference.channel_context(sp, channel, read_on) for sp, channel, read_on in keys]
    present = [(k, c) for k, c in enumerate(found) if c is not None]
    if not present:
        return unknown
    rows = [k for k, _ in present]
    known = IntervalContext.from_channel_contexts(
        batch.take(np.asarray(rows, dtype=np.int64)), [c for _, c in present]
    )
    index = np.asarray(rows, dtype=np.int64)
    columns: dict[str, Any] = {}
    for column in fields(IntervalContext):
        merged = np.array(getattr(unknown, column.name), copy=True)
        part = getattr(known, column.name)
        if merged.ndim == 2 and merged.shape[1] != part.shape[1]:  # padded widths differ
            width = min(merged.shape[1], part.shape[1])
            merged[index, :width] = part[:, :width]
        else:
            merged[index] = part
        columns[column.name] = merged
    return IntervalContext(**columns)


def _meter_events(uow: UnitOfWork, spans: Sequence[Interval], points: set[str]) -> list[Any]:
    start = min(s.start for s in spans) - timedelta(days=2)  # a report shortly before a day
    end = max(s.end for s in spans)  # can explain its gap
    return uow.meter_events.between(points, start, end)


def _history(uow: UnitOfWork, days: Sequence[ChannelDay]) -> list[ChannelDay]:
    """Latest stored versions over the look-back window of each supply point in the batch."""
    spans: dict[str, tuple[date, date]] = {}
    for d in days:
        first, last = spans.get(d.supply_point_id, (d.read_on, d.read_on))
        spans[d.supply_point_id] = (min(first, d.read_on), max(last, d.read_on))
    stored = []
    for supply_point_id, (first, last) in sorted(spans.items()):
        stored.extend(
            uow.intervals.latest(
                supply_point_id, first - timedelta(days=HISTORY_DAYS), last + timedelta(days=1)
            )
        )
    return [s.channel_day for s in stored]


def _as_batch(days: Sequence[ChannelDay]) -> ChannelDayBatch | None:
    if not days:
        return None
    return ChannelDayBatch.from_days(
        days, [0] * len(days), deliveries=[f"h{k}" for k in range(len(days))]
    )


def _outages(
    spans: Sequence[tuple[str, Interval]], reports: Sequence[CommunicationsStatusReported]
) -> dict[int, str]:
    """Rows whose day overlaps a reported outage: the status in force at some instant of the day
    (the latest report before the day's start, or any report within it) is offline/failed."""
    by_point: dict[str, list[CommunicationsStatusReported]] = {}
    for report in reports:
        by_point.setdefault(report.supply_point_id, []).append(report)
    found: dict[int, str] = {}
    for row, (supply_point_id, span) in enumerate(spans):
        relevant = [r for r in by_point.get(supply_point_id, ()) if r.reported_at < span.end]
        before = [r for r in relevant if r.reported_at <= span.start]
        within = [r for r in relevant if r.reported_at > span.start]
        in_force = ([before[-1]] if before else []) + within
        outage = next((r for r in in_force if r.status in _OUTAGE), None)
        if outage is not None:
            text = f" ({outage.detail})" if outage.detail else ""
            found[row] = (
                f"known outage: head-end reported {outage.status} for meter "
                f"{outage.meter_serial} at {outage.reported_at.isoformat()}{text}"
            )
    return found
