"""Load and solar shapes look like households: seasons by hemisphere, daily peaks, net metering."""

from __future__ import annotations

import random
from datetime import date
from statistics import mean

import pytest

from meter2cash.synth.calendar import (
    Calendar,
    build_calendar,
    seasonal_position,
    uk_clock_change_days,
)
from meter2cash.synth.shapes import SupplyPointLoad, draw_profile

WINTER_MONTHS = {"Europe/London": (12, 1, 2), "NEM": (6, 7, 8)}
SUMMER_MONTHS = {"Europe/London": (6, 7, 8), "NEM": (12, 1, 2)}


def _year(zone: str, interval_minutes: int = 30) -> Calendar:
    return build_calendar(date(2024, 1, 1), 366, zone, interval_minutes)


def _load(calendar: Calendar, index: int, *, solar: bool = False) -> SupplyPointLoad:
    profile = draw_profile(random.Random(f"profile-{index}"), solar=solar)
    return SupplyPointLoad(profile, calendar, random.Random(f"values-{index}"))


def _hour_means(calendar: Calendar, days: list[list[int]]) -> dict[float, float]:
    """Mean value per local clock hour-of-interval over the regular (48-interval) days."""
    regular = [d for s, d in zip(calendar.slots, days, strict=True) if not s.clock_change]
    return {h: mean(d[k] for d in regular) for k, h in enumerate(calendar.regular_wall_hours)}


def test_uk_clock_change_days_2024() -> None:
    assert uk_clock_change_days(2024) == (date(2024, 3, 31), date(2024, 10, 27))
    assert uk_clock_change_days(2025) == (date(2025, 3, 30), date(2025, 10, 26))


def test_clock_change_layouts_skip_and_repeat_one_to_two_am() -> None:
    calendar = build_calendar(date(2024, 1, 1), 366, "Europe/London", 30)
    by_day = {s.read_on: s for s in calendar.slots}
    spring, autumn = by_day[date(2024, 3, 31)], by_day[date(2024, 10, 27)]
    assert (spring.intervals, autumn.intervals) == (46, 50)
    assert spring.clock_change and autumn.clock_change
    assert sum(s.clock_change for s in calendar.slots) == 2
    spring_hours = calendar.layouts[spring.layout].wall_hours
    autumn_hours = calendar.layouts[autumn.layout].wall_hours
    assert spring_hours[:3] == (0.25, 0.75, 2.25)  # 01:00-02:00 never happens
    assert autumn_hours[:6] == (0.25, 0.75, 1.25, 1.75, 1.25, 1.75)  # and here it happens twice
    # the sun keeps standard time: in summer the clock reads an hour ahead of it
    summer = by_day[date(2024, 7, 1)]
    layout = calendar.layouts[summer.layout]
    wall, sun = layout.wall_hours, layout.sun_hours
    assert all(w - s == 1.0 for w, s in zip(wall[2:], sun[2:], strict=True))


def test_nem_days_are_always_whole_fixed_offset_days() -> None:
    calendar = build_calendar(date(2024, 1, 1), 366, "NEM", 5)
    assert {s.intervals for s in calendar.slots} == {288}
    assert len(calendar.layouts) == 1


def test_seasonal_position_peaks_mid_winter_per_hemisphere() -> None:
    assert seasonal_position(date(2024, 1, 15), 15) == 1.0
    assert seasonal_position(date(2024, 7, 16), 15) == pytest.approx(-1.0, abs=1e-3)
    assert seasonal_position(date(2024, 7, 14), 196) == 1.0
    assert seasonal_position(date(2024, 4, 15), 15) == pytest.approx(0.0, abs=0.05)


@pytest.mark.parametrize("zone", ["Europe/London", "NEM"])
def test_winter_uses_more_than_summer_in_the_right_hemisphere(zone: str) -> None:
    calendar = _year(zone)
    for index in range(10):
        load = _load(calendar, index)
        totals = {s.read_on: sum(load.day(s)[0]) for s in calendar.slots}
        winter = mean(v for d, v in totals.items() if d.month in WINTER_MONTHS[zone])
        summer = mean(v for d, v in totals.items() if d.month in SUMMER_MONTHS[zone])
        assert winter > 1.2 * summer


