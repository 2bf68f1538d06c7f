"""Instants and intervals, exact quantities, exact money with its one rounding rule."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter2cash.domain.errors import DomainError, PrecisionError, QuantityRangeError
from meter2cash.domain.money import LINE_ROUNDING, Money, round_line
from meter2cash.domain.quantity import (
    MAX_ABS_MICRO,
    MAX_INTERVAL_MICRO,
    Unit,
    check_interval_micro,
    format_micro,
    from_micro,
    normalise_unit,
    parse_decimal,
    to_micro,
)
from meter2cash.domain.time import (
    NEM_TIME,
    UK_TIME,
    Interval,
    intervals_in_day,
    local_day,
    month_of,
    next_month,
    require_utc,
    zone_named,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)
HALF_HOUR = timedelta(minutes=30)


# --- instants and intervals -------------------------------------------------------------------


def test_interval_is_half_open() -> None:
    interval = Interval(T0, T0 + HALF_HOUR)
    assert interval.contains(T0)
    assert interval.contains(T0 + HALF_HOUR - timedelta(microseconds=1))
    assert not interval.contains(T0 + HALF_HOUR)
    assert not interval.contains(T0 - timedelta(microseconds=1))


def test_adjacent_intervals_do_not_overlap() -> None:
    first, second = Interval(T0, T0 + HALF_HOUR), Interval(T0 + HALF_HOUR, T0 + 2 * HALF_HOUR)
    assert not first.overlaps(second) and not second.overlaps(first)
    assert first.overlaps(Interval(T0 + timedelta(minutes=29), T0 + HALF_HOUR * 2))


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2024, 1, 1)  # noqa: DTZ001
    with pytest.raises(DomainError, match="naive"):
        require_utc(naive)
    with pytest.raises(DomainError, match="start must be timezone-aware"):
        Interval(naive, T0 + HALF_HOUR)
    with pytest.raises(DomainError, match="end must be timezone-aware"):
        Interval(T0, naive + HALF_HOUR)
    with pytest.raises(DomainError, match="naive"):
        Interval(T0, T0 + HALF_HOUR).contains(naive)


def test_interval_is_normalised_to_utc() -> None:
    start = datetime(2024, 1, 1, 10, tzinfo=NEM_TIME)
    interval = Interval(start, start + HALF_HOUR)
    assert interval.start.tzinfo is UTC
    assert interval.start == datetime(2024, 1, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("length", [timedelta(0), -HALF_HOUR])
def test_empty_or_reversed_interval_is_refused(length: timedelta) -> None:
    with pytest.raises(DomainError, match="must be after start"):
        Interval(T0, T0 + length)


def test_split_tiles_the_interval() -> None:
    parts = list(Interval(T0, T0 + timedelta(hours=2)).split(HALF_HOUR))
    assert [p.start for p in parts] == [T0 + k * HALF_HOUR for k in range(4)]
    assert parts[-1].end == T0 + timedelta(hours=2)


def test_split_refuses_a_step_that_does_not_divide() -> None:
    with pytest.raises(DomainError, match="not a whole number"):
        list(Interval(T0, T0 + timedelta(hours=1)).split(timedelta(minutes=25)))


@pytest.mark.parametrize("step", [timedelta(0), -HALF_HOUR])
def test_split_refuses_a_non_positive_step(step: timedelta) -> None:
    with pytest.raises(DomainError, match="must be positive"):
        list(Interval(T0, T0 + timedelta(hours=1)).split(step))


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive by contract
        max_value=datetime(2050, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.sampled_from([1, 5, 15, 30, 60]),
    st.integers(min_value=1, max_value=300),
)
def test_split_tiles_without_gap_or_overlap(start: datetime, minutes: int, count: int) -> None:
    step = timedelta(minutes=minutes)
    parts = list(Interval(start, start + count * step).split(step))
    assert len(parts) == count
    assert parts[0].start == start and parts[-1].end == start + count * step
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))


@pytest.mark.parametrize(
    ("day", "start", "hours"),
    [
        (date(2024, 3, 31), datetime(2024, 3, 31, 0, tzinfo=UTC), 23),  # UK spring
        (date(2024, 10, 27), datetime(2024, 10, 26, 23, tzinfo=UTC), 25),  # UK autumn
        (date(2025, 3, 30), datetime(2025, 3, 30, 0, tzinfo=UTC), 23),
        (date(2025, 10, 26), datetime(2025, 10, 25, 23, tzinfo=UTC), 25),
        (date(2024, 7, 1), datetime(2024, 6, 30, 23, tzinfo=UTC), 24),
    ],
)
def test_local_day_uk(day: date, start: datetime, hours: int) -> None:
    span = local_day(day, UK_TIME)
    assert span.start == start and span.duration == timedelta(hours=hours)
    assert intervals_in_day(day, UK_TIME, 30) == hours * 2


@pytest.mark.parametrize(
    "day",
    # NSW/VIC/ACT/TAS clock changes: NEM time ignores them (fixed UTC+10).
    [date(2024, 4, 7), date(2024, 10, 6), date(2025, 4, 6), date(2025, 10, 5), date(2024, 1, 1)],
)
def test_local_day_nem_is_always_24_hours(day: date) -> None:
    span = local_day(day, NEM_TIME)
    assert span.start == datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=10)
    assert span.duration == timedelta(hours=24)
    assert intervals_in_day(day, NEM_TIME, 30) == 48
    assert intervals_in_day(day, NEM_TIME, 5) == 288


@pytest.mark.parametrize("minutes", [0, -30, 7])
def test_intervals_in_day_refuses_lengths_that_do_not_tile(minutes: int) -> None:
    with pytest.raises(DomainError, match="does not tile"):
        intervals_in_day(date(2024, 3, 31), UK_TIME, minutes)


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("NEM", timedelta(hours=10)),
        ("UTC", timedelta(0)),
        ("Z", timedelta(0)),
        ("+01:00", timedelta(hours=1)),
        ("-05:30", -timedelta(hours=5, minutes=30)),
        ("Europe/London", timedelta(hours=1)),  # on the July probe date, BST
    ],
)
def test_zone_named(name: str, offset: timedelta) -> None:
    zone = zone_named(name)
    assert datetime(2024, 7, 1, 12, tzinfo=zone).utcoffset() == offset


def test_zone_named_refuses_unknown_zones() -> None:
    with pytest.raises(DomainError, match="unknown time zone"):
        zone_named("Mars/Olympus_Mons")
    assert zone_named("NEM") is NEM_TIME
    assert zone_named("+10:00") == timezone(timedelta(hours=10))


def test_months() -> None:
    assert month_of(date(2024, 2, 29)) == date(2024, 2, 1)
    assert next_month(date(2024, 1, 1)) == date(2024, 2, 1)
    assert next_month(date(2024, 12, 1)) == date(2025, 1, 1)


# --- quantities -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "micro"),
    [
        ("1.234567", 1_234_567),
        ("1.2345670", 1_234_567),
        ("-0.000001", -1),
        ("0", 0),
        ("1E+3", 10**9),
    ],
)
def test_to_micro_is_exact(text: str, micro: int) -> None:
    assert to_micro(Decimal(text)) == micro


@pytest.mark.parametrize("text", ["1.2345678", "0.0000001", "12345678901234567890123.123456"])
def test_to_micro_refuses_rounding(text: str) -> None:
    with pytest.raises(PrecisionError):
        to_micro(Decimal(text))


@pytest.mark.parametrize("text", ["Infinity", "-Infinity", "NaN"])
def test_to_micro_refuses_non_finite(text: str) -> None:
    with pytest.raises(DomainError, match="not a finite quantity"):
        to_micro(Decimal(text))


@pytest.mark.parametrize("text", ["9223372036854.775808", "-9223372036854.775809", "1E+400"])
def test_to_micro_refuses_magnitudes_no_store_can_hold(text: str) -> None:
    with pytest.raises(QuantityRangeError, match="64-bit range"):
        to_micro(Decimal(text))


def test_to_micro_accepts_the_64_bit_bounds_themselves() -> None:
    assert to_micro(Decimal("9223372036854.775807")) == MAX_ABS_MICRO
    assert to_micro(Decimal("-9223372036854.775808")) == -MAX_ABS_MICRO - 1


def test_interval_values_are_bounded_so_a_day_total_fits_64_bits() -> None:
    check_interval_micro([None, MAX_INTERVAL_MICRO, -MAX_INTERVAL_MICRO])
    assert 288 * MAX_INTERVAL_MICRO <= MAX_ABS_MICRO
    with pytest.raises(QuantityRangeError, match=r"10000000000\.000001 is beyond"):
        check_interval_micro([0, MAX_INTERVAL_MICRO + 1])


@given(st.integers(min_value=-MAX_ABS_MICRO, max_value=MAX_ABS_MICRO))
def test_micro_round_trip(micro: int) -> None:
    assert to_micro(from_micro(micro)) == micro
    assert to_micro(parse_decimal(format_micro(micro))) == micro
    assert "E" not in format_micro(micro)


def test_format_micro_is_plain() -> None:
    assert format_micro(1) == "0.000001"
    assert format_micro(10_000_000) == "10"
    assert format_micro(1_500_000) == "1.5"


def test_normalise_unit_wh_to_kwh_is_exact() -> None:
    unit, factor = normalise_unit("Wh")
    assert (unit, factor) == (Unit.KWH, Decimal("0.001"))
    energy = parse_decimal("1234.5") * factor
    assert energy == Decimal("1.2345")
    assert to_micro(energy) == 1_234_500
    assert to_micro(parse_decimal("0.001") * factor) == 1  # 1 mWh, the smallest held unit


@pytest.mark.parametrize(
    ("text", "unit", "factor"),
    [(" KWH ", Unit.KWH, 1), ("MWh", Unit.KWH, 1000), ("varh", Unit.KVARH, Decimal("0.001"))],
)
def test_normalise_unit_spellings(text: str, unit: Unit, factor: Decimal) -> None:
    assert normalise_unit(text) == (unit, factor)


def test_normalise_unit_refuses_unknown_units() -> None:
    with pytest.raises(DomainError, match="unknown energy unit"):
        normalise_unit("therm")


@pytest.mark.parametrize("text", ["NaN", "Infinity", "abc", ""])
def test_parse_decimal_refuses_non_numbers(text: str) -> None:
    with pytest.raises(DomainError):
        parse_decimal(text)


def test_parse_decimal_keeps_the_text_exactly() -> None:
    assert parse_decimal(" 0.10 ").as_tuple() == Decimal("0.10").as_tuple()


# --- money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("0.125", "0.13"),
        ("0.124", "0.12"),
        ("-0.125", "-0.13"),
        ("0.135", "0.14"),  # half-up, not banker's rounding (which would give 0.14 here too)
        ("0.145", "0.15"),  # ...and 0.14 here: half-up differs from half-even
        ("2.5", "2.50"),
        ("0.004999", "0.00"),
    ],
)
def test_round_line_half_up_to_the_minor_unit(amount: str, rounded: str) -> None:
    result = round_line(Decimal(amount), "GBP")
    assert result == Decimal(rounded)
    assert result.as_tuple().exponent == -2
    assert "half-up" in LINE_ROUNDING


def test_money_refuses_float_and_int() -> None:
    with pytest.raises(DomainError, match="never a float"):
        Money(0.1, "GBP")  # type: ignore[arg-type]
    with pytest.raises(DomainError):
        Money(1, "GBP")  # type: ignore[arg-type]


def test_money_refuses_unknown_currency_and_mixing() -> None:
    with pytest.raises(DomainError, match="unsupported currency"):
        Money(Decimal(1), "XYZ")
    with pytest.raises(DomainError, match="cannot add"):
        Money(Decimal(1), "GBP") + Money(Decimal(1), "EUR")


def test_money_arithmetic_is_exact_and_rounds_once() -> None:
    total = Money.zero("GBP") + Money(Decimal("0.1"), "GBP") + Money(Decimal("0.2"), "GBP")
    assert total == Money(Decimal("0.3"), "GBP")
    assert Money(Decimal("10.005"), "AUD").rounded() == Money(Decimal("10.01"), "AUD")
    assert str(Money(Decimal("1.50"), "EUR")) == "1.50 EUR"
