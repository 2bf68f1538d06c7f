"""m2c-jsonl output: the canonical interval format, one ``ChannelDay`` as JSON per line (UK market).

Each line is ``codec.encode(codec.to_builtins(ChannelDay(...)))``: decimals as exact strings, the
day's qualities/methods/reasons as arrays, ``source`` = ``SourceRef("synthetic", 0)``. Days are
local Europe/London days, so the clock-change days hold 46 and 50 half-hours. A gap's intervals
are ``null`` with quality ``N`` (no value could be obtained).
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from meter2cash.codec import encode, to_builtins
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, SourceRef
from meter2cash.synth.calendar import Calendar, DaySlot
from meter2cash.synth.defects import ACTUAL, DayFlags
from meter2cash.synth.ids import SupplyPointIds
from meter2cash.synth.model import Channel, SupplyPoint
from meter2cash.synth.values import decimals

MARKET = "GB"  # the Market code of domain.supply_point (Great Britain)
SOURCE = SourceRef(file_id="synthetic", line=0)
NON_NUMERIC = "#VALUE!"
_IMPORT = Channel("AI", Direction.IMPORT)
_EXPORT = Channel("AE", Direction.EXPORT)


class JsonlFormat:
    name = "m2c"
    zone = "Europe/London"
    extension = ".jsonl"

    def __init__(self, calendar: Calendar) -> None:
        self._interval_minutes = calendar.interval_minutes
        self._flag_arrays: dict[tuple[int, DayFlags], tuple[tuple[Any, ...], ...]] = {}

    def supply_point_id(self, ids: SupplyPointIds, index: int) -> str:
        return ids.mpan(index)

    def channels(self, *, with_export: bool) -> tuple[Channel, ...]:
        return (_IMPORT, _EXPORT) if with_export else (_IMPORT,)

    def file_header(self, *, corrections: bool) -> list[bytes]:
        return []

    def channel_header(self, supply_point: SupplyPoint, channel: Channel) -> list[bytes]:
        return []

    def channel_day(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        flags: DayFlags,
    ) -> ChannelDay:
        qualities, methods, reasons = self._flags(slot.intervals, flags)
        return ChannelDay(
            supply_point_id=supply_point.id,
            market=MARKET,
            channel=channel.code,
            direction=channel.direction,
            unit=Unit.KWH,
            read_on=slot.read_on,
            zone=self.zone,
            interval_minutes=self._interval_minutes,
            values=decimals(values),
            qualities=qualities,
            methods=methods,
            reasons=reasons,
            source=SOURCE,
            source_unit="kWh",
            meter_serial=supply_point.meter_serial,
        )

    def record(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        flags: DayFlags,
        *,
        corrected: bool = False,
    ) -> bytes:
        return encode(to_builtins(self.channel_day(supply_point, channel, slot, values, flags)))

    def gap_record(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        first: int,
        last: int,
    ) -> list[bytes]:
        day = self.channel_day(supply_point, channel, slot, values, ACTUAL)
        gap = range(first, last + 1)
        day = replace(
            day,
            values=tuple(None if k in gap else v for k, v in enumerate(day.values)),
            qualities=tuple(Quality.NULL if k in gap else q for k, q in enumerate(day.qualities)),
        )
        return [encode(to_builtins(day))]

    def malformed(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        rng: random.Random,
    ) -> tuple[bytes, int | None, dict[str, Any]]:
        payload = to_builtins(self.channel_day(supply_point, channel, slot, values, ACTUAL))
        variant = rng.choice(("short", "non_numeric", "truncated"))
        interval: int | None = None
        detail: dict[str, Any] = {"variant": variant}
        if variant == "short":  # one value and its flags fewer than the local day holds
            for key in ("values", "qualities", "methods", "reasons"):
                payload[key] = list(payload[key])[:-1]
            detail |= {"value_count": len(values) - 1, "expected": len(values)}
        elif variant == "non_numeric":
            interval = rng.randrange(len(values))
            payload["values"] = list(payload["values"])
            payload["values"][interval] = NON_NUMERIC
        line = encode(payload)
        if variant == "truncated":  # cut mid-object: not JSON at all
            line = line[: len(line) // 2]
        return line, interval, detail

    def file_footer(self) -> list[bytes]:
        return []

    def _flags(self, count: int, flags: DayFlags) -> tuple[tuple[Any, ...], ...]:
        key = (count, flags)
        arrays = self._flag_arrays.get(key)
        if arrays is None:
            arrays = ((flags.quality,) * count, (flags.method,) * count, (flags.reason,) * count)
            self._flag_arrays[key] = arrays
        return arrays
