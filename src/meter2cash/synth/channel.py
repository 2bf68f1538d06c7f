"""One channel's block of a file: which defect each day gets, and how it is written.

Where each defect goes:

- gaps: the channel-day is not written at all (a missing day, not a day of null values), and only
  between two days of the run: without configuration a missing day is knowable only as a hole.
- interval_gaps: the day's record with a run of intervals null: "short" (up to 2 h, values on both
  sides: linear interpolation fills it) or "long" (2-6 h).
- malformed: the day's only record is one a parser must reject (see each format's ``malformed``);
  the day is then missing, so, like gaps, only between two days of the run.
- spikes / negatives: the day's record with one interval a clear C10 spike / negative.
- zero_runs: C7's seven consecutive days of zeros on an import channel, recorded on the seventh
  (the day C7 flags); two runs on a channel are a C9 window apart.
- estimates: the day's record carries the noise-free expected values, flagged estimated (E52) or
  substituted (S53); never more than C21's 30 such days in a row.
- duplicates: the day's record again, at the end of its channel's block (so in NEM12 under the same
  200 record); "exact", or "conflicting" with one interval changed.
- late_corrections: the day's record is clean; a changed re-send goes to the corrections file.

Every day, clean or not, first passes :func:`~meter2cash.synth.inject.clear_of_spikes`.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from meter2cash.domain.reads import Direction
from meter2cash.synth.calendar import Calendar, DaySlot
from meter2cash.synth.defects import ACTUAL, ESTIMATED, SUBSTITUTED, DayFlags, DefectDraw
from meter2cash.synth.inject import (
    altered,
    clear_of_spikes,
    interval_gap,
    negative_value,
    pick_positive,
    spike_value,
)
from meter2cash.synth.model import Channel, RecordFormat, SupplyPoint
from meter2cash.synth.shapes import SupplyPointLoad
from meter2cash.synth.truth import C7_INTERVAL_DAYS, C9_WINDOW_DAYS, C21_INTERVAL_DAYS, spike_ratio
from meter2cash.synth.values import milli_text
from meter2cash.synth.writer import LineWriter


@dataclass(slots=True)
class Day:
    """One channel-day on its way to a file."""

    writer: LineWriter
    supply_point: SupplyPoint
    channel: Channel
    slot: DaySlot
    values: list[int]


@dataclass(slots=True)
class Resend:
    """A record to write again later: a duplicate (same file) or a late correction (later file)."""

    day: Day
    values: list[int]
    original_line: int
    interval: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class Recorder(Protocol):
    """The run a block writes for: where defects are recorded and corrections wait."""

    fmt: RecordFormat
    calendar: Calendar
    corrections: list[Resend]

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
    ) -> None: ...


#: Days C9 uses at (about) their usual total: complete, actual, not zero.
_ORDINARY = (None, "spikes", "negatives", "duplicates", "late_corrections")


@dataclass(slots=True)
class _Plan:
    """What a channel's earlier days decided for the next ones."""

    zero_first: int = -1  # day index of the current (or last) zero run's first day
    zero_last: int = -1  # ... and of its last day
    zero_first_line: int = 0
    estimated_run: int = 0  # consecutive "estimates" days just before
    #: Of the last 21 days, which C9 counts at their usual total.
    ordinary: deque[bool] = field(
        default_factory=lambda: deque(maxlen=C9_WINDOW_DAYS - C7_INTERVAL_DAYS)
    )


