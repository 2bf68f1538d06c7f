"""UK settlement-period CSV: long and wide forms, 46/48/50-period days, and every rejection."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, Rejection
from meter2cash.domain.settlement import periods_in_day
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.ukhh.settlement_csv import HEADERS, parse, recognises

FILE_ID = "b" * 64
MPAN = "2248274887874"
LONG, LONG_Q, WIDE_48, WIDE_50 = HEADERS


def run(lines: list[str]) -> tuple[list[ChannelDay], list[Rejection]]:
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
    items: list[ParsedItem] = list(parse(io.BytesIO(data), FILE_ID, "hh.csv", None))
    days = [i for i in items if isinstance(i, ChannelDay)]
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert len(days) + len(rejections) == len(items)
    return days, rejections


def reasons(lines: list[str]) -> list[tuple[int, str]]:
    return [(r.source.line, r.reason_code) for r in run(lines)[1]]


def long_day(on: str, quality: str | None = None) -> list[str]:
    count = periods_in_day(date.fromisoformat(on))
    tail = "" if quality is None else f",{quality}"
    return [f"{MPAN},{on},{p},{p}.5{tail}" for p in range(1, count + 1)]


@pytest.mark.parametrize(
    ("on", "count"), [("2024-03-31", 46), ("2024-10-27", 50), ("2024-06-01", 48)]
)
def test_long_form_day_of_every_length(on: str, count: int) -> None:
    [day], rejections = run([LONG_Q, *long_day(on, "A")])
    assert rejections == []
    assert (day.supply_point_id, day.market, day.channel, day.direction) == (
        MPAN,
        "GB",
        "AI",
        Direction.IMPORT,
    )
    assert (day.unit, day.zone, day.read_on, len(day.values)) == (
        Unit.KWH,
        "Europe/London",
        date.fromisoformat(on),
        count,
    )
    assert day.values == tuple(Decimal(f"{p}.5") for p in range(1, count + 1))
    assert day.qualities == (Quality.ACTUAL,) * count and day.source_flags == ("A",) * count


def test_period_5_of_the_autumn_day_is_the_repeated_hour_in_gmt() -> None:
    [day], _ = run([LONG, f"{MPAN},2024-10-27,5,1"])
    fifth = list(day.intervals())[4]
    assert fifth.interval.start == datetime(2024, 10, 27, 1, 0, tzinfo=UTC)  # 01:00 GMT
    assert fifth.energy == Decimal(1) and fifth.quality == Quality.UNKNOWN  # no quality column
    assert day.qualities.count(Quality.MISSING) == 49


def test_long_form_rows_in_any_order_and_empty_values() -> None:
    rows = [LONG_Q, f"{MPAN},2024-06-01,2,2,E", f"{MPAN},2024-06-01,1,,N"]
    [day], rejections = run(rows)
    assert rejections == []
    assert day.values[:3] == (None, Decimal(2), None)
    assert day.qualities[:3] == (Quality.NULL, Quality.ESTIMATED, Quality.MISSING)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (f"{MPAN},2024-03-31,47,1,A", "BAD_PERIOD"),
        (f"{MPAN},2024-06-01,0,1,A", "BAD_PERIOD"),
        (f"{MPAN},2024-06-01,x,1,A", "BAD_PERIOD"),
        (f"{MPAN},01/06/2024,1,1,A", "BAD_DATE"),
        (f"{MPAN},2024-06-01,1,1.5.1,A", "BAD_VALUE"),
        (f"{MPAN},2024-06-01,1,1,Q", "BAD_QUALITY"),
        ("2248274887875,2024-06-01,1,1,A", "INVALID_SUPPLY_POINT"),
        (f"{MPAN},2024-06-01,1", "MISSING_FIELDS"),
        (f"{MPAN},2024-06-01,1,0.0000001,A", "PRECISION_EXCEEDED"),
        (f"{MPAN},2024-06-01,2,9,A", "DUPLICATE_INTERVAL"),
    ],
)
def test_long_form_rejections(row: str, reason: str) -> None:
    days, rejections = run([LONG_Q, f"{MPAN},2024-06-01,2,2,A", row])
    assert [(r.source.line, r.reason_code) for r in rejections] == [(3, reason)]
    assert days[0].values[1] == Decimal(2)


def test_wide_form_50_columns_holds_every_day_length() -> None:
    def row(on: str, count: int) -> str:
        cells = [str(k) for k in range(1, count + 1)] + [""] * (50 - count)
        return f"{MPAN},{on}," + ",".join(cells)

    days, rejections = run(
        [WIDE_50, row("2024-03-31", 46), row("2024-10-27", 50), row("2024-06-01", 48)]
    )
    assert rejections == []
    assert [len(d.values) for d in days] == [46, 50, 48]
    assert all(d.complete for d in days)
    assert days[1].values[-1] == Decimal(50) and days[0].qualities[0] == Quality.UNKNOWN


def test_wide_form_48_leaves_the_autumn_days_last_periods_missing() -> None:
    cells = ",".join(str(k) for k in range(1, 49))
    [day], rejections = run([WIDE_48, f"{MPAN},2024-10-27,{cells}"])
    assert rejections == []
    assert day.values[-2:] == (None, None) and day.qualities[-2:] == (Quality.MISSING,) * 2


def test_wide_form_rejects_a_value_in_a_period_the_day_does_not_have() -> None:
    cells = ",".join(str(k) for k in range(1, 49))  # 48 values on a 46-period day
    assert reasons([WIDE_48, f"{MPAN},2024-03-31,{cells}"]) == [(2, "BAD_PERIOD")]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (f"123,2024-06-01{',1' * 48}", "INVALID_MPAN"),
        (f"{MPAN},2024-13-01{',1' * 48}", "BAD_DATE"),
        (f"{MPAN},2024-06-01{',x' * 48}", "BAD_VALUE"),
        (f"{MPAN},2024-06-01{',1' * 47}", "MISSING_FIELDS"),
        (f"{MPAN},2024-06-01{',1' * 49}", "TOO_MANY_FIELDS"),
        (f"{MPAN},2024-06-01{',1' * 47},1\udcff", "BAD_ENCODING"),
    ],
)
def test_wide_form_rejections(row: str, reason: str) -> None:
    assert reasons([WIDE_48, row]) == [(2, reason)]


def test_an_unknown_header_or_an_empty_file() -> None:
    assert reasons(["mpan,date,period,kwh", f"{MPAN},2024-06-01,1,1"]) == [(1, "BAD_HEADER")]
    assert reasons(["", ""]) == [(1, "EMPTY_FILE")]
    assert reasons(["", LONG, f"{MPAN},2024-06-01,x,1"]) == [(3, "BAD_PERIOD")]  # lines count


def test_recognises_only_the_exact_headers() -> None:
    for header in HEADERS:
        assert recognises(header, header, "x.csv")
    assert not recognises("MPAN_CORE,settlement_date,settlement_period,kwh", "", "x.csv")
    assert not recognises("mpan_core, settlement_date, settlement_period, kwh", "", "x.csv")
    assert not recognises(LONG + ",extra", "", "x.csv")
