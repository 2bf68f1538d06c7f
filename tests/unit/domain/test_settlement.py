"""The GB settlement calendar: periods counted from Europe/London midnight, 46/48/50 a day."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter2cash.domain.errors import DomainError
from meter2cash.domain.settlement import (
    PERIOD_LENGTH,
    iter_periods,
    period_interval,
    periods_in_day,
    settlement_period_of,
)
from meter2cash.domain.time import NEM_TIME, UK_TIME, local_day

SPRING_2024 = date(2024, 3, 31)
AUTUMN_2024 = date(2024, 10, 27)
SPRING_2025 = date(2025, 3, 30)
AUTUMN_2025 = date(2025, 10, 26)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (SPRING_2024, 46),
        (AUTUMN_2024, 50),
        (SPRING_2025, 46),
        (AUTUMN_2025, 50),
        (date(2024, 3, 30), 48),
        (date(2024, 4, 1), 48),
        (date(2024, 10, 26), 48),
        (date(2024, 10, 28), 48),
        (date(2025, 1, 15), 48),
        (date(2025, 7, 1), 48),
        (date(2024, 2, 29), 48),
    ],
)
def test_periods_in_day(day: date, expected: int) -> None:
    assert periods_in_day(day) == expected


def test_spring_2024_periods_before_and_after_the_skipped_hour() -> None:
    # 00:00-01:00 GMT are periods 1-2; local 01:00-02:00 does not exist; period 3 is 02:00 BST.
    assert period_interval(SPRING_2024, 1).start == utc(2024, 3, 31, 0, 0)
    assert period_interval(SPRING_2024, 2).end == utc(2024, 3, 31, 1, 0)
    assert period_interval(SPRING_2024, 3).start == utc(2024, 3, 31, 1, 0)
    assert period_interval(SPRING_2024, 3).start.astimezone(UK_TIME).hour == 2
    last = period_interval(SPRING_2024, 46)
    assert (last.start, last.end) == (utc(2024, 3, 31, 22, 30), utc(2024, 3, 31, 23, 0))


def test_autumn_2024_repeated_hour_is_periods_3_to_6() -> None:
    assert period_interval(AUTUMN_2024, 1).start == utc(2024, 10, 26, 23, 0)  # 00:00 BST
    # Periods 3-4: 01:00-02:00 BST = 00:00-01:00 UTC.
    assert period_interval(AUTUMN_2024, 3).start == utc(2024, 10, 27, 0, 0)
    assert period_interval(AUTUMN_2024, 4).end == utc(2024, 10, 27, 1, 0)
    # Periods 5-6: the repeated 01:00-02:00, now GMT = 01:00-02:00 UTC.
    assert period_interval(AUTUMN_2024, 5).start == utc(2024, 10, 27, 1, 0)
    assert period_interval(AUTUMN_2024, 6).end == utc(2024, 10, 27, 2, 0)
    local_3 = period_interval(AUTUMN_2024, 3).start.astimezone(UK_TIME)
    local_5 = period_interval(AUTUMN_2024, 5).start.astimezone(UK_TIME)
    assert (local_3.hour, local_3.utcoffset()) == (1, timedelta(hours=1))
    assert (local_5.hour, local_5.utcoffset()) == (1, timedelta(0))
    assert period_interval(AUTUMN_2024, 50).end == utc(2024, 10, 28, 0, 0)


@pytest.mark.parametrize(
    ("day", "period", "start"),
    [
        (SPRING_2025, 1, utc(2025, 3, 30, 0, 0)),
        (SPRING_2025, 3, utc(2025, 3, 30, 1, 0)),
        (SPRING_2025, 46, utc(2025, 3, 30, 22, 30)),
        (AUTUMN_2025, 1, utc(2025, 10, 25, 23, 0)),
        (AUTUMN_2025, 5, utc(2025, 10, 26, 1, 0)),
        (AUTUMN_2025, 50, utc(2025, 10, 26, 23, 30)),
        (date(2025, 7, 1), 1, utc(2025, 6, 30, 23, 0)),  # BST: local midnight is 23:00 UTC
        (date(2025, 1, 15), 48, utc(2025, 1, 15, 23, 30)),
    ],
)
def test_period_interval_2025(day: date, period: int, start: datetime) -> None:
    interval = period_interval(day, period)
    assert (interval.start, interval.end) == (start, start + PERIOD_LENGTH)
    assert interval.start.tzinfo is UTC


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (SPRING_2024, 0),
        (SPRING_2024, 47),
        (SPRING_2024, -1),
        (AUTUMN_2024, 51),
        (date(2025, 1, 15), 49),
        (date(2025, 1, 15), True),
        (date(2025, 1, 15), "3"),
    ],
)
def test_period_out_of_range_is_refused(day: date, period: object) -> None:
    with pytest.raises(DomainError, match=r"periods 1\.\.\d+"):
        period_interval(day, period)  # type: ignore[arg-type]


def test_autumn_periods_49_and_50_exist() -> None:
    assert period_interval(AUTUMN_2024, 49).start == utc(2024, 10, 27, 23, 0)


def test_a_datetime_is_not_a_settlement_day() -> None:
    with pytest.raises(DomainError, match="calendar date"):
        periods_in_day(datetime(2024, 3, 31, 12, tzinfo=UTC))


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (utc(2024, 10, 27, 0, 30), (AUTUMN_2024, 4)),  # 01:30 BST
        (utc(2024, 10, 27, 1, 30), (AUTUMN_2024, 6)),  # 01:30 GMT, the repeat
        (utc(2024, 10, 26, 23, 0), (AUTUMN_2024, 1)),  # local midnight BST
        (utc(2024, 10, 26, 22, 59, 59), (date(2024, 10, 26), 48)),
        (utc(2024, 10, 27, 23, 59, 59), (AUTUMN_2024, 50)),
        (utc(2024, 3, 31, 1, 0), (SPRING_2024, 3)),
        (utc(2024, 3, 31, 0, 59), (SPRING_2024, 2)),
        (utc(2024, 3, 31, 22, 59), (SPRING_2024, 46)),
        (utc(2024, 3, 31, 23, 0), (date(2024, 4, 1), 1)),
        (datetime(2024, 10, 27, 1, 30, tzinfo=timezone(timedelta(hours=1))), (AUTUMN_2024, 4)),
        (datetime(2025, 1, 15, 10, 15, tzinfo=NEM_TIME), (date(2025, 1, 15), 1)),  # 00:15Z
    ],
)
def test_settlement_period_of(instant: datetime, expected: tuple[date, int]) -> None:
    assert settlement_period_of(instant) == expected


def test_wall_clock_fold_selects_the_period_in_the_repeated_hour() -> None:
    first = datetime(2024, 10, 27, 1, 30, tzinfo=UK_TIME, fold=0)
    second = datetime(2024, 10, 27, 1, 30, tzinfo=UK_TIME, fold=1)
    assert settlement_period_of(first) == (AUTUMN_2024, 4)
    assert settlement_period_of(second) == (AUTUMN_2024, 6)


def test_naive_instant_is_refused() -> None:
    with pytest.raises(DomainError, match="naive"):
        settlement_period_of(datetime(2024, 10, 27, 1, 30))  # noqa: DTZ001


@pytest.mark.parametrize("day", [SPRING_2024, AUTUMN_2024, SPRING_2025, AUTUMN_2025])
def test_iter_periods_agrees_with_period_interval(day: date) -> None:
    periods = list(iter_periods(day))
    assert [number for number, _ in periods] == list(range(1, periods_in_day(day) + 1))
    assert all(interval == period_interval(day, number) for number, interval in periods)


# --- properties -----------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(1990, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive by contract
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.sampled_from([UTC, UK_TIME, NEM_TIME, timezone(timedelta(hours=-5))]),
)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1))


@given(instants)
def test_round_trip_the_period_of_an_instant_contains_it(instant: datetime) -> None:
    day, period = settlement_period_of(instant)
    assert 1 <= period <= periods_in_day(day)
    assert period_interval(day, period).contains(instant)
    assert instant.astimezone(UK_TIME).date() == day


@given(days)
def test_consecutive_periods_tile_the_day(day: date) -> None:
    span = local_day(day, UK_TIME)
    intervals = [interval for _, interval in iter_periods(day)]
    assert intervals[0].start == span.start
    assert intervals[-1].end == span.end
    assert all(a.end == b.start for a, b in itertools.pairwise(intervals))
    assert all(interval.duration == PERIOD_LENGTH for interval in intervals)
    assert len(intervals) == periods_in_day(day) in {46, 48, 50}
