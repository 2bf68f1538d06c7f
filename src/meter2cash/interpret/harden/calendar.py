"""Date arithmetic the timetables need: calendar months and working days."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(on: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's last day (29 Feb + 12 -> 28 Feb)."""
    index = on.year * 12 + on.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(on.day, calendar.monthrange(year, month + 1)[1]))


def add_working_days(on: date, count: int, holidays: frozenset[date]) -> date:
    """The ``count``-th Monday-to-Friday non-holiday after ``on``."""
    day = on
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count -= 1
    return day
