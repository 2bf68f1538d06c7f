"""One generation run: streams every supply point's channel-days into files, and records defects.

Which defect each day gets, and how, is :mod:`meter2cash.synth.channel`'s; this module owns files,
supply points (profiles, ids, channels), the late-corrections file and the defect list.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from meter2cash.synth.calendar import Calendar, DaySlot
from meter2cash.synth.channel import ChannelBlock, Day, Resend
from meter2cash.synth.defects import ACTUAL, Defect, DefectDraw
from meter2cash.synth.ids import SupplyPointIds
from meter2cash.synth.model import RecordFormat, SupplyPoint, file_name
from meter2cash.synth.shapes import SupplyPointLoad, draw_profile
from meter2cash.synth.truth import expectation
from meter2cash.synth.writer import GeneratedFile, LineWriter


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
        self.corrections: list[Resend] = []
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
                changed = fix.detail["changed_intervals"]
                self.record(
                    "late_corrections", day, number, changed[0], changed[-1], detail, writer=writer
                )
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
        block = ChannelBlock(self, writer, supply_point, load, draw)
        block.write(channels[0], imported_days())
        if len(channels) > 1:
            block.write(channels[1], zip(self.calendar.slots, exported_days, strict=True))

    def record(
        self,
        kind: str,
        day: Day,
        line: int | None,
        first: int | None,
        last: int | None,
        detail: dict[str, Any],
        *,
        writer: LineWriter | None = None,
    ) -> None:
        if first is not None and last is not None:
            start_at = day.slot.start_at + first * self._step
            end_at = day.slot.start_at + (last + 1) * self._step
            detail = {
                **detail,
                "interval_start_at": f"{start_at:%Y-%m-%dT%H:%M:%SZ}",
                "interval_end_at": f"{end_at:%Y-%m-%dT%H:%M:%SZ}",
            }
        rule, outcome = expectation(kind, detail.get("variant"))
        self.defects.append(
            Defect(
                kind=kind,
                file=(writer or day.writer).path.name,
                line=line,
                supply_point_id=day.supply_point.id,
                channel=day.channel.code,
                read_on=day.slot.read_on,
                first_interval=first,
                last_interval=last,
                rule=rule,
                outcome=outcome,
                detail=detail,
            )
        )
