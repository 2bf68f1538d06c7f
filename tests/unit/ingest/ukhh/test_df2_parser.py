"""Stark DF2: chellow's layout, UTC period-ending times, Europe/London days (46/48/50 half-hours),
the UK-clock variant's repeated autumn hour, and every rejection reason."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, IntervalRead, Quality, Rejection
from meter2cash.domain.time import UK_TIME, local_day
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.ukhh.df2 import df2_parser, parse, recognises

FILE_ID = "a" * 64
MPAN = "2248274887874"  # chellow's test MPAN core: valid check digit
SAMPLE = Path(__file__).parents[4].parent / "shared" / "samples" / "stark-df2" / "hh_data.df2"
HH = timedelta(minutes=30)


def run(lines: list[str], clock: str = "UTC") -> list[ParsedItem]:
    data = "\r\n".join(lines).encode("utf-8", "surrogateescape")
    return list(df2_parser(clock)(io.BytesIO(data), FILE_ID, "x.df2", None))


def split(items: list[ParsedItem]) -> tuple[list[ChannelDay], list[Rejection]]:
    days = [i for i in items if isinstance(i, ChannelDay)]
    rejections = [i for i in items if isinstance(i, Rejection)]
    return days, rejections


def reasons(lines: list[str], clock: str = "UTC") -> list[tuple[int, str]]:
    return [(r.source.line, r.reason_code) for r in split(run(lines, clock))[1]]


def df2(*rows: str, sensor: str = "1", outstation: str = MPAN) -> list[str]:
    return ["#F2", f"#O {outstation}", f"#S {sensor}", *rows]


def day_rows(on: date, clock: str = "UTC", value: str = "{k}") -> list[str]:
    """Every half-hour of the Europe/London day ``on``, labelled by its end in ``clock``."""
    span = local_day(on, UK_TIME)
    zone = UTC if clock == "UTC" else UK_TIME
    rows, end, k = [], span.start + HH, 0
    while end <= span.end:
        label = end.astimezone(zone)
        rows.append(f"{label:%d/%m/%Y},{label:%H:%M},{value.format(k=k)},A")
        end, k = end + HH, k + 1
    return rows


# --- chellow's example and the shared sample ------------------------------------------------------


def test_chellow_example_reads_period_ending_utc_into_the_local_day() -> None:
    lines = ["#F2", f"#O {MPAN}-jlkkk38", "#S 1", "16/04/2024,00:30,0.77,A"]
    lines += ["16/04/2024,01:00,0.064,A", "16/04/2024,01:30,0,A"]
    [day], rejections = split(run(lines))
    assert rejections == []
    assert (day.supply_point_id, day.market, day.channel) == (MPAN, "GB", "AI")
    assert (day.direction, day.unit, day.source_unit) == (Direction.IMPORT, Unit.KWH, "kWh")
    assert (day.read_on, day.zone, day.interval_minutes) == (date(2024, 4, 16), "Europe/London", 30)
    # 00:00-00:30 UTC is 01:00-01:30 BST: the third half-hour of the local day.
    assert day.values[:5] == (None, None, Decimal("0.77"), Decimal("0.064"), Decimal(0))
    assert day.qualities[:5] == (Quality.MISSING,) * 2 + (Quality.ACTUAL,) * 3
    assert day.source_flags[:5] == ("", "", "A", "A", "A")
    third = list(day.intervals())[2].interval
    assert (third.start, third.end) == (
        datetime(2024, 4, 16, 0, 0, tzinfo=UTC),
        datetime(2024, 4, 16, 0, 30, tzinfo=UTC),
    )
    assert day.source.line == 4 and not day.complete


def test_shared_sample_is_chellows_error_fixture_an_mpan_with_a_bad_check_digit() -> None:
    if not SAMPLE.is_file():
        pytest.skip(f"Stark DF2 sample not present: {SAMPLE}")
    with SAMPLE.open("rb") as binary:
        items = list(parse(binary, FILE_ID, SAMPLE.name, None))
    assert [(r.source.line, r.reason_code) for r in split(items)[1]] == [
        (2, "INVALID_MPAN"),
        (4, "BLOCK_REJECTED"),
    ]
    assert split(items)[0] == []


@pytest.mark.parametrize(
    ("sensor", "channel", "direction", "unit"),
    [
        ("1", "AI", Direction.IMPORT, Unit.KWH),
        ("2", "AE", Direction.EXPORT, Unit.KWH),
        ("3", "RI", Direction.REACTIVE_IMPORT, Unit.KVARH),
        ("4", "RE", Direction.REACTIVE_EXPORT, Unit.KVARH),
    ],
)
def test_sensor_mapping(sensor: str, channel: str, direction: Direction, unit: Unit) -> None:
    [day], _ = split(run(df2("15/11/2005,00:30,1.0,A", sensor=sensor)))
    assert (day.channel, day.direction, day.unit) == (channel, direction, unit)


def test_status_flag_is_the_last_character_and_kept_verbatim() -> None:
    [day], _ = split(run(df2("15/11/2005,00:30,1.0,A", "15/11/2005,01:00,2.5,XE")))
    assert day.qualities[:2] == (Quality.ACTUAL, Quality.ESTIMATED)
    assert day.source_flags[:2] == ("A", "XE")


def test_outstations_and_sensors_make_separate_channel_days() -> None:
    other = "1000000000003"  # distributor 10, check digit 3
    lines = [*df2("15/11/2005,00:30,1,A"), "#S 3", "15/11/2005,00:30,2,A"]
    lines += [f"#O {other}", "15/11/2005,00:30,3,A"]  # the sensor carries over, as in chellow
    days, rejections = split(run(lines))
    assert rejections == []
    assert [(d.supply_point_id, d.channel, d.values[0]) for d in days] == [
        (MPAN, "AI", Decimal(1)),
        (MPAN, "RI", Decimal(2)),
        (other, "RI", Decimal(3)),
    ]


# --- clock-change days ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "count"), [(date(2024, 3, 31), 46), (date(2024, 10, 27), 50), (date(2024, 6, 1), 48)]
)
@pytest.mark.parametrize("clock", ["UTC", "Europe/London"])
def test_a_whole_local_day_is_one_complete_channel_day(on: date, count: int, clock: str) -> None:
    [day], rejections = split(run(df2(*day_rows(on, clock)), clock))
    assert rejections == []
    assert (day.read_on, len(day.values), day.complete) == (on, count, True)
    assert day.values == tuple(Decimal(k) for k in range(count))


def test_uk_clock_tells_the_repeated_october_hour_apart_by_row_order() -> None:
    rows = [
        "27/10/2024,01:00,1,A",  # 00:30-01:00 BST = 23:30-00:00Z
        "27/10/2024,01:30,2,A",  # first 01:30: BST, ends 00:30Z
        "27/10/2024,01:00,3,A",  # 01:00 again, after 01:30 BST: GMT, ends 01:00Z
        "27/10/2024,01:30,4,A",  # ends 01:30Z
        "27/10/2024,02:00,5,A",
    ]
    [day], rejections = split(run(df2(*rows), "Europe/London"))
    assert rejections == []
    assert day.values[1:6] == tuple(Decimal(k) for k in range(1, 6))
    starts = [i.interval.start for i in day.intervals()][1:6]
    assert starts == [datetime(2024, 10, 26, 23, 30, tzinfo=UTC) + k * HH for k in range(5)]


def test_uk_clock_rejects_times_the_spring_change_skips_but_takes_either_name_of_the_jump() -> None:
    rows = ["31/03/2024,01:00,1,A", "31/03/2024,01:30,9,A", "31/03/2024,02:30,2,A"]
    items = run(df2(*rows), "Europe/London")
    [day], rejections = split(items)
    assert [(r.source.line, r.reason_code) for r in rejections] == [(5, "BAD_TIME")]
    assert day.values[1:3] == (Decimal(1), Decimal(2))  # 00:30-01:00Z, 01:00-01:30Z
    [jump], _ = split(run(df2("31/03/2024,02:00,1,A"), "Europe/London"))
    assert jump.values[1] == Decimal(1)  # 02:00 BST is 01:00 GMT: the same end


def test_utc_clock_has_no_ambiguous_hour() -> None:
    rows = ["27/10/2024,00:30,1,A", "27/10/2024,01:00,2,A", "27/10/2024,01:30,3,A"]
    [day], _ = split(run(df2(*rows)))
    # 00:00Z is local 01:00 BST, the third half-hour; 01:00Z local 01:00 GMT, the fifth.
    assert day.values[2:5] == (Decimal(1), Decimal(2), Decimal(3))


# --- rejections ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("15/11/2005,00:30,1.0", "MISSING_FIELDS"),
        ("15/11/2005,00:30,1.0,A,x", "TOO_MANY_FIELDS"),
        ("2005-11-15,00:30,1.0,A", "BAD_DATE"),
        ("31/11/2005,00:30,1.0,A", "BAD_DATE"),
        ("15/11/2005,0030,1.0,A", "BAD_TIME"),
        ("15/11/2005,00:30:15,1.0,A", "BAD_TIME"),
        ("15/11/2005,24:00,1.0,A", "BAD_TIME"),
        ("15/11/2005,00:30,1,0,A", "TOO_MANY_FIELDS"),
        ("15/11/2005,00:30,abc,A", "BAD_VALUE"),
        ("15/11/2005,00:30,1e3,A", "BAD_VALUE"),
        ("15/11/2005,00:30,1.0,X", "BAD_STATUS"),
        ("15/11/2005,00:30,1.0,", "BAD_STATUS"),
        ("15/11/2005,00:30,0.0000001,A", "PRECISION_EXCEEDED"),
    ],
)
def test_a_bad_row_is_rejected_and_the_rest_read(row: str, reason: str) -> None:
    days, rejections = split(run(df2(row, "15/11/2005,01:00,2,A")))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(4, reason)]
    assert days[0].values[1] == Decimal(2)


def test_seconds_of_zero_are_accepted() -> None:
    assert split(run(df2("15/11/2005,00:30:00,1,A")))[0][0].values[0] == Decimal(1)


def test_structure_rejections() -> None:
    assert reasons(df2("15/11/2005,00:30,1,A", sensor="5")) == [
        (3, "BAD_SENSOR"),
        (4, "BLOCK_REJECTED"),
    ]
    assert reasons(df2("15/11/2005,00:30,1,A", outstation="123")) == [
        (2, "INVALID_MPAN"),
        (4, "BLOCK_REJECTED"),
    ]
    assert reasons(["#F2", "15/11/2005,00:30,1,A"]) == [(2, "ORPHAN_RECORD")]
    assert reasons(["#O " + MPAN, "#S 1", "15/11/2005,00:30,1,A"]) == [(1, "MISSING_HEADER")]
    assert reasons(df2("#X what", "15/11/2005,00:30,1,A")) == [(4, "UNKNOWN_RECORD")]
    assert reasons([]) == [(1, "EMPTY_FILE")]
    assert reasons(df2()) == [(1, "NO_DATA")]
    assert reasons(df2("15/11/2005,00:30,1\udcff,A")) == [(4, "BAD_ENCODING")]


def test_a_different_value_for_the_same_half_hour_is_a_duplicate_an_equal_one_is_absorbed() -> None:
    rows = ["15/11/2005,00:30,1,A", "15/11/2005,00:30,1,A", "15/11/2005,00:30,2,A"]
    [day], rejections = split(run(df2(*rows)))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(6, "DUPLICATE_INTERVAL")]
    assert day.values[0] == Decimal(1)


def test_an_off_grid_time_is_an_interval_read_not_an_error() -> None:
    items = run(df2("15/11/2005,00:45,1,A"))
    [read] = [i for i in items if isinstance(i, IntervalRead)]
    assert read.interval.start == datetime(2005, 11, 15, 0, 15, tzinfo=UTC)
    assert split(items) == ([], [])


def test_recognises_only_the_f2_marker() -> None:
    assert recognises("#F2", "#F2\r\n#O 1", "x.df2")
    assert recognises("#f2", "", "anything")
    assert not recognises("#F2 x", "", "x.df2")
    assert not recognises("#O 2248274887874", "", "x.df2")
