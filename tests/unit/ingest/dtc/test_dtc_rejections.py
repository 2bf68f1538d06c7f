"""Every DTC rejection reason: its line, its code, and that the rest of the file still goes through."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.unit.ingest.dtc.dtc_files import (
    DTC_FILE_ID,
    FILE_ID,
    HEADER,
    MPAN_A,
    MPAN_B,
    d0010,
    meter,
    mpan,
    parse,
    reading,
    reasons,
)

from meter2cash.domain.reads import Rejection
from meter2cash.ingest.dtc import parse_lines

# --- the file and its header ---------------------------------------------------------------------


@pytest.mark.parametrize("lines", [[], ["", "   ", "\r\n"]])
def test_an_empty_file_is_one_rejection(lines: list[str]) -> None:
    reads, rejections = parse(lines)
    assert (reads, reasons(rejections)) == ([], [(1, "EMPTY_FILE")])


def test_a_file_without_zhv_is_rejected_once_and_not_read() -> None:
    reads, rejections = parse(["", mpan(), meter(), reading()])
    assert (reads, reasons(rejections)) == ([], [(2, "MISSING_HEADER")])
    assert rejections[0].offending_text == mpan()


@pytest.mark.parametrize(
    ("flow", "named"),
    [("D0036001", "flow D0036 version 001"), ("D0010003", "flow D0010 version 003")],
)
def test_a_flow_without_layout_is_one_unsupported_flow_naming_it(flow: str, named: str) -> None:
    header = HEADER.replace("D0010002", flow)
    reads, rejections = parse(d0010("101|1014568234275|AI|GMTR|", "102|20260604|", header=header))
    assert (reads, reasons(rejections)) == ([], [(1, "UNSUPPORTED_FLOW")])
    assert named in rejections[0].message
    assert "has no layout" in rejections[0].message


def test_a_zhv_without_a_readable_flow_stops_the_file() -> None:
    header = f"ZHV|{DTC_FILE_ID}|D10|D|UDMS|X|MRCY|20240302153151||||OPER|"
    reads, rejections = parse(d0010(mpan(), meter(), reading(), header=header))
    assert (reads, reasons(rejections)) == ([], [(1, "BAD_HEADER")])


def test_other_zhv_defects_are_reported_and_the_groups_still_read() -> None:
    header = f"ZHV|{DTC_FILE_ID}|D0010002|D|UDMS|X|MRCY|20241399000000||||OPER|"
    reads, rejections = parse(d0010(mpan(), meter(), reading(), header=header))
    assert len(reads) == 1
    assert reasons(rejections) == [(1, "BAD_HEADER")]
    assert "File Creation Timestamp" in rejections[0].message


def test_no_groups_between_header_and_trailer_is_no_data() -> None:
    reads, rejections = parse(d0010())
    assert (reads, reasons(rejections)) == ([], [(2, "NO_DATA")])


# --- group lines against the layout --------------------------------------------------------------


def test_an_unknown_group_is_rejected_and_the_readings_around_it_kept() -> None:
    lines = d0010(mpan(), meter(), "031|X|", reading(), "ABC|1|")
    reads, rejections = parse(lines)
    assert len(reads) == 1
    assert reasons(rejections) == [(4, "UNKNOWN_GROUP"), (6, "UNKNOWN_GROUP")]
    assert "'031'" in rejections[0].message


def test_a_reading_without_its_meter_group_is_misplaced() -> None:
    lines = d0010(mpan(), reading(value="1"), meter(), reading(value="2"))
    reads, rejections = parse(lines)
    assert [r.value for r in reads] == [Decimal(2)]
    assert reasons(rejections) == [(3, "MISPLACED_GROUP")]
    assert "belongs under a 028" in rejections[0].message


def test_readings_under_a_misplaced_meter_are_rejected_with_their_cause() -> None:
    lines = d0010(meter("LOST"), reading(value="1"), reading(value="2"), mpan(), meter(), reading())
    reads, rejections = parse(lines)
    assert [r.meter_serial for r in reads] == ["F75A 00802"]
    assert reasons(rejections) == [
        (2, "MISPLACED_GROUP"),
        (3, "PARENT_REJECTED"),
        (4, "PARENT_REJECTED"),
    ]
    assert "line 2" in rejections[1].message and "MISPLACED_GROUP" in rejections[1].message


def test_a_group_out_of_catalogue_order_is_misplaced() -> None:
    lines = d0010(mpan(), meter(), reading(), "027|01||", meter("M2"), reading())
    reads, rejections = parse(lines)
    assert len(reads) == 2
    assert reasons(rejections) == [(5, "MISPLACED_GROUP")]
    assert "027 comes first" in rejections[0].message


def test_a_second_zhv_is_misplaced_and_the_groups_after_it_read() -> None:
    lines = d0010(mpan(), meter(), reading(), HEADER, mpan(MPAN_B), meter(), reading())
    reads, rejections = parse(lines)
    assert [r.supply_point_id for r in reads] == [MPAN_A, MPAN_B]
    # The ZHV is not a group line, so the trailer (built over 7 "groups") counts one too many.
    assert reasons(rejections) == [(5, "MISPLACED_GROUP"), (9, "BAD_TRAILER_COUNT")]


def test_groups_missing_under_a_parent_are_reported_on_the_parent() -> None:
    lines = d0010(mpan(MPAN_A), mpan(MPAN_B), meter("EMPTY"), meter(), reading())
    reads, rejections = parse(lines)
    assert len(reads) == 1
    assert reasons(rejections) == [(2, "MISSING_GROUP"), (4, "MISSING_GROUP")]
    assert "0 028 (Meter/Reading Types)" in rejections[0].message
    assert "0 030 (Register Readings)" in rejections[1].message


# --- fields --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "code", "says"),
    [
        (reading(value=""), "MISSING_FIELDS", "Register Reading (J0040)"),
        (reading(register=" "), "MISSING_FIELDS", "Meter Register Id (J0010)"),
        (reading() + "extra|", "TOO_MANY_FIELDS", "non-blank fields"),
        (reading(flag="Y"), "BAD_CODE", "Meter Reading Flag (J0045) 'Y'"),
        (reading(register="S1X"), "FIELD_TOO_LONG", "at most 2"),
        (reading(at="2024022200000"), "BAD_DATE", "CCYYMMDDHHMMSS or CCYYMMDD"),
        (reading(at="20240230000000"), "BAD_DATE", "not a valid date-time"),
        (reading(at="20240331013000"), "BAD_DATE", "clocks went forward"),
        (reading(value="1,5"), "BAD_VALUE", "not a decimal number"),
        (reading(value="1e3"), "BAD_VALUE", "not a decimal number"),
        (reading(value=" 15"), "BAD_VALUE", "not a decimal number"),
        (reading(md="|x"), "BAD_VALUE", "Number of MD Resets (J1013) 'x'"),
        (reading(md="2024022200|"), "BAD_DATE", "MD Reset Date & Time"),
    ],
)
def test_a_bad_field_rejects_its_reading_only(line: str, code: str, says: str) -> None:
    reads, rejections = parse(d0010(mpan(), meter(), line, reading(value="7")))
    assert [r.value for r in reads] == [Decimal(7)]
    assert reasons(rejections) == [(4, code)]
    assert says in rejections[0].message
    assert rejections[0].offending_text == line


def test_a_bad_meter_line_rejects_it_and_each_reading_under_it() -> None:
    lines = d0010(
        mpan(), meter(reading_type="E"), reading(), reading(value="x"), meter(), reading()
    )
    reads, rejections = parse(lines)
    assert len(reads) == 1
    assert reasons(rejections) == [(3, "BAD_CODE"), (5, "BAD_VALUE"), (4, "PARENT_REJECTED")]


def test_bytes_that_are_not_utf8_reject_their_line() -> None:
    bad = reading().replace("N|", "N\udcff|")
    lines = d0010(mpan(), meter(), bad, reading(), "0\udcff9|x|")
    reads, rejections = parse(lines)
    assert len(reads) == 1
    assert reasons(rejections) == [(4, "BAD_ENCODING"), (6, "BAD_ENCODING")]
    assert "\\xff" in rejections[0].offending_text


# --- mapping to register reads -------------------------------------------------------------------


@pytest.mark.parametrize(
    "core", ["1030006718990", "103000671899", "1030 006718997", "9930006718997", "ABCDEFGHIJKLM"]
)
def test_an_invalid_mpan_rejects_its_group_and_every_reading_under_it(core: str) -> None:
    lines = d0010(mpan(core), meter(), reading(), reading(), mpan(MPAN_B), meter(), reading())
    reads, rejections = parse(lines)
    assert [r.supply_point_id for r in reads] == [MPAN_B]
    assert reasons(rejections) == [
        (2, "INVALID_MPAN"),
        (4, "PARENT_REJECTED"),
        (5, "PARENT_REJECTED"),
    ]


def test_a_maximum_demand_reading_is_not_stored_as_energy() -> None:
    lines = d0010(
        mpan(), meter(), reading("MD", md="20240222000000|1", value="12.5"), reading(value="9")
    )
    reads, rejections = parse(lines)
    assert [r.value for r in reads] == [Decimal(9)]
    assert reasons(rejections) == [(4, "MAXIMUM_DEMAND_READING")]


def test_more_than_six_decimal_places_is_precision_exceeded() -> None:
    lines = d0010(mpan(), meter(), reading(value="1.0000001"), reading(value="1.000001"))
    reads, rejections = parse(lines)
    assert [r.value for r in reads] == [Decimal("1.000001")]
    assert reasons(rejections) == [(4, "PRECISION_EXCEEDED")]


# --- the ZPT trailer -----------------------------------------------------------------------------


def test_a_matching_trailer_gives_no_rejection() -> None:
    lines = d0010(mpan(), meter(), reading(), mpan(MPAN_B), meter(), reading(), reading())
    assert lines[-1] == f"ZPT|{DTC_FILE_ID}|7||2|20240302154650|"
    assert parse(lines)[1] == []


@pytest.mark.parametrize(
    ("group_count", "flow_count", "says"),
    [
        (4, None, "Total Group Count 4 but 3 group lines"),
        (None, 2, "Flow Count 2 but 1 026 groups"),
        (2, 0, "Total Group Count 2 but 3 group lines; Flow Count 0 but 1 026 groups"),
    ],
)
def test_trailer_counts_that_differ_are_one_rejection_and_the_data_is_kept(
    group_count: int | None, flow_count: int | None, says: str
) -> None:
    lines = d0010(mpan(), meter(), reading(), group_count=group_count, flow_count=flow_count)
    reads, rejections = parse(lines)
    assert len(reads) == 1
    assert reasons(rejections) == [(5, "BAD_TRAILER_COUNT")]
    assert says in rejections[0].message


def test_a_blank_flow_count_is_not_reconciled() -> None:
    assert parse(d0010(mpan(), meter(), reading(), flow_count=""))[1] == []


def test_every_line_counts_for_the_trailer_even_a_rejected_one() -> None:
    lines = d0010(mpan(), meter(), "031|?|", reading(value="x"))
    assert [code for _, code in reasons(parse(lines)[1])] == ["UNKNOWN_GROUP", "BAD_VALUE"]


@pytest.mark.parametrize(
    ("trailer", "says"),
    [
        (f"ZPT|{DTC_FILE_ID}|three||1|20240302154650|", "Total Group Count"),
        (f"ZPT|{DTC_FILE_ID}|", "Total Group Count"),
        (f"ZPT|{DTC_FILE_ID}|3||1|2024|", "File Completion Timestamp"),
        ("ZPT|0000000099|3||1|20240302154650|", "the trailer of another file"),
    ],
)
def test_a_malformed_trailer_is_bad_trailer(trailer: str, says: str) -> None:
    lines = [*d0010(mpan(), meter(), reading(), trailer=False), trailer]
    reads, rejections = parse(lines)
    assert len(reads) == 1
    assert reasons(rejections) == [(5, "BAD_TRAILER")]
    assert says in rejections[0].message


def test_a_file_without_trailer_keeps_its_readings_and_says_it_may_be_truncated() -> None:
    lines = d0010(mpan(), meter(), reading(), reading(value="2"), trailer=False)
    reads, rejections = parse([*lines, ""])
    assert len(reads) == 2
    assert reasons(rejections) == [(5, "MISSING_TRAILER")]


def test_lines_after_the_trailer_are_rejected_one_by_one() -> None:
    second = d0010(mpan(MPAN_B), meter(), reading())
    reads, rejections = parse([*d0010(mpan(), meter(), reading()), "", *second])
    assert [r.supply_point_id for r in reads] == [MPAN_A]
    assert reasons(rejections) == [(line, "RECORD_AFTER_TRAILER") for line in range(7, 12)]


def test_rejections_name_the_file_and_keep_the_offending_text() -> None:
    items = list(parse_lines(d0010(mpan(), meter(), "031|x|"), FILE_ID, "in.uff", "m.uff"))
    rejection = items[0]  # the unknown group; the meter without reading follows
    assert isinstance(rejection, Rejection)
    assert (rejection.source.line, rejection.reason_code) == (4, "UNKNOWN_GROUP")
    assert rejection.file_name == "in.uff"
    assert rejection.source.segment == "m.uff"
    assert rejection.offending_text == "031|x|"
