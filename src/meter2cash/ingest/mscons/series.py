"""One LIN's interval values -> channel-days on the Europe/Berlin day grid, plus irregular intervals.

Every value arrives with its own UTC interval from DTM+163/164; none is placed by its position.
Values are collected per local day of their start (``Europe/Berlin``: German market days, 92/96/100
quarter-hours on the clock-change days) and a day is written out when a value of another day
arrives or the LIN ends, so at most one day per channel is held.

The channel's regular interval length is not declared in MSCONS. It is taken from the first day
that has any candidate: the most frequent length among 15, 30 and 60 minutes whose interval starts
on that length's grid from local midnight (ties to the shorter) [T]. Then, per day:

* a value of that length on the grid fills its slot of the ``ChannelDay``; slots no value fills are
  ``None`` with ``Quality.MISSING`` (a partial delivery, merged downstream);
* any other value -- another length (the sample's 20:00-20:16), off the grid, longer than a day --
  is an ``IntervalRead``: data, not an error;
* a second value for a filled slot is ``DUPLICATE_INTERVAL``; an irregular interval overlapping a
  filled slot or an irregular interval taken before is ``OVERLAPPING_INTERVAL`` (the first one
  stays), so no energy is counted twice within a delivery. Overlaps across days are not checked.

A day whose values arrive in two separate runs (out of order) is written twice, each part padded
with MISSING: downstream merges deliveries of the same day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, IntervalRead, Quality
from meter2cash.domain.time import Interval, local_day, zone_named
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.mscons.qualities import Flags
from meter2cash.ingest.mscons.reasons import MsconsReason
from meter2cash.ingest.mscons.refs import Sources, Where

ZONE = "Europe/Berlin"
BERLIN = zone_named(ZONE)
REGULAR_MINUTES = (15, 30, 60)
_ZERO = timedelta(0)


@dataclass(frozen=True, slots=True)
class Channel:
    """What every value of one LIN shares."""

    supply_point_id: str
    market: str
    channel: str
    direction: Direction
    unit: Unit
    source_unit: str
    meter_serial: str | None


@dataclass(frozen=True, slots=True)
class Point:
    """One QTY group's value over its interval."""

    interval: Interval
    energy: Decimal
    flags: Flags
    where: Where


class Series:
    """The open day of one channel."""

    def __init__(self, channel: Channel, sources: Sources) -> None:
        self.channel = channel
        self.sources = sources
        self.interval_minutes: int | None = None
        self.day: date | None = None
        self.points: list[Point] = []

    def add(self, point: Point) -> Iterator[ParsedItem]:
        day = point.interval.start.astimezone(BERLIN).date()
        if self.day is not None and day != self.day:
            yield from self.flush()
        self.day = day
        self.points.append(point)

    def flush(self) -> Iterator[ParsedItem]:
        if self.day is None:
            return
        day, points = self.day, self.points
        self.day, self.points = None, []
        span = local_day(day, BERLIN)
        if self.interval_minutes is None:
            self.interval_minutes = _regular_minutes(points, span.start)
        grid = _Grid(span, self.interval_minutes)
        irregular = []
        for point in points:
            k = grid.slot_of(point.interval)
            if k is None:
                irregular.append(point)
            elif (first := grid.slots[k]) is not None:
                yield self._duplicate(point, first)
            else:
                grid.slots[k] = point
        taken: list[Point] = []
        for point in irregular:
            clash = grid.overlapping(point.interval) or next(
                (other for other in taken if other.interval.overlaps(point.interval)), None
            )
            if clash is None:
                taken.append(point)
            elif clash.interval == point.interval:
                yield self._duplicate(point, clash)
            else:
                yield self.sources.reject(
                    point.where,
                    MsconsReason.OVERLAPPING_INTERVAL,
                    f"{_span(point.interval)} overlaps {_span(clash.interval)} of segment "
                    f"{clash.where.line}: the first one is kept",
                )
        if any(slot is not None for slot in grid.slots):
            yield self._channel_day(day, grid.slots, points[0].where)
        for point in taken:
            yield self._interval_read(point)

    def _duplicate(self, point: Point, first: Point) -> ParsedItem:
        line = first.where.line
        return self.sources.reject(
            point.where,
            MsconsReason.DUPLICATE_INTERVAL,
            f"{_span(point.interval)} on {self.channel.channel} was given already by segment "
            f"{line}: the first one is kept",
        )

    def _channel_day(self, day: date, slots: list[Point | None], first: Where) -> ChannelDay:
        c = self.channel
        assert self.interval_minutes is not None
        return ChannelDay(
            supply_point_id=c.supply_point_id,
            market=c.market,
            channel=c.channel,
            direction=c.direction,
            unit=c.unit,
            read_on=day,
            zone=ZONE,
            interval_minutes=self.interval_minutes,
            values=tuple(None if p is None else p.energy for p in slots),
            qualities=tuple(Quality.MISSING if p is None else p.flags.quality for p in slots),
            methods=tuple(None if p is None else p.flags.method for p in slots),
            reasons=tuple(None if p is None else p.flags.reason for p in slots),
            source=self.sources.ref(first),
            source_unit=c.source_unit,
            source_flags=tuple("" if p is None else p.flags.source_flag for p in slots),
            meter_serial=c.meter_serial,
        )

    def _interval_read(self, point: Point) -> IntervalRead:
        c = self.channel
        return IntervalRead(
            c.supply_point_id,
            c.channel,
            point.interval,
            point.energy,
            c.unit,
            point.flags.quality,
            point.flags.method,
            point.flags.reason,
            self.sources.ref(point.where),
        )


def _regular_minutes(points: list[Point], day_start: datetime) -> int | None:
    counts: Counter[int] = Counter()
    for point in points:
        minutes, rest = divmod(point.interval.duration, timedelta(minutes=1))
        on_grid = (point.interval.start - day_start) % point.interval.duration == _ZERO
        if rest == _ZERO and minutes in REGULAR_MINUTES and on_grid:
            counts[minutes] += 1
    if not counts:
        return None
    return min(counts, key=lambda minutes: (-counts[minutes], minutes))


class _Grid:
    """The regular slots of one local day (none while the channel's length is unknown)."""

    def __init__(self, span: Interval, minutes: int | None) -> None:
        self.start = span.start
        self.step = timedelta(minutes=minutes or 1)
        self.slots: list[Point | None] = (
            [] if minutes is None else [None] * (span.duration // self.step)
        )

    def slot_of(self, interval: Interval) -> int | None:
        """The slot ``interval`` fills exactly, if it is a regular one."""
        offset = interval.start - self.start
        if not self.slots or interval.duration != self.step or offset % self.step != _ZERO:
            return None
        return offset // self.step

    def overlapping(self, interval: Interval) -> Point | None:
        """A filled slot that ``interval`` overlaps, if any."""
        first = max(0, (interval.start - self.start) // self.step)
        last = min(len(self.slots), -(-(interval.end - self.start) // self.step))
        return next((slot for slot in self.slots[first:last] if slot is not None), None)


def _span(interval: Interval) -> str:
    return f"{interval.start.isoformat()}..{interval.end.isoformat()}"
