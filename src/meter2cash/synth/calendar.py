"""The days a synthetic run covers, and where each interval of a day falls on the local clock.

Load follows the wall clock (people wake at 07:00 local, summer time or not); the sun follows local
standard time. Both are taken from each interval's midpoint, so a UK clock-change day (46 or 50
half-hours, counted by :func:`~meter2cash.domain.time.intervals_in_day`) gets a shape that skips or
repeats 01:00-02:00 exactly as a meter would record it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from meter2cash.domain.time import intervals_in_day, local_day, zone_named

#: Day of the year at the middle of winter: mid-January in the UK, mid-July in the NEM (southern
#: hemisphere, winter June-August).
WINTER_PEAK_DAY = {"Europe/London": 15, "NEM": 196}
_HALF_YEAR = 182.625


@dataclass(frozen=True, slots=True)
class Layout:
    """Local hour (0-24, fractional) at the midpoint of each interval of a day."""

    wall_hours: tuple[float, ...]  # on the clock: what household load follows
    sun_hours: tuple[float, ...]  # in local standard time: what solar generation follows


@dataclass(frozen=True, slots=True)
class DaySlot:
    """One local day of the run, the same for every supply point."""

    read_on: date
    start_at: datetime  # UTC instant of local midnight
    intervals: int
    weekend: bool
    winter: float  # seasonal position: 1.0 at mid-winter, -1.0 at mid-summer, smooth in between
    layout: int  # index into Calendar.layouts
    clock_change: bool  # the local day is not 24 hours long


@dataclass(frozen=True, slots=True)
class Calendar:
    zone: str
    interval_minutes: int
    slots: tuple[DaySlot, ...]
    layouts: tuple[Layout, ...]
    regular_wall_hours: tuple[float, ...]  # a 24-hour day's midpoints: the shapes' normalising base


def uk_clock_change_days(year: int) -> tuple[date, date]:
    """Last Sunday of March and of October: when Europe/London changes clock (since 1996)."""
    return _last_sunday(year, 3), _last_sunday(year, 10)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def seasonal_position(on: date, winter_peak_day: int) -> float:
    """A cosine-like curve built from a smoothstep, so that no transcendental function (whose last
    bit may differ between C libraries) feeds the generated values."""
    distance = abs(on.timetuple().tm_yday - winter_peak_day) % 365.25
    u = min(distance, 365.25 - distance) / _HALF_YEAR
    return 1.0 - 2.0 * (u * u * (3.0 - 2.0 * u))


def build_calendar(
    start_on: date, days: int, zone: str, interval_minutes: int, *, clock_changes: bool = False
) -> Calendar:
    """The run's days in order; with ``clock_changes`` the UK clock-change days of every year the
    range touches are added when the range does not already contain them."""
    wanted = [start_on + timedelta(days=k) for k in range(days)]
    if clock_changes:
        in_range = set(wanted)
        for year in range(start_on.year, wanted[-1].year + 1):
            wanted.extend(d for d in uk_clock_change_days(year) if d not in in_range)
        wanted.sort()
    tz = zone_named(zone)
    standard = min(
        datetime.combine(date(start_on.year, m, 1), time(0), tzinfo=tz).utcoffset() or timedelta(0)
        for m in (1, 7)
    )
    step = timedelta(minutes=interval_minutes)
    per_day = 1440 // interval_minutes
    regular = tuple((k + 0.5) * interval_minutes / 60 for k in range(per_day))
    layouts: dict[Layout, int] = {}
    layout_of: dict[tuple[int, timedelta | None], int] = {}
    slots = []
    for on in wanted:
        count = intervals_in_day(on, tz, interval_minutes)
        start_at = local_day(on, tz).start
        key = (count, start_at.astimezone(tz).utcoffset())
        if key not in layout_of:
            wall, sun = [], []
            for k in range(count):
                middle = start_at + k * step + step / 2
                wall.append(_hour_of(middle.astimezone(tz)))
                sun.append(_hour_of(middle + standard))
            layout_of[key] = layouts.setdefault(Layout(tuple(wall), tuple(sun)), len(layouts))
        layout = layout_of[key]
        slots.append(
            DaySlot(
                read_on=on,
                start_at=start_at,
                intervals=count,
                weekend=on.weekday() >= 5,
                winter=seasonal_position(on, WINTER_PEAK_DAY[zone]),
                layout=layout,
                clock_change=count != per_day,
            )
        )
    return Calendar(zone, interval_minutes, tuple(slots), tuple(layouts), regular)


def _hour_of(moment: datetime) -> float:
    return moment.hour + moment.minute / 60 + moment.second / 3600
