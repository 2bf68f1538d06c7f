"""Canonical ChannelDay JSON lines: round trip, clock-change days, and bad lines."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from meter2cash import codec
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, Rejection, SourceRef
from meter2cash.ingest import parse_jsonl

FILE_ID = "b" * 64


def uk_day(on: date = date(2024, 6, 1), periods: int = 48, value: str = "0.25") -> ChannelDay:
    return ChannelDay(
        supply_point_id="2000012345678",
        market="GB",
        channel="AI",
        direction=Direction.IMPORT,
        unit=Unit.KWH,
        read_on=on,
        zone="Europe/London",
        interval_minutes=30,
        values=(Decimal(value),) * (periods - 1) + (None,),
        qualities=(Quality.ACTUAL,) * (periods - 1) + (Quality.NULL,),
        methods=(None,) * periods,
        reasons=(None,) * (periods - 1) + ("gap",),
        source=SourceRef("generator-file", 77, "somewhere"),
        source_unit="kWh",
        source_flags=("A",) * (periods - 1) + ("N",),
        meter_serial="S95A01234",
    )


def line_of(day: ChannelDay) -> str:
    return codec.encode(codec.to_builtins(day)).decode()


def obj_of(day: ChannelDay) -> dict[str, Any]:
    builtins = codec.to_builtins(day)
    assert isinstance(builtins, dict)
    return builtins


def parse(lines: list[str]) -> tuple[list[ChannelDay], list[Rejection]]:
    items = list(parse_jsonl(lines, FILE_ID, "uk.jsonl", "seg"))
    return (
        [item for item in items if isinstance(item, ChannelDay)],
        [item for item in items if isinstance(item, Rejection)],
    )


def test_a_line_round_trips_to_an_equal_day_with_this_files_source() -> None:
    day = uk_day()
    [parsed], rejections = parse([line_of(day) + "\n"])
    assert rejections == []
    assert parsed == replace(day, source=SourceRef(FILE_ID, 1, "seg"))
    assert parsed.values[0] == Decimal("0.25") and parsed.values[-1] is None


@pytest.mark.parametrize(
    ("on", "periods", "first_start"),
    [
        (date(2024, 3, 31), 46, datetime(2024, 3, 31, 0, 0, tzinfo=UTC)),  # spring forward
        (date(2024, 10, 27), 50, datetime(2024, 10, 26, 23, 0, tzinfo=UTC)),  # fall back
        (date(2024, 6, 1), 48, datetime(2024, 5, 31, 23, 0, tzinfo=UTC)),  # BST
    ],
)
def test_uk_clock_change_days_hold_46_and_50_periods(
    on: date, periods: int, first_start: datetime
) -> None:
    [parsed], rejections = parse([line_of(uk_day(on, periods))])
    assert rejections == []
    assert len(parsed.values) == periods
    assert next(parsed.intervals()).interval.start == first_start


@pytest.mark.parametrize("on", [date(2024, 3, 31), date(2024, 10, 27)])
def test_a_clock_change_day_with_48_values_is_an_interval_count_mismatch(on: date) -> None:
    obj = obj_of(uk_day())
    obj["read_on"] = on.isoformat()
    [rejection] = parse([json.dumps(obj)])[1]
    assert rejection.reason_code == "INTERVAL_COUNT_MISMATCH"
    assert "got 48 values" in rejection.message


def test_a_byte_order_mark_on_the_first_line_is_ignored() -> None:
    days, rejections = parse(["\ufeff" + line_of(uk_day())])
    assert (len(days), rejections) == (1, [])


def test_blank_lines_are_skipped_and_line_numbers_count_them() -> None:
    days, rejections = parse(["", line_of(uk_day()), "   ", "{oops", line_of(uk_day())])
    assert [d.source.line for d in days] == [2, 5]
    assert [(r.source, r.reason_code) for r in rejections] == [
        (SourceRef(FILE_ID, 4, "seg"), "BAD_JSON")
    ]
    assert rejections[0].file_name == "uk.jsonl"


def edit(change: dict[str, Any], drop: str | None = None) -> str:
    obj = obj_of(uk_day())
    obj.update(change)
    if drop:
        del obj[drop]
    return json.dumps(obj)


@pytest.mark.parametrize(
    ("line", "reason", "words"),
    [
        ("not json", "BAD_JSON", "not JSON"),
        ('["a list"]', "BAD_JSON", "got list"),
        ('"a string"', "BAD_JSON", "got str"),
        (edit({}, drop="zone"), "INVALID_RECORD", "`zone`"),
        (edit({"direction": "sideways"}), "INVALID_RECORD", "direction"),
        (edit({"unit": "therm"}), "INVALID_RECORD", "unit"),
        (edit({"read_on": "2024-02-30"}), "INVALID_RECORD", "read_on"),
        (edit({"zone": "Mars/Olympus"}), "INVALID_RECORD", "Mars/Olympus"),
        (edit({"qualities": ["A"] * 47}), "INVALID_RECORD", "same length"),
        (edit({"values": ["1"] * 47 + ["abc"]}), "INVALID_RECORD", "values"),
        (edit({"values": ["0.1234567"] * 48}), "PRECISION_EXCEEDED", "interval 1 value 0.1234567"),
        (edit({"values": ["NaN"] * 48}), "BAD_VALUE", "not a finite number"),
        ('{"values": ["1"]}\udcff', "BAD_ENCODING", "UTF-8"),
    ],
)
def test_a_bad_line_is_rejected_with_its_reason(line: str, reason: str, words: str) -> None:
    days, rejections = parse([line])
    assert days == []
    [rejection] = rejections
    assert (rejection.source.line, rejection.reason_code) == (1, reason)
    assert words in rejection.message
    assert len(rejection.offending_text) <= 200


def test_json_numbers_are_read_exactly_not_through_float() -> None:
    obj = obj_of(uk_day())
    text = json.dumps(obj).replace('"0.25"', "0.1000000000000000055511151231257827")
    days, rejections = parse([text])
    assert days == []  # exact, hence more than 6 decimal places: refused, not rounded
    assert [r.reason_code for r in rejections] == ["PRECISION_EXCEEDED"]
    [day], _ = parse([json.dumps(obj).replace('"0.25"', "0.1")])
    assert day.values[0] == Decimal("0.1")


def test_the_original_source_is_not_needed() -> None:
    [day], rejections = parse([edit({}, drop="source")])
    assert rejections == []
    assert day.source == SourceRef(FILE_ID, 1, "seg")


def test_no_lines_is_an_empty_file() -> None:
    assert [r.reason_code for r in parse(["", "  "])[1]] == ["EMPTY_FILE"]
