"""One generation run: streams every supply point's channel-days, injecting and recording defects.

Where each defect goes:

- gaps: the channel-day is not written at all (a missing day, not a day of null values).
- malformed: the day's only record is one a parser must reject (see each format's ``malformed``).
- spikes / negatives: the day's record with one interval x20-50 / negated.
- estimates: the day's record carries the noise-free expected values, flagged estimated (E52) or
  substituted (S53).
- duplicates: the day's record again, at the end of its channel's block (so in NEM12 under the same
  200 record); "exact", or "conflicting" with one interval changed.
- late_corrections: the day's record is clean; a changed re-send goes to the corrections file.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from meter2cash.domain.reads import Direction
from meter2cash.synth.calendar import Calendar, DaySlot
from meter2cash.synth.defects import (
    ACTUAL,
    ESTIMATED,
    SUBSTITUTED,
    DayFlags,
    Defect,
    DefectDraw,
    altered,
    pick_positive,
)
from meter2cash.synth.ids import SupplyPointIds
from meter2cash.synth.model import Channel, RecordFormat, SupplyPoint, file_name
from meter2cash.synth.shapes import SupplyPointLoad, draw_profile
from meter2cash.synth.values import milli_text
from meter2cash.synth.writer import GeneratedFile, LineWriter


@dataclass(slots=True)
class _Day:
    """One channel-day on its way to a file."""

    writer: LineWriter
    supply_point: SupplyPoint
    channel: Channel
    slot: DaySlot
    values: list[int]


@dataclass(slots=True)
class _Resend:
    """A record to write again later: a duplicate (same file) or a late correction (later file)."""

    day: _Day
    values: list[int]
    original_line: int
    interval: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Run:
    def __init__(
        self,
        out_dir: Path,
        record_format: RecordFormat,
        calendar: Calendar,
        ids: SupplyPointIds,
        rates: Mapping[str, float],
        seed: int,
        export_share: float,
    ) -> None:
        self.out_dir = out_dir
        self.fmt = record_format
        self.calendar = calendar
        self.ids = ids
        self.rates = rates
        self.seed = seed
        self.export_share = export_share
        self.defects: list[Defect] = []
        self.corrections: list[_Resend] = []
        self.channel_days = 0
        self.interval_values = 0
        self._step = timedelta(minutes=calendar.interval_minutes)
        self._values_per_channel = sum(s.intervals for s in calendar.slots)

    def _random(self, purpose: str, index: int) -> random.Random:
        """Independent streams per supply point and purpose: values do not depend on the file
        split, and defects do not move any value they do not touch."""
        return random.Random(f"m2c-synth/{self.seed}/{purpose}/{index}")

    def _has_export(self, index: int) -> bool:
        """Spread evenly: exactly floor(n x share) of the first n supply points export."""
        share = self.export_share
        return int((index + 1) * share) > int(index * share)

    def write_file(self, number: int, indices: range) -> GeneratedFile:
        path = self.out_dir / file_name(self.fmt, number, corrections=False)
        with LineWriter(path, "original") as writer:
            for line in self.fmt.file_header(corrections=False):
                writer.write(line)
            for index in indices:
                self._write_supply_point(writer, index)
            for line in self.fmt.file_footer():
                writer.write(line)
            return writer.close()

    def write_corrections(self, number: int) -> GeneratedFile:
        path = self.out_dir / file_name(self.fmt, number, corrections=True)
        with LineWriter(path, "corrections") as writer:
            for line in self.fmt.file_header(corrections=True):
                writer.write(line)
            block: tuple[int, str] | None = None
            for fix in self.corrections:
                day = fix.day
                if block != (day.supply_point.index, day.channel.code):
                    block = (day.supply_point.index, day.channel.code)
                    for line in self.fmt.channel_header(day.supply_point, day.channel):
                        writer.write(line)
                record = self.fmt.record(
                    day.supply_point, day.channel, day.slot, fix.values, ACTUAL, corrected=True
                )
                number = writer.write_record(record, len(fix.values))
                detail = {"original_file": day.writer.path.name, **fix.detail}
                self._record("late_corrections", day, number, None, detail, writer=writer)
            for line in self.fmt.file_footer():
                writer.write(line)
            return writer.close()

    def _write_supply_point(self, writer: LineWriter, index: int) -> None:
        with_export = self._has_export(index)
        profile = draw_profile(self._random("profile", index), solar=with_export)
        load = SupplyPointLoad(profile, self.calendar, self._random("values", index))
        supply_point = SupplyPoint(
            index=index,
            id=self.fmt.supply_point_id(self.ids, index),
            meter_serial=self.ids.meter_serial(index),
            channels=self.fmt.channels(with_export=with_export),
        )
        draw = DefectDraw(self.rates, self._random("defects", index)) if self.rates else None
        self.channel_days += len(supply_point.channels) * len(self.calendar.slots)
        self.interval_values += len(supply_point.channels) * self._values_per_channel

        # Import and export come from one net-metering draw, but NEM12 wants one 200 block per
        # channel: the export days wait in memory (one supply point's worth) for their block.
        exported_days: list[list[int]] = []

        def imported_days() -> Iterator[tuple[DaySlot, list[int]]]:
            for slot in self.calendar.slots:
                imported, exported = load.day(slot)
                if exported is not None:
                    exported_days.append(exported)
                yield slot, imported

        channels = supply_point.channels
        self._write_channel(writer, supply_point, channels[0], imported_days(), load, draw)
        if len(channels) > 1:
            days = zip(self.calendar.slots, exported_days, strict=True)
            self._write_channel(writer, supply_point, channels[1], days, load, draw)

    def _write_channel(
        self,
        writer: LineWriter,
        supply_point: SupplyPoint,
        channel: Channel,
        days: Iterable[tuple[DaySlot, list[int]]],
        load: SupplyPointLoad,
        draw: DefectDraw | None,
    ) -> None:
        for line in self.fmt.channel_header(supply_point, channel):
            writer.write(line)
        duplicates: list[_Resend] = []
        for slot, values in days:
            day = _Day(writer, supply_point, channel, slot, values)
            kind = draw.draw(channel.direction) if draw is not None else None
            if kind is None:
                self._write(day, day.values)
            else:
                assert draw is not None
                self._inject(kind, day, load, draw.rng, duplicates)
        for dup in duplicates:  # at the end of the block, still under the channel's 200 record
            number = self._write(dup.day, dup.values)
            detail = {"original_line": dup.original_line, **dup.detail}
            self._record("duplicates", dup.day, number, dup.interval, detail)

    def _write(self, day: _Day, values: list[int], flags: DayFlags = ACTUAL) -> int:
        record = self.fmt.record(day.supply_point, day.channel, day.slot, values, flags)
        return day.writer.write_record(record, len(values))

    def _inject(
        self,
        kind: str,
        day: _Day,
        load: SupplyPointLoad,
        rng: random.Random,
        duplicates: list[_Resend],
    ) -> None:
        values = day.values
        if kind == "gaps":
            detail = {"variant": "missing_channel_day", "after_line": day.writer.lines}
            self._record(kind, day, None, None, detail)
        elif kind == "malformed":
            line, interval, detail = self.fmt.malformed(
                day.supply_point, day.channel, day.slot, values, rng
            )
            self._record(kind, day, day.writer.write_record(line, 0), interval, detail)
        elif kind == "spikes":
            interval = pick_positive(values, rng)
            if interval is None:  # nothing to spike (an all-zero export day): no defect
                self._write(day, values)
                return
            factor = rng.randint(20, 50)
            self._write_changed(kind, day, interval, values[interval] * factor, {"factor": factor})
        elif kind == "negatives":
            interval = rng.randrange(len(values))
            original = values[interval]
            negative = -original if original > 0 else -rng.randint(1, 500)
            self._write_changed(kind, day, interval, negative, {})
        elif kind == "estimates":
            flags = ESTIMATED if rng.random() < 2 / 3 else SUBSTITUTED
            imported, exported = load.expected(day.slot)
            estimate = imported if day.channel.direction is Direction.IMPORT else exported
            assert estimate is not None
            detail = {
                "quality": flags.quality.value,
                "method": flags.method,
                "quality_method": flags.nem_quality_method,
            }
            self._record(kind, day, self._write(day, estimate, flags), None, detail)
        elif kind == "duplicates":
            number = self._write(day, values)
            if rng.random() < 0.5:
                duplicates.append(_Resend(day, values, number, None, {"variant": "exact"}))
            else:
                changed, (k,) = altered(values, rng, 1)
                detail = {
                    "variant": "conflicting",
                    "original": milli_text(values[k]),
                    "value": milli_text(changed[k]),
                }
                duplicates.append(_Resend(day, changed, number, k, detail))
        elif kind == "late_corrections":
            number = self._write(day, values)
            changed, indices = altered(values, rng, rng.randint(1, 4))
            detail = {"original_line": number, "changed_intervals": indices}
            self.corrections.append(_Resend(day, changed, number, None, detail))
        else:
            raise AssertionError(f"no injection for defect kind {kind!r}")

    def _write_changed(
        self, kind: str, day: _Day, interval: int, value: int, detail: dict[str, Any]
    ) -> None:
        values = list(day.values)
        values[interval] = value
        detail = {
            **detail,
            "original": milli_text(day.values[interval]),
            "value": milli_text(value),
        }
        self._record(kind, day, self._write(day, values), interval, detail)

    def _record(
        self,
        kind: str,
        day: _Day,
        line: int | None,
        interval: int | None,
        detail: dict[str, Any],
        *,
        writer: LineWriter | None = None,
    ) -> None:
        if interval is not None:
            start_at = day.slot.start_at + interval * self._step
            detail = {**detail, "interval_start_at": f"{start_at:%Y-%m-%dT%H:%M:%SZ}"}
        self.defects.append(
            Defect(
                kind=kind,
                file=(writer or day.writer).path.name,
                line=line,
                supply_point_id=day.supply_point.id,
                channel=day.channel.code,
                read_on=day.slot.read_on,
                interval=interval,
                detail=detail,
            )
        )