class ChannelBlock:
    def __init__(
        self,
        run: Recorder,
        writer: LineWriter,
        supply_point: SupplyPoint,
        load: SupplyPointLoad,
        draw: DefectDraw | None,
    ) -> None:
        self.run = run
        self.fmt = run.fmt
        self.calendar = run.calendar
        self.writer = writer
        self.supply_point = supply_point
        self.load = load
        self.draw = draw

    def write(self, channel: Channel, days: Iterable[tuple[DaySlot, list[int]]]) -> None:
        """The channel's header, its days in order, then its duplicates."""
        for line in self.fmt.channel_header(self.supply_point, channel):
            self.writer.write(line)
        duplicates: list[Resend] = []
        plan = _Plan()
        minutes = self.calendar.interval_minutes
        for index, (slot, values) in enumerate(days):
            values = clear_of_spikes(values, minutes)
            day = Day(self.writer, self.supply_point, channel, slot, values)
            kind = self._kind(index, channel.direction, plan)
            if kind is None:
                self._write(day, day.values)
            else:
                assert self.draw is not None
                self._inject(kind, day, index, self.draw.rng, duplicates, plan)
        for dup in duplicates:  # at the end of the block, still under the channel's 200 record
            number = self._write(dup.day, dup.values)
            detail = {"original_line": dup.original_line, **dup.detail}
            self.run.record("duplicates", dup.day, number, dup.interval, dup.interval, detail)

    def _kind(self, index: int, direction: Direction, plan: _Plan) -> str | None:
        """The day's defect: the draw, unless the day cannot carry it so that exactly one rule
        finds it exactly once (then the day stays clean)."""
        if index <= plan.zero_last:
            return "zero_runs"  # the rest of a run: no draw, no other defect
        kind = self.draw.draw(direction) if self.draw is not None else None
        if index > 0 and not self._run(index - 1, index):
            plan.ordinary.clear()  # a forced clock-change day away from the range
        if plan.zero_last >= 0 and self._days(plan.zero_last, index) <= C9_WINDOW_DAYS:
            # C9 compares a day with the mean of the last 28 usable days; zeros in that window
            # pull the mean down, so it must keep its ordinary days (and no spike): see below.
            kind = kind if kind in _ORDINARY and kind != "spikes" else None
        elif kind in ("gaps", "malformed"):
            # A missing day is knowable without configuration only between two received days.
            if not (0 < index < len(self.calendar.slots) - 1 and self._run(index - 1, index + 1)):
                kind = None
        elif kind == "zero_runs":
            # Seven days in a row, after 21 days of which at least two thirds were ordinary, and
            # only ordinary days for a C9 window after: any later day's 28-day mean then holds
            # at most 7 zero days beside at least 14 ordinary ones, so at least 2/3 of a usual
            # day, and no ordinary day reaches C9's 3x.
            last = index + C7_INTERVAL_DAYS - 1
            before = plan.ordinary
            if (
                len(before) == before.maxlen
                and 3 * sum(before) >= 2 * len(before)
                and last < len(self.calendar.slots)
                and self._run(index, last)
            ):
                plan.zero_first, plan.zero_last = index, last
            else:
                kind = None
        elif kind == "estimates" and plan.estimated_run >= C21_INTERVAL_DAYS:
            kind = None  # one more would be C21's prolonged estimation
        plan.estimated_run = plan.estimated_run + 1 if kind == "estimates" else 0
        plan.ordinary.append(kind in _ORDINARY)
        return kind

    def _days(self, first: int, last: int) -> int:
        slots = self.calendar.slots
        return (slots[last].read_on - slots[first].read_on).days

    def _run(self, first: int, last: int) -> bool:
        """The run's days ``first..last`` are consecutive calendar days."""
        return self._days(first, last) == last - first

    def _write(self, day: Day, values: list[int], flags: DayFlags = ACTUAL) -> int:
        record = self.fmt.record(day.supply_point, day.channel, day.slot, values, flags)
        return day.writer.write_record(record, len(values))

    def _inject(
        self,
        kind: str,
        day: Day,
        index: int,
        rng: random.Random,
        duplicates: list[Resend],
        plan: _Plan,
    ) -> None:
        values, whole = day.values, len(day.values) - 1
        minutes = self.calendar.interval_minutes
        if kind == "gaps":
            detail = {"variant": "missing_channel_day", "after_line": day.writer.lines}
            self.run.record(kind, day, None, 0, whole, detail)
        elif kind == "interval_gaps":
            variant = "short" if rng.random() < 0.5 else "long"
            span = interval_gap(values, rng, minutes, variant)
            if span is None:  # no room beside the day's peak (never with 5-30 min data)
                self._write(day, values)
                return
            first, last = span
            lines = self.fmt.gap_record(
                day.supply_point, day.channel, day.slot, values, first, last
            )
            number = day.writer.write_record(lines[0], len(values))
            for line in lines[1:]:  # NEM12 400 records
                day.writer.write(line)
            self.run.record(kind, day, number, first, last, {"variant": variant})
        elif kind == "malformed":
            line, interval, detail = self.fmt.malformed(
                day.supply_point, day.channel, day.slot, values, rng
            )
            if interval is not None:
                detail = {**detail, "bad_interval": interval}
            self.run.record(kind, day, day.writer.write_record(line, 0), 0, whole, detail)
        elif kind == "spikes":
            interval = pick_positive(values, rng)
            if interval is None:  # nothing to spike (an all-zero export day): no defect
                self._write(day, values)
                return
            self._write_changed(kind, day, interval, spike_value(values, interval, rng, minutes))
        elif kind == "negatives":
            interval = rng.randrange(len(values))
            self._write_changed(kind, day, interval, negative_value(values, interval, rng))
        elif kind == "zero_runs":
            number = self._write(day, [0] * len(values))
            if index == plan.zero_first:
                plan.zero_first_line = number
            if index == plan.zero_last:
                first_on = self.calendar.slots[plan.zero_first].read_on
                detail = {
                    "first_day": first_on.isoformat(),
                    "first_line": plan.zero_first_line,
                    "days": C7_INTERVAL_DAYS,
                }
                self.run.record(kind, day, number, 0, whole, detail)
        elif kind == "estimates":
            flags = ESTIMATED if rng.random() < 2 / 3 else SUBSTITUTED
            imported, exported = self.load.expected(day.slot)
            estimate = imported if day.channel.direction is Direction.IMPORT else exported
            assert estimate is not None
            detail = {
                "quality": flags.quality.value,
                "method": flags.method,
                "quality_method": flags.nem_quality_method,
            }
            self.run.record(kind, day, self._write(day, estimate, flags), 0, whole, detail)
        elif kind == "duplicates":
            number = self._write(day, values)
            if rng.random() < 0.5:
                duplicates.append(Resend(day, values, number, None, {"variant": "exact"}))
            else:
                changed, (k,) = altered(values, rng, 1)
                detail = {
                    "variant": "conflicting",
                    "original": milli_text(values[k]),
                    "value": milli_text(changed[k]),
                }
                duplicates.append(Resend(day, changed, number, k, detail))
        elif kind == "late_corrections":
            number = self._write(day, values)
            changed, indices = altered(values, rng, rng.randint(1, 4))
            detail = {"original_line": number, "changed_intervals": indices}
            self.run.corrections.append(Resend(day, changed, number, None, detail))
        else:
            raise AssertionError(f"no injection for defect kind {kind!r}")

    def _write_changed(self, kind: str, day: Day, interval: int, value: int) -> None:
        values = list(day.values)
        values[interval] = value
        detail: dict[str, Any] = {
            "original": milli_text(day.values[interval]),
            "value": milli_text(value),
        }
        if kind == "spikes":
            detail["c10_ratio"] = _two_places(spike_ratio(values, self.calendar.interval_minutes))
        self.run.record(kind, day, self._write(day, values), interval, interval, detail)


def _two_places(value: Fraction) -> str:
    return str((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01")))
