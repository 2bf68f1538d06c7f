"""Generic CSV through a mapping: golden example, time conventions, zones and offsets, grouping in
bounded memory, and every rejection reason."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, IntervalRead, Quality, Rejection
from meter2cash.ingest.csvmap import (
    Mapping,
    load_mapping,
    mapping_from_dict,
    parse,
    parse_with,
    recognises,
)
from meter2cash.ingest.items import ParsedItem

HERE = Path(__file__).parent
EXAMPLE = HERE.parents[3] / "examples" / "mappings" / "example-csv-mapping.yaml"
FILE_ID = "c" * 64
MPAN = "2248274887874"
MPAN2 = "1000000000003"
HH = timedelta(minutes=30)


def mapping(**changes: Any) -> Mapping:
    document: dict[str, Any] = {
        "market": "GB",
        "timezone": "Europe/London",
        "interval_minutes": 30,
        "columns": {"supply_point": "mpan", "timestamp": "at", "value": "kwh"},
        "timestamp": {"marks": "start"},
        "unit": "kWh",
        "channel": "AI",
        "direction": "import",
    }
    document.update(changes)
    return mapping_from_dict({k: v for k, v in document.items() if v is not None}, "test-mapping")


def run(m: Mapping, lines: list[str]) -> list[ParsedItem]:
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")
    return list(parse_with(m)(io.BytesIO(data), FILE_ID, "x.csv", None))


def split(items: list[ParsedItem]) -> tuple[list[ChannelDay], list[Rejection]]:
    return (
        [i for i in items if isinstance(i, ChannelDay)],
        [i for i in items if isinstance(i, Rejection)],
    )


def reasons(m: Mapping, lines: list[str]) -> list[tuple[int, str]]:
    return [(r.source.line, r.reason_code) for r in split(run(m, lines))[1]]


# --- the example ---------------------------------------------------------------------------------


def test_example_mapping_and_csv_golden() -> None:
    parser = parse_with(load_mapping(EXAMPLE))
    with (HERE / "data" / "example-readings.csv").open("rb") as binary:
        [day], rejections = split(list(parser(binary, FILE_ID, "example-readings.csv", None)))
    assert rejections == []
    assert (day.supply_point_id, day.channel, day.direction, day.unit) == (
        MPAN,
        "AI",
        Direction.IMPORT,
        Unit.KWH,
    )
    assert (day.read_on, len(day.values)) == (date(2024, 10, 27), 50)  # the autumn change
    # Period-ending local labels 00:30, 01:00, 01:30, 01:00, 01:30, 02:00: the repeated hour in order.
    assert day.values[:6] == tuple(Decimal(v) for v in ("0.5", "0.25", "0.125", "1.5", "1.25", "2"))
    assert day.qualities[:6] == (Quality.ACTUAL,) * 3 + (Quality.ESTIMATED,) * 2 + (Quality.ACTUAL,)
    starts = [i.interval.start for i in day.intervals()][:6]
    assert starts == [datetime(2024, 10, 26, 23, 0, tzinfo=UTC) + k * HH for k in range(6)]
    assert day.qualities[6:] == (Quality.MISSING,) * 44 and day.source.line == 2


def test_never_recognised_and_plain_parse_asks_for_a_mapping() -> None:
    assert not recognises("mpan,at,kwh", "mpan,at,kwh\n", "x.csv")
    [rejection] = list(parse(io.BytesIO(b"a,b\n"), FILE_ID, "x.csv", None))
    assert isinstance(rejection, Rejection) and rejection.reason_code == "MAPPING_REQUIRED"


# --- time ----------------------------------------------------------------------------------------


def test_start_and_end_labels_name_the_same_interval() -> None:
    start = run(mapping(), ["mpan,at,kwh", f"{MPAN},2024-06-01T00:30,1"])
    end = run(mapping(timestamp={"marks": "end"}), ["mpan,at,kwh", f"{MPAN},2024-06-01T01:00,1"])
    assert split(start)[0][0].values == split(end)[0][0].values
    assert split(start)[0][0].values[1] == Decimal(1)


def test_an_end_label_at_midnight_belongs_to_the_day_before() -> None:
    [day], _ = split(
        run(mapping(timestamp={"marks": "end"}), ["mpan,at,kwh", f"{MPAN},2024-06-02T00:00,1"])
    )
    assert (day.read_on, day.values[-1]) == (date(2024, 6, 1), Decimal(1))


def test_an_offset_that_agrees_with_the_zone_resolves_the_repeated_hour_exactly() -> None:
    rows = ["mpan,at,kwh", f"{MPAN},2024-10-27T01:00+00:00,2", f"{MPAN},2024-10-27T01:00+01:00,1"]
    [day], rejections = split(run(mapping(), rows))  # GMT copy first: order does not matter now
    assert rejections == []
    assert (day.values[2], day.values[4]) == (Decimal(1), Decimal(2))


def test_an_offset_that_contradicts_the_zone_is_rejected_unless_it_may_win() -> None:
    rows = ["mpan,at,kwh", f"{MPAN},2024-06-01T00:30+00:00,1"]  # June: London is +01:00
    assert reasons(mapping(), rows) == [(2, "ZONE_OFFSET_MISMATCH")]
    [day], _ = split(run(mapping(timestamp={"marks": "start", "use_offset": True}), rows))
    assert day.values[3] == Decimal(1)  # 00:30Z is 01:30 BST


def test_a_time_the_spring_change_skips_is_rejected() -> None:
    rows = ["mpan,at,kwh", f"{MPAN},2024-03-31 01:30,1", f"{MPAN},2024-03-31 02:00,2"]
    [day], rejections = split(run(mapping(), rows))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(2, "NONEXISTENT_LOCAL_TIME")]
    assert (len(day.values), day.values[2]) == (46, Decimal(2))


def test_date_and_period_columns_with_a_day_first_date_format() -> None:
    m = mapping(
        columns={"supply_point": "mpan", "date": "day", "period": "sp", "value": "kwh"},
        timestamp={},
        date_format="%d/%m/%Y",
    )
    [day], rejections = split(
        run(m, ["mpan,day,sp,kwh", f"{MPAN},27/10/2024,50,1", f"{MPAN},27/10/2024,51,1"])
    )
    assert [(r.source.line, r.reason_code) for r in rejections] == [(3, "BAD_PERIOD")]
    assert day.values[49] == Decimal(1)


def test_quarter_hours_in_berlin_and_nem_time() -> None:
    berlin = mapping(market="OTHER", timezone="Europe/Berlin", interval_minutes=15)
    [day], _ = split(run(berlin, ["mpan,at,kwh", "MeLo-1,2024-10-27T02:45,1"]))
    assert len(day.values) == 100 and day.values[11] == Decimal(1)  # first 02:45 (CEST)
    nem = mapping(market="AU", timezone="NEM", interval_minutes=5)
    [day], _ = split(run(nem, ["mpan,at,kwh", "VABD000163,2024-01-07T00:05,1"]))
    assert (day.zone, len(day.values), day.values[1]) == ("NEM", 288, Decimal(1))


def test_a_row_off_the_days_grid_is_an_interval_read() -> None:
    [read] = run(mapping(), ["mpan,at,kwh", f"{MPAN},2024-06-01T00:10,1"])
    assert isinstance(read, IntervalRead)
    assert read.interval.start == datetime(2024, 5, 31, 23, 10, tzinfo=UTC)


# --- columns, units, directions --------------------------------------------------------------------


def test_positional_columns_without_header_a_unit_column_and_directions_by_channel() -> None:
    m = mapping(
        csv={"header": False, "delimiter": "\t"},
        columns={"supply_point": 1, "timestamp": 2, "channel": 3, "value": 4, "unit": 5},
        unit=None,
        channel=None,
        direction=None,
        direction_map={"AI": "import", "AE": "export"},
    )
    rows = [f"{MPAN}\t2024-06-01T00:00\tAI\t1500\tWh", f"{MPAN}\t2024-06-01T00:00\tAE\t2\tkWh"]
    rows.append(f"{MPAN}\t2024-06-01T00:00\tRQ\t2\tkWh")
    days, rejections = split(run(m, rows))
    assert [(d.channel, d.direction, d.values[0], d.source_unit) for d in days] == [
        ("AI", Direction.IMPORT, Decimal("1.500"), "Wh"),
        ("AE", Direction.EXPORT, Decimal(2), "kWh"),
    ]
    assert [(r.source.line, r.reason_code) for r in rejections] == [(3, "BAD_DIRECTION")]


def test_a_direction_column_with_its_map() -> None:
    m = mapping(
        columns={"supply_point": "mpan", "timestamp": "at", "value": "kwh", "direction": "flow"},
        direction=None,
        direction_map={"I": "import", "E": "export"},
    )
    [day], _ = split(run(m, ["mpan,at,kwh,flow", f"{MPAN},2024-06-01T00:00,1,E"]))
    assert day.direction == Direction.EXPORT


def test_decimal_commas_and_semicolons() -> None:
    m = mapping(csv={"delimiter": ";", "decimal_separator": ","})
    rows = ["mpan;at;kwh", f"{MPAN};2024-06-01T00:00;1,25", f"{MPAN};2024-06-01T00:30;1.250,5"]
    [day], rejections = split(run(m, rows))
    assert day.values[0] == Decimal("1.25")
    assert [(r.source.line, r.reason_code) for r in rejections] == [(3, "BAD_VALUE")]


def test_a_quality_column_with_its_map_and_empty_values() -> None:
    m = mapping(
        columns={"supply_point": "mpan", "timestamp": "at", "value": "kwh", "quality": "q"},
        quality_map={"ok": "actual", "est": "estimated", "": "unknown"},
    )
    rows = ["mpan,at,kwh,q", f"{MPAN},2024-06-01T00:00,1,ok", f"{MPAN},2024-06-01T00:30,,est"]
    rows += [f"{MPAN},2024-06-01T01:00,2,", f"{MPAN},2024-06-01T01:30,2,bad"]
    [day], rejections = split(run(m, rows))
    assert day.qualities[:4] == (Quality.ACTUAL, Quality.NULL, Quality.UNKNOWN, Quality.MISSING)
    assert day.source_flags[:3] == ("ok", "est", "")
    assert [(r.source.line, r.reason_code) for r in rejections] == [(5, "BAD_QUALITY")]


# --- grouping -------------------------------------------------------------------------------------


def test_interleaved_supply_points_and_days_in_any_order_make_one_day_each() -> None:
    rows = ["mpan,at,kwh"]
    for k in (3, 1, 2):
        for spid in (MPAN, MPAN2):
            rows.append(f"{spid},2024-06-0{k}T12:00,{k}")
    days, rejections = split(run(mapping(), rows))
    assert rejections == []
    assert sorted((d.supply_point_id, d.read_on.day) for d in days) == sorted(
        (s, k) for s in (MPAN, MPAN2) for k in (1, 2, 3)
    )


def test_beyond_max_open_days_a_day_comes_as_partial_days_that_keep_every_value() -> None:
    rows = ["mpan,at,kwh", f"{MPAN},2024-06-01T00:00,1", f"{MPAN2},2024-06-01T00:00,2"]
    rows.append(f"{MPAN},2024-06-01T00:30,3")  # its day was flushed when MPAN2's opened
    days, _ = split(run(mapping(max_open_days=1), rows))
    assert [(d.supply_point_id, d.values[:2]) for d in days] == [
        (MPAN, (Decimal(1), None)),
        (MPAN2, (Decimal(2), None)),
        (MPAN, (None, Decimal(3))),
    ]


def test_duplicates() -> None:
    rows = ["mpan,at,kwh", f"{MPAN},2024-06-01T00:00,1", f"{MPAN},2024-06-01T00:00,1.0"]
    rows.append(f"{MPAN},2024-06-01T00:00,2")
    [day], rejections = split(run(mapping(), rows))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(4, "DUPLICATE_INTERVAL")]
    assert day.values[0] == Decimal(1) and "from line 2" in rejections[0].message


# --- rejections ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("2248274887875,2024-06-01T00:00,1", "INVALID_SUPPLY_POINT"),
        (f"{MPAN},2024-06-01T00:00", "MISSING_FIELDS"),
        (f"{MPAN},01/06/2024 00:00,1", "BAD_TIMESTAMP"),
        (f"{MPAN},2024-06-01T00:00,1e3", "BAD_VALUE"),
        (f"{MPAN},2024-06-01T00:00,0.0000001", "PRECISION_EXCEEDED"),
        (f"{MPAN},2024-06-01T00:00,\udcff", "BAD_ENCODING"),
    ],
)
def test_row_rejections(row: str, reason: str) -> None:
    days, rejections = split(run(mapping(), ["mpan,at,kwh", row, f"{MPAN},2024-06-01T01:00,5"]))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(2, reason)]
    assert days[0].values[2] == Decimal(5)


def test_unit_and_channel_cells() -> None:
    m = mapping(
        columns={
            "supply_point": "mpan",
            "timestamp": "at",
            "value": "kwh",
            "unit": "u",
            "channel": "c",
        },
        unit=None,
        channel=None,
    )
    rows = [
        "mpan,at,kwh,u,c",
        f"{MPAN},2024-06-01T00:00,1,litres,AI",
        f"{MPAN},2024-06-01T00:00,1,kWh,",
    ]
    assert reasons(m, rows) == [(2, "UNKNOWN_UNIT"), (3, "BAD_CHANNEL")]


def test_a_header_without_a_mapped_column_rejects_the_file() -> None:
    assert reasons(mapping(), ["mpan,time,kwh", f"{MPAN},2024-06-01T00:00,1"]) == [
        (1, "MISSING_COLUMN")
    ]


def test_us_and_other_markets_take_any_printable_id() -> None:
    [day], _ = split(
        run(
            mapping(market="US", timezone="America/New_York"),
            ["mpan,at,kwh", "SDP 42,2024-06-01T00:00,1"],
        )
    )
    assert (day.supply_point_id, day.market, day.zone) == ("SDP 42", "US", "America/New_York")


def test_a_line_the_csv_module_refuses_is_rejected_and_reading_goes_on() -> None:
    huge = "x" * 200_000  # over csv's default field size limit (131072)
    rows = ["mpan,at,kwh", f'{MPAN},2024-06-01T00:00,"{huge}"', f"{MPAN},2024-06-01T00:30,1"]
    days, rejections = split(run(mapping(), rows))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(2, "BAD_CSV")]
    assert days[0].values[1] == Decimal(1)
