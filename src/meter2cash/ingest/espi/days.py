"""Readings grouped into local days: ChannelDay where they tile the day, IntervalRead where not.

A reading joins the channel-day of the local day its start falls in when its length divides 24 h
and the day (23, 24 or 25 hours), it starts on that day's grid and ends within the day: hourly
and 15-minute readings, and a daily (86400 s) total on a 24-hour day. Anything else is data, not an
error, and is yielded as an :class:`IntervalRead`: a monthly bill-period total, a 23-hour "day" on a
DST change, a reading starting at 1721154384.66136. Once a day is open with one interval length,
a reading of another length on that day is an IntervalRead too.

Blocks may cut a day anywhere (12-hour blocks) and arrive in any order, so days stay open until
``MAX_OPEN_DAYS`` newer ones are open (least recently fed closes first) or the document ends; a
day closed early and fed again later is yielded twice, each part padded with ``Quality.MISSING``,
which interpretation merges. Memory: at most ``MAX_OPEN_DAYS`` days of values.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache

from meter2cash.domain.reads import (
    ChannelDay,
    IntervalRead,
    Quality,
    RegisterRead,
    Rejection,
    SourceRef,
)
from meter2cash.domain.time import Interval, local_day, zone_named
from meter2cash.ingest.espi.readings import Reading
from meter2cash.ingest.espi.reasons import Code, EspiReason
from meter2cash.ingest.espi.resolve import Channel
from meter2cash.ingest.items import ParsedItem

MARKET = "US"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
MAX_OPEN_DAYS = 64
SECONDS_PER_DAY = 86400

#: (line, reason, message, offending text) -> Rejection
Reject = Callable[[int, Code, str, str], Rejection]


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    return zone_named(name)


@lru_cache(maxsize=1024)
def _day(on: date, zone: str) -> tuple[int, int]:
    """UTC start and end of a local day, in microseconds since the epoch."""
    span = local_day(on, _zone(zone))
    return _micros(span.start), _micros(span.end)


def _micros(instant: datetime) -> int:
    return (instant - EPOCH) // _MICROSECOND


@dataclass(slots=True)
class _OpenDay:
    channel: Channel
    read_on: date
    seconds: int  # interval length
    line: int  # of the first reading fed
    values: list[Decimal | None]
    qualities: list[Quality]
    methods: list[str | None]


class DayBook:
    def __init__(self, file_id: str, segment: str | None, reject: Reject) -> None:
        self.file_id = file_id
        self.segment = segment
        self.reject = reject
        self.open: OrderedDict[tuple[int, date], _OpenDay] = OrderedDict()
        # The local day each channel was last fed: (start, end, date), so that most readings
        # find their day without a time-zone conversion.
        self._spans: dict[int, tuple[int, int, date]] = {}

    def add(self, channel: Channel, reading: Reading, line: int, out: list[ParsedItem]) -> None:
        """File one reading; append to ``out`` what it completes or becomes."""
        if channel.register:
            out.append(self._register_read(channel, reading, line))
            return
        start, seconds = reading.start_us, reading.seconds
        span = self._spans.get(channel.key)
        if span is None or not span[0] <= start < span[1]:
            on = reading.start.astimezone(_zone(channel.zone)).date()
            span = self._spans[channel.key] = (*_day(on, channel.zone), on)
        day_start, day_end, on = span
        offset, step, length = start - day_start, seconds * 1_000_000, day_end - day_start
        if (
            SECONDS_PER_DAY % seconds
            or seconds % 60
            or length % step
            or offset % step
            or offset + step > length
        ):
            out.append(self._interval_read(channel, reading, line))
            return
        key = (channel.key, on)
        day = self.open.get(key)
        if day is None:
            count = length // step
            day = self.open[key] = _OpenDay(
                channel,
                on,
                seconds,
                line,
                [None] * count,
                [Quality.MISSING] * count,
                [None] * count,
            )
            while len(self.open) > MAX_OPEN_DAYS:
                out.append(self._channel_day(self.open.popitem(last=False)[1]))
        elif day.seconds != seconds:
            out.append(self._interval_read(channel, reading, line))
            return
        else:
            self.open.move_to_end(key)
        index = offset // step
        if day.qualities[index] is not Quality.MISSING:
            out.append(
                self.reject(
                    line,
                    EspiReason.DUPLICATE_INTERVAL,
                    f"{channel.name} of {channel.supply_point_id} already has the interval starting "
                    f"{reading.start.isoformat()} (day first fed at line {day.line}); the first is kept",
                    f"start={reading.start_us / 1e6:g} value={reading.energy}",
                )
            )
            return
        day.values[index] = reading.energy
        day.qualities[index] = reading.quality
        day.methods[index] = reading.flags or None

    def close(self, out: list[ParsedItem]) -> None:
        """Yield every day still open (the document has ended)."""
        while self.open:
            out.append(self._channel_day(self.open.popitem(last=False)[1]))

    def _source(self, line: int) -> SourceRef:
        return SourceRef(self.file_id, line, self.segment)

    def _channel_day(self, day: _OpenDay) -> ChannelDay:
        channel = day.channel
        return ChannelDay(
            supply_point_id=channel.supply_point_id,
            market=MARKET,
            channel=channel.name,
            direction=channel.direction,
            unit=channel.unit,
            read_on=day.read_on,
            zone=channel.zone,
            interval_minutes=day.seconds // 60,
            values=tuple(day.values),
            qualities=tuple(day.qualities),
            methods=tuple(day.methods),
            reasons=(None,) * len(day.values),
            source=self._source(day.line),
            source_unit=channel.source_unit,
            source_flags=tuple(method or "" for method in day.methods),
        )

    def _interval_read(self, channel: Channel, reading: Reading, line: int) -> IntervalRead:
        return IntervalRead(
            channel.supply_point_id,
            channel.name,
            Interval(reading.start, reading.end),
            reading.energy,
            channel.unit,
            reading.quality,
            reading.flags or None,
            None,
            self._source(line),
        )

    def _register_read(self, channel: Channel, reading: Reading, line: int) -> RegisterRead:
        # ESPI does not say whether a cumulative reading is taken at the start or the end of its
        # timePeriod: the end is used (a zero duration makes them equal). Unverified.
        return RegisterRead(
            supply_point_id=channel.supply_point_id,
            meter_serial="",
            register_id=channel.name,
            read_at=reading.end,
            value=reading.energy,
            unit=channel.unit,
            quality=reading.quality,
            method=reading.flags or None,
            reason=None,
            read_type=None,
            source=self._source(line),
        )
