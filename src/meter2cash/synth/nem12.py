"""NEM12 (AEMO Meter Data File Format) output: Australian NEM interval data, market time UTC+10.

Records written (MDFF NEM12):

- ``100,NEM12,DateTime(YYYYMMDDHHMM),FromParticipant,ToParticipant``
- ``200,NMI,NMIConfiguration,RegisterID,NMISuffix,MDMDataStreamIdentifier,MeterSerialNumber,UOM,
  IntervalLength,NextScheduledReadDate`` once per channel (E1 import, B1 export)
- ``300,IntervalDate(YYYYMMDD),IntervalValue1..N,QualityMethod,ReasonCode,ReasonDescription,
  UpdateDateTime(YYYYMMDDHHMMSS),MSATSLoadDateTime`` once per day, N = 1440 / IntervalLength
- ``900``

Whole-day quality (``A``, ``E52``, ``S53``), except a day with a gap: quality ``V`` (variable), its
null intervals written as ``0.000``, then ``400,StartInterval,EndInterval,QualityMethod,ReasonCode,
ReasonDescription`` records (1-based, inclusive) giving ``A`` / ``N`` / ``A`` over the day.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from meter2cash.domain.reads import Direction, Quality
from meter2cash.synth.calendar import Calendar, DaySlot
from meter2cash.synth.defects import ACTUAL, DayFlags
from meter2cash.synth.ids import SupplyPointIds
from meter2cash.synth.model import Channel, SupplyPoint
from meter2cash.synth.values import milli_text, texts

FROM_PARTICIPANT = "SYNTHMDP"
TO_PARTICIPANT = "SYNTHRET"
NON_NUMERIC = "#VALUE!"
_IMPORT = Channel("E1", Direction.IMPORT)
_EXPORT = Channel("B1", Direction.EXPORT)
_STREAM = {"E1": "N1", "B1": "N2"}
#: Files are "created" the morning after the last day, corrections two weeks later: fixed, no clock.
CORRECTIONS_AFTER = timedelta(days=15)
#: A day whose intervals differ in quality: the 400 records that follow give each its own.
VARIABLE = DayFlags(Quality.ACTUAL, None, None, "V")


def _stamp(on: date, hhmmss: str) -> str:
    return f"{on:%Y%m%d}{hhmmss}"


class Nem12Format:
    name = "nem12"
    zone = "NEM"
    extension = ".csv"

    def __init__(self, calendar: Calendar) -> None:
        after = calendar.slots[-1].read_on + timedelta(days=1)
        self._created = _stamp(after, "0600")
        self._corrections_created = _stamp(after + CORRECTIONS_AFTER, "0600")
        self._corrections_updated = _stamp(after + CORRECTIONS_AFTER, "050000")
        self._interval_minutes = calendar.interval_minutes
        # Per day: the 300 record's date and the UpdateDateTime of the original delivery (03:00 the
        # next day), precomputed so the hot loop only joins strings.
        self._dates = {s.read_on: f"{s.read_on:%Y%m%d}" for s in calendar.slots}
        self._updated = {
            s.read_on: _stamp(s.read_on + timedelta(days=1), "030000") for s in calendar.slots
        }

    def supply_point_id(self, ids: SupplyPointIds, index: int) -> str:
        return ids.nmi(index)

    def channels(self, *, with_export: bool) -> tuple[Channel, ...]:
        return (_IMPORT, _EXPORT) if with_export else (_IMPORT,)

    def file_header(self, *, corrections: bool) -> list[bytes]:
        created = self._corrections_created if corrections else self._created
        return [f"100,NEM12,{created},{FROM_PARTICIPANT},{TO_PARTICIPANT}".encode("ascii")]

    def channel_header(self, supply_point: SupplyPoint, channel: Channel) -> list[bytes]:
        configuration = "".join(c.code for c in supply_point.channels)
        fields = (
            "200", supply_point.id, configuration, channel.code, channel.code,
            _STREAM[channel.code], supply_point.meter_serial, "kWh",
            str(self._interval_minutes), "",
        )  # fmt: skip
        return [",".join(fields).encode("ascii")]

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
        return self._line(slot, texts(values), flags, corrected)

    def _line(self, slot: DaySlot, fields: list[str], flags: DayFlags, corrected: bool) -> bytes:
        updated = self._corrections_updated if corrected else self._updated[slot.read_on]
        return (
            f"300,{self._dates[slot.read_on]},{','.join(fields)},{flags.nem_quality_method},"
            f"{flags.nem_reason_code},{flags.nem_reason_description},{updated},"
        ).encode("ascii")

    def gap_record(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        first: int,
        last: int,
    ) -> list[bytes]:
        fields = texts(values[:first] + [0] * (last - first + 1) + values[last + 1 :])
        spans = [(1, first, "A"), (first + 1, last + 1, "N"), (last + 2, len(values), "A")]
        return [self._line(slot, fields, VARIABLE, False)] + [
            f"400,{start},{end},{flag},,".encode("ascii")
            for start, end, flag in spans
            if start <= end
        ]

    def malformed(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        rng: random.Random,
    ) -> tuple[bytes, int | None, dict[str, Any]]:
        fields = texts(values)
        variant = rng.choice(("short", "long", "non_numeric"))
        interval: int | None = None
        if variant == "short":
            fields = fields[:-1]
        elif variant == "long":
            fields = [*fields, milli_text(values[-1])]
        else:
            interval = rng.randrange(len(fields))
            fields[interval] = NON_NUMERIC
        detail = {"variant": variant, "value_count": len(fields), "expected": len(values)}
        return self._line(slot, fields, ACTUAL, False), interval, detail

    def file_footer(self) -> list[bytes]:
        return [b"900"]
