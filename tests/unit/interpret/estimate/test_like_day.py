from datetime import date, timedelta

from tests.unit.interpret.estimate.builders import KWH, day

from meter2cash.interpret.estimate import (
    LIKE_DAY_RULES,
    LikeDayRule,
    like_day_values,
    local_slots,
    select_like_days,
)
from meter2cash.interpret.estimate.like_day import add_months

GB = LIKE_DAY_RULES["GB"]
AU = LIKE_DAY_RULES["AU"]
TARGET = date(2024, 3, 5)  # a Tuesday


def _tuesdays(first: date, last: date, *, estimated: frozenset[date] = frozenset()):
    days = []
    on = first
    while on <= last:
        qualities = "E" + "A" * 47 if on in estimated else None
        days.append(day(read_on=on, fill=on.day * KWH, qualities=qualities))
        on += timedelta(days=7)
    return days


def _dates(days):
    return [d.read_on for d in days]


def test_gb_window_is_one_month_either_side_across_the_month_boundary():
    assert GB.window(TARGET) == (date(2024, 2, 5), date(2024, 4, 5))
    assert GB.window(date(2024, 3, 31)) == (date(2024, 2, 29), date(2024, 4, 30))
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_the_three_most_recent_like_days_come_from_the_previous_month():
    history = _tuesdays(date(2024, 1, 2), date(2024, 2, 27))  # data up to the week before
    chosen = select_like_days(day(read_on=TARGET), history, GB)
    assert _dates(chosen) == [date(2024, 2, 27), date(2024, 2, 20), date(2024, 2, 13)]


def test_days_with_an_estimate_and_days_outside_the_window_are_never_like_days():
    history = _tuesdays(
        date(2024, 1, 2), date(2024, 4, 30), estimated=frozenset({date(2024, 2, 27)})
    )
    chosen = select_like_days(
        day(read_on=TARGET), history, GB, excluded=frozenset({date(2024, 3, 12)})
    )
    # nearest first, ties to the earlier day: 02-20 and 03-19 are both 14 days away
    assert _dates(chosen) == [date(2024, 2, 20), date(2024, 3, 19), date(2024, 2, 13)]
    wide = LikeDayRule(months_before=1, months_after=1, count=50)
    everything = _dates(select_like_days(day(read_on=TARGET), history, wide))
    assert min(everything) == date(2024, 2, 6) and max(everything) == date(2024, 4, 2)
    assert date(2024, 2, 27) not in everything


def test_other_weekdays_are_not_like_days_in_gb_but_are_the_fallback_in_au():
    wednesdays = [day(read_on=date(2024, 2, 28) - timedelta(days=7 * k)) for k in range(3)]
    thursdays = [day(read_on=date(2024, 2, 29))]
    target = day(read_on=TARGET)
    assert select_like_days(target, wednesdays + thursdays, GB) == ()
    au = [day(read_on=d.read_on, zone="NEM") for d in wednesdays + thursdays]
    au_target = day(read_on=TARGET, zone="NEM")
    # Tuesday -> Tuesday, else Wednesday, else Thursday: the Wednesdays, not the nearer Thursday
    assert _dates(select_like_days(au_target, au, AU)) == [
        date(2024, 2, 28),
        date(2024, 2, 21),
        date(2024, 2, 14),
    ]
    monday = day(read_on=date(2024, 3, 4), zone="NEM")
    assert select_like_days(monday, au, AU) == ()  # Monday: Monday only [WA method 14]


def test_a_public_holiday_is_a_sunday():
    sundays = [day(read_on=date(2024, 3, 3), fill=7 * KWH)]
    mondays = [day(read_on=date(2024, 3, 25), fill=3 * KWH)]
    easter_monday = day(read_on=date(2024, 4, 1))
    chosen = select_like_days(
        easter_monday, sundays + mondays, GB, holidays=frozenset({date(2024, 4, 1)})
    )
    assert _dates(chosen) == [date(2024, 3, 3)]


def test_values_are_the_mean_at_the_same_time_of_day():
    like = [day(fill=KWH), day(fill=2 * KWH, read_on=date(2024, 2, 27)), day(fill=1)]
    assert like_day_values(day(read_on=TARGET), like, [0, 47]) == {0: 1_000_000, 47: 1_000_000}
    assert like_day_values(day(read_on=TARGET), like[:2], [5]) == {5: 1_500_000}


def _by_slot(read_on: date) -> object:
    slots = local_slots(read_on, "Europe/London", 30)
    return day([s * KWH for s in slots], read_on=read_on)


def test_clock_change_days_align_by_local_time_of_day():
    spring = date(2024, 3, 31)  # 46 half-hours: local 01:00-02:00 does not exist
    autumn = date(2024, 10, 27)  # 50 half-hours: local 01:00-02:00 happens twice
    assert len(local_slots(spring, "Europe/London", 30)) == 46
    reference = [_by_slot(date(2024, 3, 24))]
    found = like_day_values(day(read_on=spring), reference, range(46))
    assert [found[k] // KWH for k in range(5)] == [0, 1, 4, 5, 6]  # 02:00 BST is slot 4
    reference = [_by_slot(date(2024, 10, 20))]
    found = like_day_values(day(read_on=autumn), reference, range(50))
    assert [found[k] // KWH for k in range(8)] == [0, 1, 2, 3, 2, 3, 4, 5]
    # an ordinary day estimated from the spring day has no data for 01:00-02:00 local
    found = like_day_values(day(read_on=date(2024, 4, 7)), [_by_slot(spring)], range(48))
    assert 2 not in found and 3 not in found and found[4] == 4 * KWH
