"""NEM12 parser over small inline files: values, flags, time, and every rejection reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, Rejection, SourceRef
from meter2cash.ingest import parse_nem12

FILE_ID = "f" * 64
HEADER = "100,NEM12,200405011135,MDA1,Ret1"
BLOCK = "200,VABD000163,E1Q1,1,E1,N1,METSER123,kWh,30,"


def rec300(
    values: list[str] | None = None,
    qm: str = "A",
    on: str = "20040201",
    reason: str = "",
    tail: str = ",,20040202120025,20040203010101",
) -> str:
    """A 300 record; ``tail`` holds ,ReasonDescription,UpdateDateTime,MSATSLoadDateTime."""
    values = values if values is not None else ["1.111"] * 48
    return f"300,{on},{','.join(values)},{qm},{reason}{tail}"


def nem12(*records: str, header: bool = True, end: bool = True) -> list[str]:
    return ([HEADER] if header else []) + list(records) + (["900"] if end else [])


def parse(lines: list[str], segment: str | None = None) -> tuple[list[ChannelDay], list[Rejection]]:
    items = list(parse_nem12(lines, FILE_ID, "test.csv", segment))
    days = [item for item in items if isinstance(item, ChannelDay)]
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert len(days) + len(rejections) == len(items)
    return days, rejections


def only_rejection(lines: list[str]) -> Rejection:
    days, rejections = parse(lines)
    assert days == []
    assert len(rejections) == 1, [str(r) for r in rejections]
    return rejections[0]


# --- what a sound file becomes -------------------------------------------------------------------


def test_a_300_record_becomes_one_channel_day_with_exact_values_and_source() -> None:
    values = [f"{k}.{k:03d}" for k in range(48)]
    days, rejections = parse(nem12(BLOCK, rec300(values)))
    assert rejections == []
    [day] = days
    assert day.values == tuple(Decimal(v) for v in values)
    assert day.supply_point_id == "VABD000163"
    assert (day.market, day.channel, day.direction) == ("AU", "E1", Direction.IMPORT)
    assert (day.unit, day.source_unit, day.meter_serial) == (Unit.KWH, "kWh", "METSER123")
    assert (day.read_on, day.zone, day.interval_minutes) == (date(2004, 2, 1), "NEM", 30)
    assert day.qualities == (Quality.ACTUAL,) * 48
    assert day.methods == (None,) * 48 and day.reasons == (None,) * 48
    assert day.source_flags == ("A",) * 48
    assert day.source == SourceRef(FILE_ID, 3, None)


def test_nem_time_is_fixed_utc_plus_10_so_a_day_starts_at_14_utc_the_day_before() -> None:
    [day], _ = parse(nem12(BLOCK, rec300(on="20040201")))
    first = next(day.intervals())
    assert first.interval.start == datetime(2004, 1, 31, 14, 0, tzinfo=UTC)
    assert first.interval.end == datetime(2004, 1, 31, 14, 30, tzinfo=UTC)
    assert day.span.end == datetime(2004, 2, 1, 14, 0, tzinfo=UTC)
    # No daylight saving in market time: a January (AEDT) day is 48 half-hours like any other.
    [summer], _ = parse(nem12(BLOCK, rec300(on="20240107")))
    assert summer.span.start == datetime(2024, 1, 6, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize("minutes", [5, 10, 15, 30])
def test_each_allowed_interval_length_tiles_the_day(minutes: int) -> None:
    block = f"200,VABD000163,E1,1,E1,N1,M1,kWh,{minutes},"
    [day], rejections = parse(nem12(block, rec300(["0.5"] * (1440 // minutes))))
    assert rejections == []
    assert day.interval_minutes == minutes
    assert len(day.values) == day.expected_intervals == 1440 // minutes


@pytest.mark.parametrize(
    ("uom", "raw", "unit", "value"),
    [
        ("kWh", "1.5", Unit.KWH, Decimal("1.5")),
        ("Wh", "10", Unit.KWH, Decimal("0.010")),
        ("WH", "1234.567", Unit.KWH, Decimal("1.234567")),
        ("MWh", "0.000001", Unit.KWH, Decimal("0.001")),
        ("kVArh", "2.222", Unit.KVARH, Decimal("2.222")),
        ("VARH", "50", Unit.KVARH, Decimal("0.05")),
        ("kvah", "3", Unit.KVAH, Decimal("3")),
    ],
)
def test_values_convert_exactly_to_the_canonical_unit(
    uom: str, raw: str, unit: Unit, value: Decimal
) -> None:
    block = f"200,VABD000163,E1,1,E1,N1,M1,{uom},30,"
    [day], _ = parse(nem12(block, rec300([raw] * 48)))
    assert (day.unit, day.source_unit) == (unit, uom)
    assert day.values == (value,) * 48


@pytest.mark.parametrize(
    ("suffix", "direction"),
    [
        ("E1", Direction.IMPORT),
        ("B2", Direction.EXPORT),
        ("Q1", Direction.REACTIVE_IMPORT),
        ("K1", Direction.REACTIVE_EXPORT),
        ("V1", Direction.OTHER),
        ("11", Direction.OTHER),
    ],
)
def test_direction_follows_the_first_letter_of_the_suffix(
    suffix: str, direction: Direction
) -> None:
    [day], _ = parse(nem12(f"200,VABD000163,E1,1,{suffix},N1,M1,kWh,30,", rec300()))
    assert (day.channel, day.direction) == (suffix, direction)


@pytest.mark.parametrize(
    ("qm", "quality", "method"),
    [
        ("A", Quality.ACTUAL, None),
        ("E52", Quality.ESTIMATED, "52"),
        ("F14", Quality.FINAL, "14"),
        ("S53", Quality.SUBSTITUTED, "53"),
        ("N", Quality.NULL, None),
    ],
)
def test_quality_method_of_a_whole_day(qm: str, quality: Quality, method: str | None) -> None:
    [day], _ = parse(nem12(BLOCK, rec300(qm=qm, reason="76" if qm != "A" else "")))
    assert day.qualities == (quality,) * 48
    assert day.methods == (method,) * 48
    assert day.reasons == ((None if qm == "A" else "76"),) * 48
    assert day.source_flags == (qm,) * 48


def test_a_v_day_takes_each_interval_quality_from_its_400_records() -> None:
    days, rejections = parse(
        nem12(
            BLOCK,
            rec300(qm="V"),
            "400,1,20,F14,76,",
            "400,21,24,A,,",
            "400,25,48,S53,1,Meter fault",
        )
    )
    assert rejections == []
    [day] = days
    assert (
        day.qualities == (Quality.FINAL,) * 20 + (Quality.ACTUAL,) * 4 + (Quality.SUBSTITUTED,) * 24
    )
    assert day.methods == ("14",) * 20 + (None,) * 4 + ("53",) * 24
    assert day.reasons == ("76",) * 20 + (None,) * 4 + ("1",) * 24
    assert day.source_flags == ("F14",) * 20 + ("A",) * 4 + ("S53",) * 24
    assert day.source.line == 3  # the 300 record, not its 400s


def test_400_records_may_come_in_any_order() -> None:
    [day], rejections = parse(nem12(BLOCK, rec300(qm="V"), "400,25,48,N,,", "400,1,24,A,,"))
    assert rejections == []
    assert day.qualities == (Quality.ACTUAL,) * 24 + (Quality.NULL,) * 24


def test_records_without_output_and_layout_variants_are_accepted() -> None:
    days, rejections = parse(
        [
            "",
            HEADER + ",,,,",  # padded with empty fields, as some exporters do
            "200,VABD000163,E1,1,E1,,,KWH,30",  # no NextScheduledReadDate; blank serial
            rec300(["-0.5"] * 48, tail=",,20040202120025"),  # no MSATSLoadDateTime; negatives
            "500,S,RETNSRVCEORD1,20031220154500,001123.5",  # B2B details: metadata, no output
            "",
            rec300(on="20040202", tail=",,20040202120025,20040203000000,,,"),
            "900,,,",
            "",
        ]
    )
    assert rejections == []
    assert [(d.read_on, d.source.line) for d in days] == [
        (date(2004, 2, 1), 4),
        (date(2004, 2, 2), 7),
    ]
    assert days[0].values[0] == Decimal("-0.5")  # negatives are validation's business
    assert days[0].meter_serial is None


def test_a_byte_order_mark_on_the_first_line_is_ignored() -> None:
    lines = nem12(BLOCK, rec300())
    days, rejections = parse(["\ufeff" + lines[0], *lines[1:]])
    assert (len(days), rejections) == (1, [])


def test_crlf_line_endings_and_segment_are_carried() -> None:
    lines = [line + "\r\n" for line in nem12(BLOCK, rec300())]
    [day], rejections = parse(lines, segment="member.csv")
    assert rejections == []
    assert day.source == SourceRef(FILE_ID, 3, "member.csv")


def test_parsing_streams_one_record_behind_the_input() -> None:
    consumed = 0

    def lines() -> Iterator[str]:
        nonlocal consumed
        for line in nem12(BLOCK, *(rec300(on=f"200402{d:02d}") for d in range(1, 29))):
            consumed += 1
            yield line

    items = parse_nem12(lines(), FILE_ID, "test.csv")
    first = next(items)
    assert isinstance(first, ChannelDay)
    assert consumed == 4  # header, 200, its 300, and the record that closes that day


@given(
    st.lists(
        st.decimals(min_value=-1000, max_value=100000, places=3, allow_nan=False),
        min_size=48,
        max_size=48,
    )
)
def test_any_three_decimal_values_round_trip_exactly(values: list[Decimal]) -> None:
    [day], rejections = parse(nem12(BLOCK, rec300([format(v, "f") for v in values])))
    assert rejections == []
    assert day.values == tuple(values)
    assert sum(day.values) == sum(values)


# --- every rejection reason ----------------------------------------------------------------------


def test_a_rejection_names_file_line_reason_and_the_offending_text_truncated() -> None:
    bad = rec300(["1.111"] * 47)
    [rejection] = parse(nem12(BLOCK, bad), segment="m.csv")[1]
    assert rejection.file_name == "test.csv"
    assert rejection.source == SourceRef(FILE_ID, 3, "m.csv")
    assert rejection.reason_code == "INTERVAL_COUNT_MISMATCH"
    assert "expected 48" in rejection.message and "found 47" in rejection.message
    assert len(rejection.offending_text) <= 200
    assert rejection.offending_text.startswith("300,20040201,1.111")


def test_the_rest_of_the_file_goes_through_after_a_bad_record() -> None:
    days, rejections = parse(
        nem12(
            BLOCK,
            rec300(on="20040201"),
            rec300(["x"] * 48, on="20040202"),
            rec300(on="20040203"),
        )
    )
    assert [d.read_on.day for d in days] == [1, 3]
    assert [(r.source.line, r.reason_code) for r in rejections] == [(4, "BAD_VALUE")]


def test_missing_header_is_rejected_at_line_1_and_the_records_are_still_read() -> None:
    days, rejections = parse(["", BLOCK, rec300(), "900"])
    assert [(r.source.line, r.reason_code) for r in rejections] == [(1, "MISSING_HEADER")]
    assert "line 2" in rejections[0].message
    assert rejections[0].offending_text == BLOCK
    assert len(days) == 1


@pytest.mark.parametrize(
    ("header", "words"),
    [("100,NEM13,200405011135,MDA1,Ret1", "NEM13"), ("100,NEM99,x", "NEM99")],
)
def test_a_header_naming_another_version_stops_the_file(header: str, words: str) -> None:
    rejection = only_rejection([header, BLOCK, rec300(), "900"])
    assert (rejection.source.line, rejection.reason_code) == (1, "UNSUPPORTED_FORMAT")
    assert words in rejection.message


def test_missing_end_record_rejects_but_keeps_complete_records() -> None:
    days, rejections = parse(nem12(BLOCK, rec300(on="20040201"), rec300(on="20040202"), end=False))
    assert [d.read_on.day for d in days] == [1, 2]
    assert [(r.source.line, r.reason_code) for r in rejections] == [(4, "MISSING_END_RECORD")]
    assert "truncated" in rejections[0].message


def test_records_after_the_end_record_are_rejected_one_by_one() -> None:
    days, rejections = parse([*nem12(BLOCK, rec300()), "", BLOCK, rec300(["9"] * 48), "900"])
    assert len(days) == 1 and days[0].values[0] == Decimal("1.111")
    assert [(r.source.line, r.reason_code) for r in rejections] == [
        (6, "RECORD_AFTER_END"),
        (7, "RECORD_AFTER_END"),
        (8, "RECORD_AFTER_END"),
    ]


def test_header_and_end_without_data_is_no_data() -> None:
    rejection = only_rejection([HEADER, "900"])
    assert (rejection.source.line, rejection.reason_code) == (2, "NO_DATA")


@pytest.mark.parametrize("lines", [[], ["", "  ", "\r\n"]])
def test_no_records_at_all_is_an_empty_file(lines: list[str]) -> None:
    assert only_rejection(lines).reason_code == "EMPTY_FILE"


@pytest.mark.parametrize(
    ("record", "words"),
    [
        ("250,VABD000163,11,1,11,11,M1,E,1,20040101,A,,,2,20040201,A,,,1,kWh,,,", "NEM13"),
        ("550,N,,A,", "NEM13"),
        (HEADER, "second 100"),
    ],
)
def test_records_of_the_wrong_place_are_unexpected(record: str, words: str) -> None:
    days, rejections = parse(nem12(BLOCK, rec300(on="20040201"), record, rec300(on="20040202")))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(4, "UNEXPECTED_RECORD")]
    assert words in rejections[0].message
    assert len(days) == 2


def test_an_unknown_record_indicator_is_rejected_and_leaves_the_day_open() -> None:
    days, rejections = parse(nem12(BLOCK, rec300(qm="V"), "11,33,21", "400,1,48,A,,"))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(4, "UNKNOWN_RECORD")]
    assert days[0].qualities == (Quality.ACTUAL,) * 48


@pytest.mark.parametrize(
    ("records", "line", "words"),
    [
        ([rec300()], 2, "300 record without a 200"),
        (["400,1,48,A,,"], 2, "400 record without a 300"),
        (["500,S,RETNSRVCEORD1,20031220154500,001123.5"], 2, "500 record without a 200"),
    ],
)
def test_orphan_records(records: list[str], line: int, words: str) -> None:
    days, rejections = parse([HEADER, *records, "900"])
    assert days == []
    assert (rejections[0].source.line, rejections[0].reason_code) == (line, "ORPHAN_RECORD")
    assert words in rejections[0].message


def test_a_400_after_a_day_that_is_not_v_rejects_the_day() -> None:
    days, rejections = parse(nem12(BLOCK, rec300(qm="A"), "400,1,48,E52,,", "400,1,48,A,,"))
    assert days == []
    assert [(r.source.line, r.reason_code) for r in rejections] == [(4, "UNEXPECTED_RECORD")]
    assert "line 3" in rejections[0].message


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        ("200,VABD00016,E1,1,E1,N1,M1,kWh,30,", "INVALID_NMI"),  # 9 characters
        ("200,VABD0001634,E1,1,E1,N1,M1,kWh,30,", "INVALID_NMI"),  # 11
        ("200,VABD-00163,E1,1,E1,N1,M1,kWh,30,", "INVALID_NMI"),
        ("200,,E1,1,E1,N1,M1,kWh,30,", "INVALID_NMI"),
        ("200,VABD000163,E1,1,E,N1,M1,kWh,30,", "INVALID_SUFFIX"),
        ("200,VABD000163,E1,1,,N1,M1,kWh,30,", "INVALID_SUFFIX"),
        ("200,VABD000163,E1,1,E1,N1,M1,kWh,20,", "INVALID_INTERVAL_LENGTH"),
        ("200,VABD000163,E1,1,E1,N1,M1,kWh,x,", "INVALID_INTERVAL_LENGTH"),
        (
            "200,VABD000163,E1,1,E1,N1,M1,kWh,\uff13\uff10,",
            "INVALID_INTERVAL_LENGTH",
        ),  # full-width 30
        ("200,VABD000163,E1,1,E1,N1,M1,,30,", "UNKNOWN_UNIT"),
        ("200,VABD000163,E1,1,V1,N1,M1,V,30,", "UNKNOWN_UNIT"),
        ("200,VABD000163,E1,1,E1,N1,M1,kWh", "MISSING_FIELDS"),
    ],
)
def test_a_bad_200_rejects_its_block_and_each_sound_300_in_it(block: str, reason: str) -> None:
    days, rejections = parse(
        nem12(block, rec300(on="20040201"), rec300(on="20040202"), BLOCK, rec300(on="20040203"))
    )
    assert [(r.source.line, r.reason_code) for r in rejections] == [
        (2, reason),
        (3, "BLOCK_REJECTED"),
        (4, "BLOCK_REJECTED"),
    ]
    assert f"line 2 was rejected ({reason})" in rejections[1].message
    assert [d.read_on.day for d in days] == [3]  # the next block is read again


def test_a_300_in_a_rejected_block_reports_its_own_defect_first() -> None:
    bad_nmi = "200,123,E1,1,E1,,,kWh,15,"
    _, rejections = parse(
        nem12(bad_nmi, rec300(["1"] * 48), rec300(["1"] * 96, qm="V"), "400,1,48,A,,")
    )
    assert [(r.source.line, r.reason_code) for r in rejections] == [
        (2, "INVALID_NMI"),
        (3, "INTERVAL_COUNT_MISMATCH"),
        (4, "BAD_400_COVERAGE"),
    ]


@pytest.mark.parametrize(
    ("record", "reason", "words"),
    [
        (rec300(on="20040231"), "BAD_DATE", "'20040231'"),
        (rec300(on="2004021"), "BAD_DATE", "YYYYMMDD"),
        (rec300(qm="X"), "BAD_QUALITY_METHOD", "'X'"),
        (rec300(qm="E"), "BAD_QUALITY_METHOD", "'E'"),  # E/F/S need a method
        (rec300(qm="A52"), "BAD_QUALITY_METHOD", "'A52'"),
        (rec300(qm="V1"), "BAD_QUALITY_METHOD", "'V1'"),
        (rec300(["1"] * 47), "INTERVAL_COUNT_MISMATCH", "found 47"),
        (rec300(["1"] * 49), "INTERVAL_COUNT_MISMATCH", "found 49"),
        ("300,20040201,V,,,20040202120025,", "INTERVAL_COUNT_MISMATCH", "found 0"),
        ("300,20040201,", "MISSING_FIELDS", "no QualityMethod"),
        (rec300(tail=""), "MISSING_FIELDS", "ends after 2"),
        (rec300(tail=",,20040202120025,2004020300000,x"), "TOO_MANY_FIELDS", "after MSATS"),
        (rec300(["1"] * 47 + ["abc"]), "BAD_VALUE", "interval 48 value 'abc'"),
        (rec300([""] + ["1"] * 47), "BAD_VALUE", "interval 1 value ''"),
        (rec300(["1.2.3"] + ["1"] * 47), "BAD_VALUE", "'1.2.3'"),
        (rec300(["1e3"] + ["1"] * 47), "BAD_VALUE", "'1e3'"),
        (rec300(["1_000"] + ["1"] * 47), "BAD_VALUE", "'1_000'"),
        (rec300(["NaN"] + ["1"] * 47), "BAD_VALUE", "'NaN'"),
        (rec300(["+1"] + ["1"] * 47), "BAD_VALUE", "'+1'"),
        (rec300(["1"] * 47 + ["0.1234567"]), "PRECISION_EXCEEDED", "interval 48 value 0.1234567"),
    ],
)
def test_a_bad_300_is_rejected_with_a_precise_reason(record: str, reason: str, words: str) -> None:
    rejection = only_rejection(nem12(BLOCK, record))
    assert (rejection.source.line, rejection.reason_code) == (3, reason)
    assert words in rejection.message


def test_precision_is_judged_on_the_exact_value_in_the_canonical_unit() -> None:
    # Seven written decimals that are trailing zeros are exact; Wh carries three more places.
    [day], rejections = parse(nem12(BLOCK, rec300(["1.0000000"] * 48)))
    assert rejections == [] and day.values[0] == 1
    wh = "200,VABD000163,E1,1,E1,N1,M1,Wh,30,"
    [day], rejections = parse(nem12(wh, rec300(["0.001"] * 48)))
    assert rejections == [] and day.values[0] == Decimal("0.000001")
    rejection = only_rejection(nem12(wh, rec300(["0.0001"] * 48)))
    assert rejection.reason_code == "PRECISION_EXCEEDED"
    assert "Wh has more than 6 decimal places of kWh" in rejection.message


@pytest.mark.parametrize(
    ("events", "line", "reason", "words"),
    [
        (["400,1,x,A,,"], 4, "BAD_400_RECORD", "'x'"),
        (["400,1,\uff14\uff18,A,,"], 4, "BAD_400_RECORD", "are not interval numbers"),
        (["400,0,48,A,,"], 4, "BAD_400_RECORD", "0-48"),
        (["400,30,20,A,,"], 4, "BAD_400_RECORD", "30-20"),
        (["400,1,48,V,,"], 4, "BAD_400_RECORD", "'V'"),
        (["400,1,48,S,,"], 4, "BAD_400_RECORD", "'S'"),
        (["400,1,48"], 4, "MISSING_FIELDS", "3 fields"),
        (["400,1,48,A,,,x"], 4, "TOO_MANY_FIELDS", "ReasonDescription"),
        (["400,1,24,A,,", "400,26,48,A,,"], 3, "BAD_400_COVERAGE", "intervals 25-25"),
        (["400,1,24,A,,"], 3, "BAD_400_COVERAGE", "intervals 25-48"),
        (["400,1,24,A,,", "400,20,48,A,,"], 3, "BAD_400_COVERAGE", "overlaps"),
        (["400,1,50,A,,"], 3, "BAD_400_COVERAGE", "ends at interval 50"),
        ([], 3, "BAD_400_COVERAGE", "no 400 records"),
    ],
)
def test_a_v_day_with_bad_400_records_is_rejected(
    events: list[str], line: int, reason: str, words: str
) -> None:
    days, rejections = parse(nem12(BLOCK, rec300(qm="V"), *events, rec300(on="20040202")))
    assert [d.read_on.day for d in days] == [2]  # the next day is read
    assert [(r.source.line, r.reason_code) for r in rejections] == [(line, reason)]
    assert words in rejections[0].message
    assert "2004-02-01" in rejections[0].message


def test_bytes_that_are_not_utf8_reject_their_line_and_what_it_belongs_to() -> None:
    bad_block = "200,VABD000163,E1,1,E1,N1,M\udcff1,kWh,30,"  # as decoded with surrogateescape
    days, rejections = parse(
        nem12(
            BLOCK,
            rec300(on="20040201"),
            bad_block,
            rec300(on="20040202"),
            "300,20040203,\udcff",
            "400,1,48,A,,",
        )
    )
    assert [d.read_on.day for d in days] == [1]
    assert [(r.source.line, r.reason_code) for r in rejections] == [
        (4, "BAD_ENCODING"),
        (5, "BLOCK_REJECTED"),
        (6, "BAD_ENCODING"),
    ]
    assert "\\xff" in rejections[0].offending_text  # stored as readable, valid text
