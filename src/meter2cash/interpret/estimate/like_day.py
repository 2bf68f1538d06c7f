"""Like-day averages for longer gaps (``market-rules.md`` §3.2, §3.3, §2.6).

A like day is a day of the same day type whose every interval is an actual value — Itron excludes
days with estimated, missing or outage intervals [V ITRON], CA excludes days with power outages
[V CA-VEE PSWG3] and BSCP502 speaks of actual data [V CP0759]. The caller may exclude more days
(outages, known abnormal days) by date.

Look-back windows per market (:data:`LIKE_DAY_RULES`):

* GB: reference data "limited to one month prior, or one month after, the period requiring
  estimation … same day of week and time periods" (BSCP502 §4.2.1 (c)/(d)) [V CP0759].
* AU: weekday fall-back order of the WA Metering Code 2012 App. 3 method 14 [V WAMC]; AEMO Part B
  types 14/15 follow the same principle [M]. AEMO's look-back limit was not retrievable: team
  default ±28 days [T].
* IESO (Ontario): "data from the previous 3 weeks" [V/S IESO]; same weekday [T].
* DE and others: team default, as GB [T].

Choice of days [T]: within the window, the ``count`` days nearest the target (ties: the earlier
day), default 3 as Itron's "three nearest" [V ITRON]. With only past data available that is the
three most recent. Fall-back between day types is "in order of availability" [V WAMC]: the first
day type in the rule's list that has at least one like day is used, alone. Public holidays count
as Sundays, both as target and as reference ([M] for AEMO; GB team decision, CP0758 [T]).
Days are aligned by local time of day, so clock-change days use ordinary days as references.
Each estimate is the mean of the like days' values at that time of day, rounded half-even to a
micro-unit [T].
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from meter2cash.interpret.estimate.arithmetic import mean_micro
from meter2cash.interpret.estimate.day import DayValues, local_slots
from meter2cash.interpret.estimate.methods import EstimationError

_SUNDAY = 6
#: Day types to try, in order, for a target of each day type (index: Mon=0 … Sun=6).
Fallback = tuple[tuple[int, ...], ...]
SAME_DAY_ONLY: Fallback = tuple((d,) for d in range(7))
#: WA Metering Code 2012 App. 3 method 14 [V WAMC].
WA_METHOD_14: Fallback = ((0,), (1, 2, 3), (2, 1, 3), (3, 2, 1), (4,), (5,), (6,))


def add_months(on: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clamped to the month's last day."""
    index = on.year * 12 + on.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(on.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True, slots=True)
class LikeDayRule:
    """A market's like-day look-back window and day-type fall-back order."""

    months_before: int = 0
    months_after: int = 0
    days_before: int = 0
    days_after: int = 0
    fallback: Fallback = SAME_DAY_ONLY
    count: int = 3

    def __post_init__(self) -> None:
        if len(self.fallback) != 7 or self.count < 1:
            raise EstimationError("a like-day rule has 7 fall-back lists and a count of at least 1")

    def window(self, target_on: date) -> tuple[date, date]:
        """The first and last day (inclusive) a like day for ``target_on`` may come from."""
        first = add_months(target_on, -self.months_before) - timedelta(days=self.days_before)
        last = add_months(target_on, self.months_after) + timedelta(days=self.days_after)
        return first, last


LIKE_DAY_RULES: Mapping[str, LikeDayRule] = MappingProxyType(
    {
        "GB": LikeDayRule(months_before=1, months_after=1),  # [V] BSCP502 via CP0759
        "AU": LikeDayRule(days_before=28, days_after=28, fallback=WA_METHOD_14),  # window [T]
        "IESO": LikeDayRule(days_before=21),  # [V/S] "previous 3 weeks"
        "DE": LikeDayRule(months_before=1, months_after=1),  # [T]
        "OTHER": LikeDayRule(months_before=1, months_after=1),  # [T]
    }
)


def day_type(on: date, holidays: frozenset[date]) -> int:
    return _SUNDAY if on in holidays else on.weekday()


def select_like_days(
    target: DayValues,
    history: Iterable[DayValues],
    rule: LikeDayRule,
    *,
    holidays: frozenset[date] = frozenset(),
    excluded: frozenset[date] = frozenset(),
) -> tuple[DayValues, ...]:
    """The like days to average for ``target``, nearest first; empty when none qualifies."""
    first, last = rule.window(target.read_on)
    usable = [
        day
        for day in history
        if first <= day.read_on <= last
        and day.read_on != target.read_on
        and day.read_on not in excluded
        and day.interval_minutes == target.interval_minutes
        and day.zone == target.zone
        and day.all_actual
    ]
    for wanted in rule.fallback[day_type(target.read_on, holidays)]:
        tier = [day for day in usable if day_type(day.read_on, holidays) == wanted]
        if tier:
            tier.sort(key=lambda day: (abs((day.read_on - target.read_on).days), day.read_on))
            chosen: dict[date, DayValues] = {}
            for day in tier:  # one version per date: the first given wins
                chosen.setdefault(day.read_on, day)
            return tuple(chosen.values())[: rule.count]
    return ()


def like_day_values(
    target: DayValues, like_days: Sequence[DayValues], indices: Iterable[int]
) -> dict[int, int]:
    """Mean of the like days at the same local time of day, for each index that has one."""
    target_slots = local_slots(target.read_on, target.zone, target.interval_minutes)
    by_slot: list[dict[int, int]] = []
    for day in like_days:
        slots: dict[int, int] = {}
        for slot, value in zip(
            local_slots(day.read_on, day.zone, day.interval_minutes), day.values, strict=True
        ):
            if value is not None:
                slots.setdefault(slot, value)  # a repeated autumn hour: its first occurrence [T]
        by_slot.append(slots)
    found: dict[int, int] = {}
    for k in indices:
        seen = [slots[target_slots[k]] for slots in by_slot if target_slots[k] in slots]
        if seen:
            found[k] = mean_micro(seen)
    return found
