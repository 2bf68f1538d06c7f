"""What the stores know around the days to estimate: like-day candidates and the neighbouring
days' edge values, read with one store call per channel.

The window per channel covers every target's like-day window (``params_for(market)``; GB: ±1
month, same weekday, BSCP502 §4.2.1) and the day before and after each target. A like-day
candidate must be billable — a quarantined day is suspect even where it is flagged actual — and
the library keeps only all-actual days of the same day type inside the target's own window. An
edge value is used only from a billable neighbour with the same interval length and unit, and
only if it is actual.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.interpret.estimate import DayValues, EstimationContext, params_for
from meter2cash.ports import DayKey, StoredChannelDay, UnitOfWork


def _key(day: ChannelDay) -> DayKey:
    return (day.supply_point_id, day.channel, day.read_on)


class StoredHistory:
    """The latest stored versions around the days to estimate: one store call per channel."""

    def __init__(self, uow: UnitOfWork, days: Sequence[StoredChannelDay]) -> None:
        spans: dict[tuple[str, str], tuple[date, date]] = {}
        for stored in days:
            day = stored.channel_day
            first, last = params_for(day.market).like_day.window(day.read_on)
            first = min(first, day.read_on - timedelta(days=1))
            last = max(last, day.read_on + timedelta(days=1))
            known = spans.get((day.supply_point_id, day.channel))
            if known is not None:
                first, last = min(first, known[0]), max(last, known[1])
            spans[day.supply_point_id, day.channel] = (first, last)
        self._days: dict[tuple[str, str], dict[date, StoredChannelDay]] = {}
        for (supply_point_id, channel), (first, last) in spans.items():
            found = uow.intervals.latest(supply_point_id, first, last + timedelta(days=1), channel)
            self._days[supply_point_id, channel] = {s.channel_day.read_on: s for s in found}
        self._values: dict[DayKey, DayValues] = {}

    def _values_of(self, stored: StoredChannelDay) -> DayValues:
        key = _key(stored.channel_day)
        if key not in self._values:
            self._values[key] = DayValues.of(stored.channel_day)
        return self._values[key]

    def like_days(self, target: StoredChannelDay) -> list[DayValues]:
        """Candidate like days: billable, not the target (the library checks window and actuals)."""
        day = target.channel_day
        return [
            self._values_of(s)
            for on, s in self._days.get((day.supply_point_id, day.channel), {}).items()
            if on != day.read_on and s.billable
        ]

    def _edge(self, target: ChannelDay, offset: int, index: int) -> int | None:
        days = self._days.get((target.supply_point_id, target.channel), {})
        stored = days.get(target.read_on + timedelta(days=offset))
        if stored is None or not stored.billable:
            return None
        day = stored.channel_day
        if (day.interval_minutes, day.unit) != (target.interval_minutes, target.unit):
            return None
        value, quality = day.values[index], day.qualities[index]
        return to_micro(value) if value is not None and quality is Quality.ACTUAL else None

    def context(
        self,
        stored: StoredChannelDay,
        reason: str,
        zero_fill_reason: str | None,
        *,
        eac: Decimal | None = None,
    ) -> EstimationContext:
        """The day's context; ``eac`` (kWh a year) enables the profile step, flat profile [T]."""
        day = stored.channel_day
        return EstimationContext(
            reason=reason,
            zero_fill_reason=zero_fill_reason,
            eac=eac,
            before_day=self._edge(day, -1, -1),
            after_day=self._edge(day, 1, 0),
        )
