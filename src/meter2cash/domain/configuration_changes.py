"""Configuration fixes: new versions of a timeline, their history, and what changed between two.

A configuration fix (wrong digits, a missed exchange, a wrong TPR mapping — adjustment reasons
``MTD_CORRECTION``, ``METER_EXCHANGE_MISSED``, ``WRONG_MULTIPLIER``, market-rules.md §4.4) never
overwrites: loading corrected reference data makes a new *version* of the supply point's timeline,
which replaces the old one over the span the correction covers and keeps it elsewhere. The old
version stays in the :class:`ConfigurationHistory`, so "which configuration did we use then?" has
an answer, and :func:`diff` tells which spans (and so which channel-days and registers) must be
interpreted again against the corrected configuration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from meter2cash.domain.configuration import (
    ChangeKind,
    ConfigurationPeriod,
    ConfigurationTimeline,
    ConfigurationTimelineError,
    Span,
)
from meter2cash.domain.time import require_utc, zone_named


def _cut(period: ConfigurationPeriod, start: datetime, end: datetime | None) -> ConfigurationPeriod:
    """The part of ``period`` inside ``[start, end)``; a read taken at a moved boundary is dropped
    (it belonged to the old boundary's instant)."""
    new_start, new_end = max(period.start, start), period.end
    if end is not None and (new_end is None or end < new_end):
        new_end = end
    registers = tuple(
        dataclasses.replace(
            r,
            initial_read=r.initial_read if new_start == period.start else None,
            final_read=r.final_read if new_end == period.end else None,
        )
        for r in period.registers
    )
    return dataclasses.replace(period, start=new_start, end=new_end, registers=registers)


def _joined(periods: list[ConfigurationPeriod], edges: set[datetime]) -> list[ConfigurationPeriod]:
    """At the corrected span's edges, a period that directly continues the same meter becomes a
    reconfiguration and any other one an install: cutting must not end or start a meter's life."""
    result: list[ConfigurationPeriod] = []
    for period in periods:
        if period.start in edges:
            before = result[-1] if result else None
            continues = (
                before is not None
                and before.end == period.start
                and before.meter_serial == period.meter_serial
            )
            kind = ChangeKind.RECONFIGURATION if continues else ChangeKind.INSTALL
            period = dataclasses.replace(period, started_by=kind)
        result.append(period)
    return result


def supersede(
    current: ConfigurationTimeline | None,
    supply_point_id: str,
    periods: Iterable[ConfigurationPeriod],
    replaces: Span | None = None,
    *,
    known_from: datetime | None = None,
) -> ConfigurationTimeline:
    """The next version of a supply point's timeline after loading ``periods``.

    ``replaces=None`` means the load is the whole timeline. Otherwise the load is authoritative for
    ``replaces`` only: its periods must lie inside that span, the current periods are kept outside
    it (cut at its edges) and dropped inside it. The version is the current one plus one.
    """
    new = sorted(periods, key=lambda p: p.start)
    kept: list[ConfigurationPeriod] = []
    if replaces is not None:
        for period in new:
            inside = period.start >= replaces.start and (
                replaces.end is None or (period.end is not None and period.end <= replaces.end)
            )
            if not inside:
                raise ConfigurationTimelineError(
                    f"{supply_point_id}: meter {period.meter_serial} from "
                    f"{period.start.isoformat()} lies outside the corrected span "
                    f"{replaces.start.isoformat()}..{_text(replaces.end)}"
                )
        for old in current.periods if current is not None else ():
            if old.start < replaces.start:
                kept.append(_cut(old, old.start, replaces.start))
            if replaces.end is not None and (old.end is None or old.end > replaces.end):
                kept.append(_cut(old, replaces.end, None))
    if current is not None and current.supply_point_id != supply_point_id:
        raise ConfigurationTimelineError(
            f"cannot supersede the timeline of {current.supply_point_id} with {supply_point_id}"
        )
    edges: set[datetime] = set()
    if replaces is not None:
        edges.add(replaces.start)
        if replaces.end is not None:
            edges.add(replaces.end)
    merged = _joined(sorted(kept + new, key=lambda p: p.start), edges)
    version = 1 if current is None else current.version + 1
    return ConfigurationTimeline(supply_point_id, tuple(merged), version, known_from)


def _text(instant: datetime | None) -> str:
    return "open" if instant is None else instant.isoformat()


@dataclass(frozen=True, slots=True)
class ConfigurationHistory:
    """Every version of one supply point's timeline, oldest first (nothing is overwritten)."""

    supply_point_id: str
    versions: tuple[ConfigurationTimeline, ...] = ()

    def __post_init__(self) -> None:
        for number, timeline in enumerate(self.versions, start=1):
            if timeline.supply_point_id != self.supply_point_id or timeline.version != number:
                raise ConfigurationTimelineError(
                    f"history of {self.supply_point_id}: entry {number} is version "
                    f"{timeline.version} of {timeline.supply_point_id}"
                )

    @property
    def latest(self) -> ConfigurationTimeline | None:
        return self.versions[-1] if self.versions else None

    def with_version(self, timeline: ConfigurationTimeline) -> ConfigurationHistory:
        return ConfigurationHistory(self.supply_point_id, (*self.versions, timeline))

    def as_known_at(self, instant: datetime) -> ConfigurationTimeline | None:
        """The latest version known at ``instant`` (a version without ``known_from`` always is):
        what a run at that time interpreted against, for audit and replay."""
        instant = require_utc(instant)
        known = [v for v in self.versions if v.known_from is None or v.known_from <= instant]
        return known[-1] if known else None


@dataclass(frozen=True, slots=True)
class ChangedSpan:
    """A span over which two versions interpret reads differently, and what that touches."""

    start: datetime
    end: datetime | None
    before: ConfigurationPeriod | None
    after: ConfigurationPeriod | None
    channels: tuple[str, ...]  # interval channels to interpret again over the span
    registers: tuple[tuple[str, str], ...]  # (meter serial, register id) whose reads to revisit

    def local_days(self, zone: str, until: date) -> tuple[date, ...]:
        """The local days in ``zone`` touched by the span (an open span stops at ``until``)."""
        tz = zone_named(zone)
        first = self.start.astimezone(tz).date()
        last = until
        if self.end is not None:
            last = min(until, (self.end - timedelta(microseconds=1)).astimezone(tz).date())
        return tuple(first + timedelta(days=n) for n in range((last - first).days + 1))


def _affected(
    before: ConfigurationPeriod | None, after: ConfigurationPeriod | None
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    sides = [p for p in (before, after) if p is not None]
    if len(sides) == 1 or (before and after and before.meter_serial != after.meter_serial):
        channels = {c.channel for p in sides for c in p.channels}
        registers = {(p.meter_serial, r.register_id) for p in sides for r in p.registers}
        return tuple(sorted(channels)), tuple(sorted(registers))
    assert before is not None and after is not None
    old_channels = {c.channel: c for c in before.channels}
    new_channels = {c.channel: c for c in after.channels}
    changed = {n for n in old_channels | new_channels if old_channels.get(n) != new_channels.get(n)}
    old_registers = {r.register_id: r for r in before.registers}
    new_registers = {r.register_id: r for r in after.registers}
    moved = {
        r for r in old_registers | new_registers if old_registers.get(r) != new_registers.get(r)
    }
    for register_id in moved:  # a register's channel is what its sum check (C11) compares with
        for side in (old_registers.get(register_id), new_registers.get(register_id)):
            if side is not None and side.channel:
                changed.add(side.channel)
    return tuple(sorted(changed)), tuple(sorted((after.meter_serial, r) for r in moved))


_ReadKey = tuple[str, str, datetime, str]  # (meter serial, register id, instant, initial|final)


def _reads(timeline: ConfigurationTimeline) -> dict[_ReadKey, tuple[object, ConfigurationPeriod]]:
    reads: dict[_ReadKey, tuple[object, ConfigurationPeriod]] = {}
    for period in timeline.periods:
        for register in period.registers:
            key = (period.meter_serial, register.register_id)
            if register.initial_read is not None:
                reads[(*key, period.start, "initial")] = (register.initial_read, period)
            if register.final_read is not None and period.end is not None:
                reads[(*key, period.end, "final")] = (register.final_read, period)
    return reads


def _read_changes(old: ConfigurationTimeline, new: ConfigurationTimeline) -> list[ChangedSpan]:
    """Boundary readings added, removed or changed: the register reads of the period each one
    closes or opens (and the channel its register maps to, for the sum check) are to be revisited.
    One span per owning period, naming all its registers whose readings changed."""
    old_reads, new_reads = _reads(old), _reads(new)
    grouped: dict[tuple[datetime, datetime | None, str], ChangedSpan] = {}
    for key in old_reads.keys() | new_reads.keys():
        before, after = old_reads.get(key), new_reads.get(key)
        if before is not None and after is not None and before[0] == after[0]:
            continue
        found_read = after if after is not None else before
        assert found_read is not None  # the key came from one of the two
        owner = found_read[1]
        register = owner.register(key[1])
        channels = (register.channel,) if register is not None and register.channel else ()
        group = (owner.start, owner.end, owner.meter_serial)
        found = grouped.get(group)
        grouped[group] = ChangedSpan(
            owner.start,
            owner.end,
            (before[1] if before else None) or (found.before if found else None),
            (after[1] if after else None) or (found.after if found else None),
            tuple(sorted({*channels, *(found.channels if found else ())})),
            tuple(sorted({(key[0], key[1]), *(found.registers if found else ())})),
        )
    return list(grouped.values())


def diff(old: ConfigurationTimeline, new: ConfigurationTimeline) -> list[ChangedSpan]:
    """The spans over which ``old`` and ``new`` interpret reads differently, ordered by start.

    Where the set-up in force differs (another meter, other registers or channels) the span runs
    until either side changes again; consecutive spans with the same pair of periods are joined.
    A boundary reading (initial or final) that was added, removed or changed yields the span of
    the period it belongs to, naming just that register. Where a period was recorded (``source``)
    never counts as a change.
    """
    if old.supply_point_id != new.supply_point_id:
        raise ConfigurationTimelineError(
            f"cannot diff timelines of {old.supply_point_id} and {new.supply_point_id}"
        )
    bounds = sorted(
        {p.start for t in (old, new) for p in t.periods}
        | {p.end for t in (old, new) for p in t.periods if p.end is not None}
    )
    spans: list[ChangedSpan] = []
    for index, start in enumerate(bounds):
        end = bounds[index + 1] if index + 1 < len(bounds) else None
        before, after = old.in_force_at(start), new.in_force_at(start)
        if (before.setup if before else None) == (after.setup if after else None):
            continue
        last = spans[-1] if spans else None
        if last is not None and last.end == start and (last.before, last.after) == (before, after):
            spans[-1] = dataclasses.replace(last, end=end)
            continue
        channels, registers = _affected(before, after)
        spans.append(ChangedSpan(start, end, before, after, channels, registers))
    spans.extend(_read_changes(old, new))
    return sorted(spans, key=lambda s: (s.start, s.end is None, s.end or s.start))
