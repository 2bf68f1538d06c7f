"""NEM13 parser over small inline files: register reads, flags, time, the Quantity check and every
rejection reason."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Quality, RegisterRead, Rejection, SourceRef
from meter2cash.ingest.nem13 import parse, parse_nem13, recognises

FILE_ID = "e" * 64
HEADER = "100,NEM13,200401101030,MDA1,Ret1"
NMI = "VABC005890"


def rec250(
    previous: str = "006342.8",
    current: str = "007654.9",
    quantity: str = "1312.1",
    direction: str = "E",
    previous_qm: str = "A",
    current_qm: str = "A",
    unit: str = "kWh",
    nmi: str = NMI,
    suffix: str = "11",
    previous_at: str = "20031005093055",
    current_at: str = "20040107100333",
    current_reason: str = "",
    tail: str = ",20040407,20040108100333,20040108091133",
) -> str:
    return (
        f"250,{nmi},11,1,{suffix},11,METSER123,{direction},{previous},{previous_at},{previous_qm},,,"
        f"{current},{current_at},{current_qm},{current_reason},,{quantity},{unit}{tail}"
    )


def nem13(*records: str, header: bool = True, end: bool = True) -> list[str]:
    return ([HEADER] if header else []) + list(records) + (["900"] if end else [])


def parsed(lines: list[str]) -> tuple[list[RegisterRead], list[Rejection]]:
    items = list(parse_nem13(lines, FILE_ID, "test.csv"))
    reads = [item for item in items if isinstance(item, RegisterRead)]
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert len(reads) + len(rejections) == len(items)
    return reads, rejections


def reasons(lines: list[str]) -> list[tuple[int, str]]:
    return [(r.source.line, r.reason_code) for r in parsed(lines)[1]]


# --- what a sound record becomes ------------------------------------------------------------------


def test_a_250_record_becomes_its_previous_and_current_register_reads() -> None:
    reads, rejections = parsed(nem13(rec250()))
    assert rejections == []
    previous, current = reads
    assert (previous.value, current.value) == (Decimal("6342.8"), Decimal("7654.9"))
    assert previous.supply_point_id == current.supply_point_id == NMI
    assert (current.meter_serial, current.register_id, current.unit) == (
        "METSER123",
        "11",
        Unit.KWH,
    )
    assert (current.quality, current.method, current.reason, current.read_type) == (
        Quality.ACTUAL,
        None,
        None,
        None,
    )
    assert previous.source == current.source == SourceRef(FILE_ID, 2, None)


def test_read_times_are_nem_market_time_a_fixed_utc_plus_10() -> None:
    # 2004-01-07 is summer (AEDT) in Sydney, but market time never shifts: 10:03:33 -> 00:03:33Z.
    previous, current = parsed(nem13(rec250()))[0]
    assert current.read_at == datetime(2004, 1, 7, 0, 3, 33, tzinfo=UTC)
    assert previous.read_at == datetime(2003, 10, 4, 23, 30, 55, tzinfo=UTC)


def test_quality_method_splits_into_quality_and_method_and_keeps_the_reason_code() -> None:
    record = rec250(previous_qm="S61", current_qm="E64", current_reason="13")
    previous, current = parsed(nem13(record))[0]
    assert (previous.quality, previous.method) == (Quality.SUBSTITUTED, "61")
    assert (current.quality, current.method, current.reason) == (Quality.ESTIMATED, "64", "13")
    [final] = [r for r in parsed(nem13(rec250(current_qm="F62")))[0] if r.method == "62"]
    assert final.quality == Quality.FINAL


def test_a_550_after_a_250_gives_the_reads_their_trans_codes() -> None:
    reads, rejections = parsed(nem13(rec250(), "550,N,,E,RSO1"))
    assert rejections == []
    assert [r.read_type for r in reads] == ["N", "E"]


def test_values_convert_exactly_to_the_canonical_unit() -> None:
    previous, current = parsed(nem13(rec250("1500", "2750", "1250", unit="Wh")))[0]
    assert (previous.value, current.value, current.unit) == (
        Decimal("1.500"),
        Decimal("2.750"),
        Unit.KWH,
    )


def test_a_250_without_previous_read_fields_yields_only_the_current_read() -> None:
    record = rec250().replace(",006342.8,20031005093055,A,,,", ",,,,,,")
    reads, rejections = parsed(nem13(record))
    assert rejections == []
    assert [r.value for r in reads] == [Decimal("7654.9")]


def test_a_nonstandard_mdff_with_msats_field_absent_is_read() -> None:
    reads, rejections = parsed(nem13(rec250(tail=",20040407,20040108100333")))
    assert (len(reads), rejections) == (2, [])


# --- the Quantity check ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "current", "quantity", "direction"),
    [
        ("0100", "0250", "150", "E"),
        ("99890", "02034", "2144", "E"),  # 5-dial register rolled over (AEMO CNRGYMDP 13)
        ("9999941.00", "0000106.00", "165", "E"),  # 7 dials (ETSAMDP 13)
        ("43501", "44991", "-1490", "I"),  # I counting up, Quantity negative (CNRGYMDP 12)
        ("23220", "23210", "-10", "I"),  # I counting down (AGILITY SEN1312023)
        ("99995", "00005", "-10", "I"),  # I counting up through its maximum
        ("00005", "99995", "-10", "I"),  # I counting down through zero
        ("0100", "0100", "0", "E"),
        ("0100", "0250", "", "E"),  # a null Quantity is not checked
    ],
)
def test_a_quantity_explained_by_the_reads_passes(
    previous: str, current: str, quantity: str, direction: str
) -> None:
    reads, rejections = parsed(nem13(rec250(previous, current, quantity, direction)))
    assert (len(reads), rejections) == (2, [])


@pytest.mark.parametrize(
    ("previous", "current", "quantity", "direction"),
    [
        ("0100", "0250", "151", "E"),  # no rounding allowed
        ("0100", "0250", "150.001", "E"),
        ("0100", "0250", "-150", "E"),  # a negative sign is an I convention only
        ("00105.4", "99110.5", "994.9", "E"),  # reads running backwards (TCAUSTM scenario 13)
        ("290.00", "290.00", "-10.000", "I"),  # INTEGM 12: the reads do not move
    ],
)
def test_an_unexplained_quantity_keeps_the_reads_and_adds_a_rejection(
    previous: str, current: str, quantity: str, direction: str
) -> None:
    reads, [rejection] = parsed(nem13(rec250(previous, current, quantity, direction)))
    assert [r.value for r in reads] == [Decimal(previous), Decimal(current)]
    assert (rejection.reason_code, rejection.source.line) == ("QUANTITY_MISMATCH", 2)
    assert f"Quantity {quantity}" in rejection.message


def test_the_mismatch_comes_after_the_550_that_completes_the_record() -> None:
    items = list(parse_nem13(nem13(rec250(quantity="1"), "550,N,,E,"), FILE_ID, "t.csv"))
    assert [type(i).__name__ for i in items] == ["RegisterRead", "RegisterRead", "Rejection"]
    assert [i.read_type for i in items[:2]] == ["N", "E"]  # type: ignore[union-attr]


# --- rejections ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (rec250(nmi="VABC00589"), "INVALID_NMI"),
        (rec250(nmi="VABC00589I"), "INVALID_NMI"),  # I is not an NMI character
        (rec250(suffix="1"), "INVALID_SUFFIX"),
        (rec250(direction="X"), "BAD_DIRECTION"),
        (rec250(unit="litres"), "UNKNOWN_UNIT"),
        (rec250(previous="6342,8"), "TOO_MANY_FIELDS"),  # a decimal comma shifts every field
        (rec250(previous="-1"), "BAD_VALUE"),
        (rec250(current="1e3"), "BAD_VALUE"),
        (rec250(quantity="12x"), "BAD_VALUE"),
        (rec250(current_at="200401071003"), "BAD_DATE"),
        (rec250(current_at="20040230100333"), "BAD_DATE"),
        (rec250(current_qm="V"), "BAD_QUALITY_METHOD"),
        (rec250(previous_qm="E"), "BAD_QUALITY_METHOD"),
        (rec250(current="1.0000001", quantity=""), "PRECISION_EXCEEDED"),
        (rec250(tail=",20040407"), "MISSING_FIELDS"),
        (rec250(tail=",20040407,20040108100333,20040108091133,extra"), "TOO_MANY_FIELDS"),
    ],
)
def test_a_bad_250_is_rejected_and_the_next_record_still_read(record: str, reason: str) -> None:
    reads, rejections = parsed(nem13(record, rec250()))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(2, reason)]
    assert len(reads) == 2 and all(r.source.line == 3 for r in reads)


def test_precision_is_judged_in_the_canonical_unit() -> None:
    # 1.0000005 MWh is 1000.0005 kWh: fine; 0.0000001 kWh is not storable.
    assert reasons(nem13(rec250("1.0000005", "1.0000005", "0", unit="MWh"))) == []


def test_file_structure_rejections() -> None:
    assert reasons(nem13(rec250(), header=False)) == [(1, "MISSING_HEADER")]
    assert reasons(nem13(rec250(), end=False)) == [(2, "MISSING_END_RECORD")]
    assert reasons(nem13()) == [(2, "NO_DATA")]
    assert reasons([]) == [(1, "EMPTY_FILE")]
    assert reasons(["", "  "]) == [(1, "EMPTY_FILE")]
    assert reasons([*nem13(rec250()), rec250()]) == [(4, "RECORD_AFTER_END")]
    assert reasons(nem13("550,N,,E,", rec250())) == [(2, "ORPHAN_RECORD")]
    assert reasons(nem13(rec250(), "550,N,,E,", "550,N,,E,")) == [(4, "UNEXPECTED_RECORD")]
    assert reasons(nem13(rec250(), "550,N,,E")) == [(3, "MISSING_FIELDS")]
    assert reasons(nem13(rec250(), "550,N,,E,,x")) == [(3, "TOO_MANY_FIELDS")]
    assert reasons(nem13("200,VABD000163,E1Q1,1,E1,N1,M1,kWh,30,")) == [(2, "UNEXPECTED_RECORD")]
    assert reasons(nem13(HEADER)) == [(2, "UNEXPECTED_RECORD"), (3, "NO_DATA")]
    assert reasons(nem13("999,x")) == [(2, "UNKNOWN_RECORD")]


def test_a_header_of_another_version_stops_the_file() -> None:
    lines = ["100,NEM12,200401101030,MDA1,Ret1", rec250(), "900"]
    assert reasons(lines) == [(1, "UNSUPPORTED_FORMAT")]


def test_a_malformed_550_keeps_its_250s_reads_without_trans_codes() -> None:
    reads, _ = parsed(nem13(rec250(), "550,N,,E"))
    assert [r.read_type for r in reads] == [None, None]


def test_a_550_after_a_rejected_250_is_neither_orphan_nor_applied() -> None:
    assert reasons(nem13(rec250(direction="X"), "550,N,,E,", rec250())) == [(2, "BAD_DIRECTION")]


def test_a_line_that_is_not_utf8_is_rejected_alone() -> None:
    bad = rec250().replace("METSER123", "MET\udcff")
    assert reasons(nem13(bad, "550,N,,E,", rec250())) == [(2, "BAD_ENCODING")]


# --- the registry contract ------------------------------------------------------------------------


def test_recognises_only_a_nem13_header() -> None:
    assert recognises("100,NEM13,200401101030,MDA1,Ret1", "", "x.csv")
    assert recognises("100,nem13,200401101030,MDA1,Ret1", "", "x.csv")
    assert not recognises("100,NEM12,200401101030,MDA1,Ret1", "", "x.csv")
    assert not recognises("250,VABC005890,11", "", "x.csv")


def test_parse_reads_bytes_with_crlf_and_a_bom_in_a_segment() -> None:
    data = ("\ufeff" + "\r\n".join(nem13(rec250())) + "\r\n").encode()
    items = list(parse(io.BytesIO(data), FILE_ID, "a.zip!m.csv", "m.csv"))
    assert [type(i).__name__ for i in items] == ["RegisterRead", "RegisterRead"]
    assert items[0].source == SourceRef(FILE_ID, 2, "m.csv")
