"""Daily and monthly energy determinants for one supply point and local-calendar month.

Only billable (validated) channel-days count towards energy: billing never reads suspect data. The
days-of-supply determinant counts every day that has an import channel-day, billable or not, because
a customer owes the standing charge for a day whose readings are quarantined.
Only active-energy channels (kWh, import or export) produce energy determinants; reactive channels
are kept for validation but not billed in this version.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from meter2cash.domain.billing import Determinant, DeterminantKind
from meter2cash.domain.quantity import MICRO, Unit, to_micro
from meter2cash.domain.reads import ChannelDay, Direction

_DAILY = {
    Direction.IMPORT: DeterminantKind.DAILY_IMPORT,
    Direction.EXPORT: DeterminantKind.DAILY_EXPORT,
}
_MONTHLY = {
    Direction.IMPORT: DeterminantKind.MONTHLY_IMPORT,
    Direction.EXPORT: DeterminantKind.MONTHLY_EXPORT,
}


@dataclass(frozen=True, slots=True)
class CuratedDay:
    """A channel-day version as determine sees it: identity, billability and its exact total
    (micro-units; absent values count nothing — validation quarantines such days before billing)."""

    channel_day_id: int
    channel: str
    direction: Direction
    unit: Unit
    read_on: date
    billable: bool
    energy_micro: int

    @classmethod
    def of(cls, channel_day_id: int, day: ChannelDay, billable: bool) -> CuratedDay:
        total = sum(to_micro(v) for v in day.values if v is not None)
        return cls(channel_day_id, day.channel, day.direction, day.unit, day.read_on, billable,
                   total)  # fmt: skip


def month_determinants(
    supply_point_id: str, month_on: date, days: Iterable[CuratedDay]
) -> list[Determinant]:
    """All determinants of ``supply_point_id`` for the month starting ``month_on``."""
    daily: list[Determinant] = []
    monthly_micro: dict[tuple[Direction, str], int] = defaultdict(int)
    monthly_ids: dict[tuple[Direction, str], list[int]] = defaultdict(list)
    supply_days: dict[date, list[int]] = defaultdict(list)
    for curated in sorted(days, key=lambda c: (c.channel, c.read_on)):
        day = curated
        if day.unit is not Unit.KWH or day.direction not in _DAILY:
            continue
        if day.direction is Direction.IMPORT:
            supply_days[day.read_on].append(curated.channel_day_id)
        if not curated.billable:
            continue
        micro = day.energy_micro
        daily.append(
            Determinant(
                supply_point_id,
                day.channel,
                _DAILY[day.direction],
                day.read_on,
                micro,
                Unit.KWH,
                (curated.channel_day_id,),
            )
        )
        monthly_micro[day.direction, day.channel] += micro
        monthly_ids[day.direction, day.channel].append(curated.channel_day_id)
    monthly = [
        Determinant(
            supply_point_id,
            channel,
            _MONTHLY[direction],
            month_on,
            monthly_micro[direction, channel],
            Unit.KWH,
            tuple(monthly_ids[direction, channel]),
        )
        for direction, channel in sorted(monthly_micro)
    ]
    if supply_days:
        ids = tuple(i for on in sorted(supply_days) for i in sorted(supply_days[on]))
        monthly.append(
            Determinant(
                supply_point_id,
                "*",
                DeterminantKind.MONTHLY_DAYS,
                month_on,
                len(supply_days) * MICRO,
                "day",
                ids,
            )
        )
    return daily + monthly
