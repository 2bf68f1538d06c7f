"""Time: UTC instants from Unix seconds, local days from LocalTimeParameters, clock-change days,
readings that tile a day (ChannelDay) and readings that do not (IntervalRead)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from tests.unit.ingest.espi.feeds import (
    PACIFIC,
    epoch,
    hourly,
    interval_block,
    interval_reading,
    line_of,
    local_time,
    parsed,
    reading_type,
    standard_feed,
)

from meter2cash.domain.reads import ChannelDay, IntervalRead, Quality, Rejection
from meter2cash.ingest.espi.zones import DstRule, zone_for


def days(data: bytes) -> list[ChannelDay]:
    return sorted((i for i in parsed(data) if isinstance(i, ChannelDay)), key=lambda d: d.read_on)


@pytest.mark.parametrize(
    ("on", "utc_start", "hours"),
    [
        (date(2020, 3, 8), datetime(2020, 3, 8, 8, tzinfo=UTC), 23),  # spring forward, Pacific
        (date(2020, 11, 1), datetime(2020, 11, 1, 7, tzinfo=UTC), 25),  # fall back
        (date(2020, 7, 1), datetime(2020, 7, 1, 7, tzinfo=UTC), 24),  # PDT
    ],
)
def test_hourly_clock_change_days(on: date, utc_start: datetime, hours: int) -> None:
    start = int(utc_start.timestamp())
    data = standard_feed(interval_block(hourly(start, range(1, hours + 1))))
    (day,) = days(data)
    assert (day.read_on, day.zone, day.span.start) == (on, "America/Los_Angeles", utc_start)
    assert len(day.values) == hours and day.complete
    assert day.values[-1] == Decimal(hours).scaleb(-3)
    reads = list(day.intervals())
    assert reads[2].interval.start == utc_start + timedelta(hours=2)


def test_quarter_hours_on_the_spring_forward_day() -> None:
    start = epoch(2020, 3, 8, 8)
    readings = [interval_reading(start + 900 * k, k, duration=900) for k in range(92)]
    (day,) = days(standard_feed(interval_block(readings), rt=reading_type(intervalLength=900)))
    assert day.interval_minutes == 15 and len(day.values) == 92 and day.complete


def test_without_dst_the_fixed_standard_offset_is_the_zone() -> None:
    # Arizona: tzOffset -25200, DST disabled.
    ltp = local_time(
        dstOffset="0", dstStartRule="FFFFFFFF", dstEndRule="FFFFFFFF", tzOffset="-25200"
    )
    start = epoch(2020, 7, 1, 7)
    (day,) = days(standard_feed(interval_block(hourly(start, range(24))), ltp=ltp))
    assert day.zone == "-07:00" and day.read_on == date(2020, 7, 1) and day.complete


def test_dst_rules_matching_no_known_zone_give_standard_time_days() -> None:
    ltp = local_time(tzOffset="18000")  # +05:00 with the US rules: no such zone is listed
    start = epoch(2020, 7, 1) - 5 * 3600
    (day,) = days(standard_feed(interval_block(hourly(start, range(24))), ltp=ltp))
    assert day.zone == "+05:00" and day.read_on == date(2020, 7, 1) and day.complete


def test_unreadable_local_time_parameters_are_rejected_and_days_are_utc() -> None:
    data = standard_feed(
        interval_block(hourly(epoch(2020, 1, 1), range(24))), ltp=local_time(tzOffset="-8h")
    )
    rejection, day = parsed(data)
    assert isinstance(rejection, Rejection) and rejection.reason_code == "BAD_LOCAL_TIME"
    assert rejection.source.line == line_of(data, "<LocalTimeParameters")
    assert isinstance(day, ChannelDay) and day.zone == "UTC" and day.complete


def test_a_daily_total_is_a_one_value_day_and_a_monthly_total_an_interval_read() -> None:
    jan1, feb1 = epoch(2020, 1, 1, 8), epoch(2020, 2, 1, 8)
    block = interval_block(
        [
            interval_reading(jan1, 21021, duration=86400, qualities=(0,)),
            interval_reading(feb1, 650000, duration=29 * 86400, qualities=(8,)),
        ]
    )
    month, day = parsed(standard_feed(block, rt=reading_type(intervalLength=86400)))
    assert isinstance(day, ChannelDay) and isinstance(month, IntervalRead)
    assert (day.interval_minutes, day.values, day.qualities) == (
        1440,
        (Decimal("21.021"),),
        (Quality.ACTUAL,),
    )
    assert month.interval.start == datetime(2020, 2, 1, 8, tzinfo=UTC)
    assert month.interval.duration == timedelta(days=29)
    assert (month.energy, month.quality, month.method) == (
        Decimal("650.000"),
        Quality.ESTIMATED,
        "8",
    )
    assert month.channel == "fwd-wh-01" and month.source.line > day.source.line


def test_a_reading_off_the_day_grid_is_an_interval_read() -> None:
    start = epoch(2020, 1, 1, 8, 30)  # 00:30 local: not on the hourly grid
    (read,) = parsed(standard_feed(interval_block([interval_reading(start, 5)])))
    assert isinstance(read, IntervalRead)
    assert read.interval.start == datetime(2020, 1, 1, 8, 30, tzinfo=UTC)


def test_a_second_interval_length_on_an_open_day_is_an_interval_read() -> None:
    start = epoch(2020, 1, 1, 8)
    block = interval_block(
        [interval_reading(start, 5), interval_reading(start + 3600, 1, duration=900)]
    )
    read, day = parsed(standard_feed(block))  # days come out when they close: at the end here
    assert isinstance(read, IntervalRead) and isinstance(day, ChannelDay)
    assert day.interval_minutes == 60 and read.interval.duration == timedelta(minutes=15)


def test_fractional_unix_seconds_are_kept_to_the_microsecond() -> None:
    (read,) = parsed(standard_feed(interval_block([interval_reading("1721154384.66136", 7)])))
    assert isinstance(read, IntervalRead)
    assert read.interval.start == datetime(2024, 7, 16, 18, 26, 24, 661360, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "duration"),
    [
        ("1721154384.6613601", 3600),
        ("yesterday", 3600),
        ("1e9", 3600),
        ("99999999999999", 3600),  # beyond the year 9999
        (epoch(2020, 1, 1), 10**15),
        (epoch(2020, 1, 1), 0),
        (epoch(2020, 1, 1), -60),
        (epoch(2020, 1, 1), "1h"),
    ],
)
def test_bad_time_periods_are_rejected(start: int | str, duration: int | str) -> None:
    data = standard_feed(
        interval_block(
            [
                interval_reading(start, 1, duration=duration),
                interval_reading(epoch(2020, 1, 1, 8), 2),
            ]
        )
    )
    rejection, day = parsed(data)
    assert isinstance(rejection, Rejection) and rejection.reason_code == "BAD_TIME_PERIOD"
    assert rejection.source.line == line_of(data, "<IntervalReading>")
    assert f"start={start}" in rejection.offending_text
    assert isinstance(day, ChannelDay)  # the rest of the block goes on


def test_readings_without_time_period_follow_the_block_start() -> None:
    # usage.xsd: "If not specified, readings for each intervalLength in ReadingType are present."
    start = epoch(2020, 1, 1, 8)
    block = interval_block(
        [interval_reading(None, v, duration=None) for v in range(24)], start=start
    )
    (day,) = days(standard_feed(block))
    assert day.complete and day.values[5] == Decimal("0.005")


def test_without_time_period_or_interval_length_the_reading_cannot_be_placed() -> None:
    block = interval_block([interval_reading(None, 1, duration=None)])
    data = standard_feed(block, rt=reading_type(intervalLength=None))
    (rejection,) = parsed(data)
    assert isinstance(rejection, Rejection) and rejection.reason_code == "MISSING_TIME_PERIOD"


def test_the_same_interval_twice_keeps_the_first() -> None:
    start = epoch(2020, 1, 1, 8)
    data = standard_feed(interval_block([interval_reading(start, 1), interval_reading(start, 2)]))
    rejection, day = parsed(data)
    assert isinstance(rejection, Rejection) and rejection.reason_code == "DUPLICATE_INTERVAL"
    assert rejection.source.line == line_of(data, "<IntervalReading>", 1)
    assert isinstance(day, ChannelDay) and day.values[0] == Decimal("0.001")


def test_blocks_in_reverse_order_still_make_whole_days() -> None:
    day2, day1 = epoch(2020, 1, 2, 8), epoch(2020, 1, 1, 8)
    data = standard_feed(
        interval_block(hourly(day2, range(24))), interval_block(hourly(day1, range(24)))
    )
    found = days(data)
    assert [d.read_on for d in found] == [date(2020, 1, 1), date(2020, 1, 2)]
    assert all(d.complete for d in found)


def test_dst_rule_decoding() -> None:
    # usage.xsd DstRuleType: 360E2000 = second Sunday of March 02:00, B40E2000 = first Sunday of
    # November 02:00.
    start, end = DstRule.decode(0x360E2000), DstRule.decode(0xB40E2000)
    assert (start.month, start.operator, start.day_of_week, start.seconds) == (3, 3, 7, 7200)
    assert [start.on(y) for y in (2011, 2020, 2024)] == [
        date(2011, 3, 13),
        date(2020, 3, 8),
        date(2024, 3, 10),
    ]
    assert [end.on(y) for y in (2011, 2020, 2024)] == [
        date(2011, 11, 6),
        date(2020, 11, 1),
        date(2024, 11, 3),
    ]
    # The xsd's own example: third Friday in March at 1:45 AM.
    example = DstRule.decode((3 << 28) | (4 << 25) | (5 << 17) | (1 << 12) | 2700)
    assert (example.on(2020), example.seconds) == (date(2020, 3, 20), 6300)
    last_sunday_october = DstRule.decode((10 << 28) | (7 << 25) | (7 << 17) | (1 << 12))
    assert last_sunday_october.on(2020) == date(2020, 10, 25)
    on_or_after = DstRule.decode((3 << 28) | (1 << 25) | (8 << 20) | (7 << 17))
    assert on_or_after.on(2020) == date(2020, 3, 8)
    day_of_month = DstRule.decode((4 << 28) | (0 << 25) | (1 << 20))
    assert day_of_month.on(2020) == date(2020, 4, 1)


@pytest.mark.parametrize(
    ("tz_offset", "zone"),
    [
        (-28800, "America/Los_Angeles"),
        (-25200, "America/Denver"),
        (-21600, "America/Chicago"),
        (-18000, "America/New_York"),
        (-36000, "America/Adak"),
    ],
)
def test_us_rules_match_the_iana_zone_of_their_offset(tz_offset: int, zone: str) -> None:
    assert zone_for({**PACIFIC, "tzOffset": str(tz_offset)}) == zone


def test_european_rules_match_europe_london() -> None:
    start = (3 << 28) | (7 << 25) | (7 << 17) | (1 << 12)  # last Sunday of March, 01:00
    end = (10 << 28) | (7 << 25) | (7 << 17) | (2 << 12)  # last Sunday of October, 02:00
    fields = {
        "tzOffset": "0",
        "dstOffset": "3600",
        "dstStartRule": f"{start:X}",
        "dstEndRule": f"{end:X}",
    }
    assert zone_for(fields) == "Europe/London"