def test_annual_consumption_matches_the_drawn_profile() -> None:
    calendar = _year("Europe/London")
    for index in range(10):
        load = _load(calendar, index)
        assert 2_000 <= load.profile.annual_kwh <= 8_000
        total_kwh = sum(sum(load.day(s)[0]) for s in calendar.slots) / 1000 * 365 / 366
        assert 0.95 * load.profile.annual_kwh < total_kwh < 1.1 * load.profile.annual_kwh


def test_daily_shape_has_a_night_trough_and_an_evening_peak_above_the_morning() -> None:
    calendar = _year("NEM")
    for index in range(10):
        load = _load(calendar, index)
        hours = _hour_means(calendar, [load.day(s)[0] for s in calendar.slots])
        night = hours[3.25]
        morning = max(v for h, v in hours.items() if 6 <= h < 10)
        evening = max(v for h, v in hours.items() if 17 <= h < 21)
        assert evening > 2 * night
        assert morning > 1.3 * night
        assert evening > morning
        trough_hour = min(hours, key=hours.__getitem__)
        assert 1.0 < trough_hour < 5.5


def test_weekends_use_more_energy_and_wake_later() -> None:
    calendar = _year("Europe/London")
    weekday_totals: list[int] = []
    weekend_totals: list[int] = []
    for index in range(10):
        load = _load(calendar, index)
        for slot in calendar.slots:
            (weekend_totals if slot.weekend else weekday_totals).append(sum(load.expected(slot)[0]))
        weekday = next(s for s in calendar.slots if not s.weekend and s.read_on.month == 3)
        sunday = next(s for s in calendar.slots if s.weekend and s.read_on.month == 3)
        weekday_shape, sunday_shape = load.expected(weekday)[0], load.expected(sunday)[0]
        peak_weekday = max(range(8, 24), key=weekday_shape.__getitem__)  # 04:00-12:00
        peak_sunday = max(range(8, 24), key=sunday_shape.__getitem__)
        assert peak_sunday > peak_weekday
    assert mean(weekend_totals) > mean(weekday_totals)


def test_solar_exports_around_midday_more_in_summer_and_never_at_night() -> None:
    calendar = _year("NEM")
    for index in range(5):
        load = _load(calendar, index, solar=True)
        assert load.has_export
        days = [load.day(s) for s in calendar.slots]
        exports = [e for _, e in days if e is not None]
        assert len(exports) == len(days)
        hours = _hour_means(calendar, exports)
        assert all(v == 0 for h, v in hours.items() if h < 5 or h > 19)
        assert hours[12.25] > 0.2 * 1000 / 2  # > 0.2 kW on average at noon
        summer = mean(sum(e) for s, e in zip(calendar.slots, exports, strict=True)
                      if s.read_on.month in (12, 1, 2))  # fmt: skip
        winter = mean(sum(e) for s, e in zip(calendar.slots, exports, strict=True)
                      if s.read_on.month in (6, 7, 8))  # fmt: skip
        assert summer > 1.3 * winter
        for imported, exported in days:  # a net meter: import and export never in one interval
            assert all(i == 0 or e == 0 for i, e in zip(imported, exported or [], strict=True))
            assert min(imported) >= 0


def test_expected_day_is_smooth_and_close_to_the_noisy_days() -> None:
    calendar = _year("Europe/London")
    load = _load(calendar, 3)
    weeks = calendar.slots[7:35]
    actual = mean(sum(load.day(s)[0]) for s in weeks)
    expected = mean(sum(load.expected(s)[0]) for s in weeks)
    assert expected == pytest.approx(actual, rel=0.1)
    # no noise: the same day estimated twice gives the same values
    assert load.expected(weeks[0]) == load.expected(weeks[0])


def test_clock_change_days_carry_23_and_25_hours_of_the_daily_shape() -> None:
    calendar = build_calendar(date(2024, 3, 30), 212, "Europe/London", 30)
    load = _load(calendar, 1)
    by_day = {s.read_on: s for s in calendar.slots}
    spring, regular, autumn = (
        load.fractions(by_day[date(2024, month, day)]) for month, day in ((3, 31), (4, 7), (10, 27))
    )
    assert (len(spring), len(regular), len(autumn)) == (46, 48, 50)
    assert sum(regular) == pytest.approx(1.0)
    assert sum(spring) == pytest.approx(1.0 - regular[2] - regular[3])  # 01:00-02:00 missing
    assert sum(autumn) == pytest.approx(1.0 + regular[2] + regular[3])  # ... and twice
    assert len(load.expected(by_day[date(2024, 10, 27)])[0]) == 50
