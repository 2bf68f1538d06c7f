"""Interpret stage runner: raw channel-days -> versioned, validated, curated channel-days.

Consumes the raw stream from its committed offset; each batch's effects (new versions, issues,
billability, curated events) and the offset commit land in one transaction, so a crash repeats at
most a batch, and repeating a batch changes nothing (puts and appends are idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from meter2cash import codec
from meter2cash.domain.events import (
    ConsumptionCurated,
    IntervalReadReceived,
    ReadsReceived,
    RegisterReadReceived,
)
from meter2cash.domain.keys import stable_key
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.domain.validation import ValidationIssue
from meter2cash.interpret.rules import conflicting_duplicate, is_billable, validate_day
from meter2cash.ports import DayKey, UnitOfWork, UnitOfWorkFactory
from meter2cash.service.streams import CURATED, RAW, entry

CONSUMER = "interpret"
BATCH = 1_000


def merge_partial(latest: ChannelDay, partial: ChannelDay) -> ChannelDay:
    """A partial delivery overlays the latest version: delivered intervals win, the others keep
    their stored values. The merged version's source is the partial delivery (the newest file)."""
    if (latest.interval_minutes, latest.unit) != (partial.interval_minutes, partial.unit):
        return partial
    keep = [q is Quality.MISSING for q in partial.qualities]

    def pick(new: tuple[Any, ...], old: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(o if k else n for k, n, o in zip(keep, new, old, strict=True))

    blank = ("",) * len(keep)
    return replace(
        partial,
        values=pick(partial.values, latest.values),
        qualities=pick(partial.qualities, latest.qualities),
        methods=pick(partial.methods, latest.methods),
        reasons=pick(partial.reasons, latest.reasons),
        source_flags=pick(partial.source_flags or blank, latest.source_flags or blank),
    )


@dataclass
class _Latest:
    """What the batch knows of a channel-day's latest version (stored, or put earlier in the batch)."""

    day: ChannelDay
    version: int


class _Batch:
    """One batch of raw events interpreted together: a single read of the latest versions, one
    multi-row put, one append of curated events. Decisions are made in event order, exactly as
    one-by-one processing would make them (a day repeated inside the batch sees its predecessor)."""

    def __init__(self, uow: UnitOfWork, days: list[ChannelDay]) -> None:
        self.uow = uow
        stored = uow.intervals.latest_of(_key(d) for d in days)
        self.latest = {key: _Latest(s.channel_day, s.version) for key, s in stored.items()}
        self.puts: list[tuple[ChannelDay, bool]] = []
        self.issues: list[ValidationIssue] = []

    def add(self, day: ChannelDay) -> None:
        latest = self.latest.get(_key(day))
        if latest is not None and not day.complete:
            day = merge_partial(latest.day, day)
        elif (
            latest is not None
            and _same_delivery(latest.day, day)
            and latest.day.content_key != day.content_key
        ):
            # C3 applies to whole days only: partial deliveries of one day in one file merge.
            self.issues.append(conflicting_duplicate(latest.day, day, latest.version))
            return
        if latest is not None and latest.day.content_key == day.content_key:
            return
        version = latest.version + 1 if latest is not None else 1
        issues = validate_day(day, version)
        self.issues.extend(issues)
        self.puts.append((day, is_billable(issues)))
        self.latest[_key(day)] = _Latest(day, version)

    def flush(self) -> int:
        results = self.uow.intervals.put_many(self.puts)
        entries = []
        for (day, billable), result in zip(self.puts, results, strict=True):
            curated = ConsumptionCurated(
                day.supply_point_id, day.channel, day.read_on, result.version, result.id, billable
            )
            key = stable_key("curated", result.id)
            entries.append(entry(CURATED, day.supply_point_id, curated, key))
        self.uow.log.append_many(entries)
        for issue in self.issues:
            self.uow.issues.add(issue)
        return len(entries)


def _same_delivery(a: ChannelDay, b: ChannelDay) -> bool:
    """One delivery is one file *member*: the members of a ZIP share the archive's file id but are
    separate deliveries (a later member may legitimately correct an earlier one), so C3 compares the
    segment too."""
    return a.source.file_id == b.source.file_id and a.source.segment == b.source.segment


def _key(day: ChannelDay) -> DayKey:
    return (day.supply_point_id, day.channel, day.read_on)


def run_interpret(uow_factory: UnitOfWorkFactory, batch: int = BATCH) -> int:
    """Drain the raw stream; return how many channel-day versions were curated.

    Register reads and irregular intervals are stored, versioned, for the register and estimation
    rules to use; they are not billed yet.
    """
    curated = 0
    while True:
        with uow_factory() as uow:
            after = uow.log.committed(CONSUMER, RAW)
            records = uow.log.read(RAW, after, batch)
            if not records:
                return curated
            events = [codec.event_from_payload(r.event_type, r.payload) for r in records]
            days = [e.channel_day for e in events if isinstance(e, ReadsReceived)]
            work = _Batch(uow, days)
            for event in events:
                if isinstance(event, ReadsReceived):
                    work.add(event.channel_day)
                elif isinstance(event, RegisterReadReceived):
                    uow.register_reads.put(event.read)
                elif isinstance(event, IntervalReadReceived):
                    uow.interval_reads.put(event.read)
            curated += work.flush()
            uow.log.commit(CONSUMER, RAW, records[-1].offset)
            uow.commit()
