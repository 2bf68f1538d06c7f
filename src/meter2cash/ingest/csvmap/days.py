"""Per-interval rows -> whole local channel-days, in bounded memory.

Row-per-interval sources (a generic CSV, UK half-hourly exports) deliver what the canonical model
stores as one :class:`ChannelDay` per (supply point, channel, local day). The assembler keeps the
days it is filling in a bounded least-recently-used table: a day is flushed when ``max_open_days``
others were touched after it, and at the end of the file. Input grouped by supply point and day (the
usual export order) or sorted by time with fewer interleaved series than ``max_open_days`` therefore
yields each day once and complete; input in any other order still yields every value, as several
partial channel-days of the same day, each marking what it lacks ``Quality.MISSING`` — which
interpretation merges like partial deliveries. What a bounded table cannot see is a duplicate whose
first copy was already flushed: that one reaches interpretation as a correction.

Intervals the file does not deliver are ``None`` with ``Quality.MISSING``. A row whose start is off
the day's grid (not a whole number of intervals after local midnight) is data, not an error, and is
yielded as an :class:`IntervalRead` of its own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from meter2cash.domain.errors import PrecisionError
from meter2cash.domain.quantity import Unit, to_micro
from meter2cash.domain.reads import ChannelDay, Direction, IntervalRead, Quality, SourceRef
from meter2cash.domain.time import Interval, local_day, zone_named
from meter2cash.ingest.csvmap.reasons import CsvReason, Rejects
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.reasons import Reason

DEFAULT_MAX_OPEN_DAYS = 4096


@dataclass(frozen=True, slots=True)
class Series:
    """What is constant along one channel of one supply point."""

    supply_point_id: str
    market: str
    channel: str
    direction: Direction
    unit: Unit
    source_unit: str
    meter_serial: str | None = None


@lru_cache(maxsize=16_384)
def day_grid(read_on: date, zone: str, interval_minutes: int) -> tuple[datetime, int]:
    """(UTC start of the local day, number of intervals in it); cached, days repeat per series."""
    span = local_day(read_on, zone_named(zone))
    return span.start, int(span.duration / timedelta(minutes=interval_minutes))


def _needs_check(value: Decimal) -> bool:
    """Whether ``to_micro`` could refuse ``value``: more than 6 decimals written, or very long."""
    _sign, digits, exponent = value.as_tuple()
    return not isinstance(exponent, int) or exponent < -6 or len(digits) > 20


class _OpenDay:
    __slots__ = (
        "flags",
        "latest",
        "line",
        "lines",
        "methods",
        "qualities",
        "read_on",
        "reasons",
        "series",
        "start",
        "values",
    )

    def __init__(self, series: Series, read_on: date, start: datetime, count: int, line: int):
        self.series = series
        self.read_on = read_on
        self.start = start
        self.line = line
        self.latest: datetime | None = None  # latest interval start seen: orders the repeated hour
        self.values: list[Decimal | None] = [None] * count
        self.qualities: list[Quality] = [Quality.MISSING] * count
        self.methods: list[str | None] = [None] * count
        self.reasons: list[str | None] = [None] * count
        self.flags: list[str] = [""] * count
        self.lines: list[int] = [0] * count  # 0: not delivered


class DayAssembler:
    """Collects interval values of one file into channel-days of one zone and interval length."""

    def __init__(
        self,
        zone: str,
        interval_minutes: int,
        reject: Rejects,
        max_open_days: int = DEFAULT_MAX_OPEN_DAYS,
    ) -> None:
        self.zone_name = zone
        self.zone = zone_named(zone)
        self.interval_minutes = interval_minutes
        self.step = timedelta(minutes=interval_minutes)
        self.reject = reject
        self.max_open_days = max(1, max_open_days)
        self._open: OrderedDict[tuple[str, str, date], _OpenDay] = OrderedDict()

    def latest_start(self, series: Series, read_on: date) -> datetime | None:
        """The latest interval start already placed in this series' open day (see clock.py)."""
        day = self._open.get((series.supply_point_id, series.channel, read_on))
        return None if day is None else day.latest

    def add(
        self,
        line: int,
        text: str,
        series: Series,
        start: datetime,
        value: Decimal | None,
        quality: Quality,
        flag: str,
        method: str | None = None,
        reason: str | None = None,
    ) -> Iterator[ParsedItem]:
        """Place one interval value (``start`` UTC-aware); yields flushed days and rejections."""
        if value is not None and _needs_check(value):
            try:
                to_micro(value)
            except PrecisionError:
                yield self.reject(
                    line,
                    Reason.PRECISION_EXCEEDED,
                    f"value {value} has more than 6 decimal places of {series.unit}",
                    text,
                )
                return
        read_on = start.astimezone(self.zone).date()
        key = (series.supply_point_id, series.channel, read_on)
        day = self._open.get(key)
        if day is None:
            day_start, count = day_grid(read_on, self.zone_name, self.interval_minutes)
            if (start - day_start) % self.step:
                yield self._irregular(line, series, start, value, quality, method, reason)
                return
            day = self._open[key] = _OpenDay(series, read_on, day_start, count, line)
            if len(self._open) > self.max_open_days:
                yield self._flush(self._open.popitem(last=False)[1])
        else:
            self._open.move_to_end(key)
        k, off_grid = divmod(start - day.start, self.step)
        if off_grid:
            yield self._irregular(line, series, start, value, quality, method, reason)
            return
        if day.lines[k]:
            if (day.values[k], day.qualities[k], day.flags[k]) != (value, quality, flag):
                yield self.reject(
                    line,
                    CsvReason.DUPLICATE_INTERVAL,
                    f"{series.supply_point_id} {series.channel}: the interval from "
                    f"{start.isoformat()} already has {day.values[k]} ({day.flags[k] or '-'}) "
                    f"from line {day.lines[k]}; this row's {value} ({flag or '-'}) is not used",
                    text,
                )
            return  # an identical re-send of the same interval adds nothing
        day.values[k], day.qualities[k], day.flags[k] = value, quality, flag
        day.methods[k], day.reasons[k], day.lines[k] = method, reason, line
        if day.latest is None or start > day.latest:
            day.latest = start

    def finish(self) -> Iterator[ChannelDay]:
        """Flush every open day, oldest first."""
        while self._open:
            yield self._flush(self._open.popitem(last=False)[1])

    def _flush(self, day: _OpenDay) -> ChannelDay:
        series = day.series
        return ChannelDay(
            supply_point_id=series.supply_point_id,
            market=series.market,
            channel=series.channel,
            direction=series.direction,
            unit=series.unit,
            read_on=day.read_on,
            zone=self.zone_name,
            interval_minutes=self.interval_minutes,
            values=tuple(day.values),
            qualities=tuple(day.qualities),
            methods=tuple(day.methods),
            reasons=tuple(day.reasons),
            source=SourceRef(self.reject.file_id, day.line, self.reject.segment),
            source_unit=series.source_unit,
            source_flags=tuple(day.flags),
            meter_serial=series.meter_serial,
        )

    def _irregular(
        self,
        line: int,
        series: Series,
        start: datetime,
        value: Decimal | None,
        quality: Quality,
        method: str | None,
        reason: str | None,
    ) -> IntervalRead:
        return IntervalRead(
            series.supply_point_id,
            series.channel,
            Interval(start, start + self.step),
            value,
            series.unit,
            quality,
            method,
            reason,
            SourceRef(self.reject.file_id, line, self.reject.segment),
        )
