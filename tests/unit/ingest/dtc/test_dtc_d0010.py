"""D0010 over small synthetic files: what a sound file becomes, UK clock time, the quality mapping."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.ingest.dtc.dtc_files import (
    FILE_ID,
    MPAN_A,
    MPAN_B,
    d0010,
    meter,
    mpan,
    reading,
)
from tests.unit.ingest.dtc.dtc_files import parse as parse_d0010

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Quality, RegisterRead, SourceRef
from meter2cash.ingest.dtc import parse, recognises
from meter2cash.ingest.dtc.d0010 import QUALITIES
from meter2cash.ingest.dtc.registry import layouts


def test_a_reading_becomes_one_register_read_with_exact_value_and_source() -> None:
    reads, rejections = parse_d0010(d0010(mpan(), meter(), reading(value="56311.25")))
    assert rejections == []
    assert reads == [
        RegisterRead(
            supply_point_id=MPAN_A,
            meter_serial="F75A 00802",
            register_id="S",
            read_at=datetime(2024, 2, 22, 0, 0, tzinfo=UTC),
            value=Decimal("56311.25"),
            unit=Unit.KWH,
            quality=Quality.ACTUAL,
            method="N",
            reason=None,
            read_type="C/V/T",
            source=SourceRef(FILE_ID, 4, None),
        )
    ]


def test_meter_serials_keep_their_spaces_and_register_ids_stay_verbatim() -> None:
    reads, _ = parse_d0010(
        d0010(mpan(), meter(serial=" D03 09936"), reading(register="01"), reading(register="TO"))
    )
    assert [(r.meter_serial, r.register_id) for r in reads] == [
        (" D03 09936", "01"),
        (" D03 09936", "TO"),
    ]


def test_readings_belong_to_the_mpan_and_meter_groups_above_them() -> None:
    lines = d0010(
        mpan(MPAN_A),
        meter("M1"),
        reading("01", value="1"),
        meter("M2", "D"),
        reading("01", value="2"),
        mpan(MPAN_B, "U"),
        meter("M3", "R"),
        reading("S", value="3"),
    )
    reads, rejections = parse_d0010(lines)
    assert rejections == []
    assert [(r.supply_point_id, r.meter_serial, r.value, r.read_type) for r in reads] == [
        (MPAN_A, "M1", Decimal(1), "C/V/T"),
        (MPAN_A, "M2", Decimal(2), "D/V/T"),
        (MPAN_B, "M3", Decimal(3), "R/U/T"),
    ]
    assert [r.source.line for r in reads] == [4, 6, 9]


def test_segment_is_carried_into_the_source() -> None:
    reads, _ = parse_d0010(d0010(mpan(), meter(), reading()), segment="inner.uff")
    assert reads[0].source == SourceRef(FILE_ID, 4, "inner.uff")


# --- time: UK clock time to UTC ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        ("20240115000000", datetime(2024, 1, 15, 0, 0, tzinfo=UTC)),  # GMT
        ("20240701000000", datetime(2024, 6, 30, 23, 0, tzinfo=UTC)),  # BST: midnight is 23:00Z
        ("20240331000000", datetime(2024, 3, 31, 0, 0, tzinfo=UTC)),  # spring day, before 01:00
        ("20240331020000", datetime(2024, 3, 31, 1, 0, tzinfo=UTC)),  # first BST hour
        ("20241027000000", datetime(2024, 10, 26, 23, 0, tzinfo=UTC)),  # autumn day, still BST
        ("20241027020000", datetime(2024, 10, 27, 2, 0, tzinfo=UTC)),  # after fall-back: GMT
        ("20240701143015", datetime(2024, 7, 1, 13, 30, 15, tzinfo=UTC)),  # a special read's time
    ],
)
def test_reading_date_time_is_uk_clock_time_converted_to_utc(local: str, utc: datetime) -> None:
    reads, rejections = parse_d0010(d0010(mpan(), meter(), reading(at=local)))
    assert rejections == []
    assert reads[0].read_at == utc


def test_a_wall_time_that_occurs_twice_is_taken_at_its_first_bst_occurrence() -> None:
    reads, _ = parse_d0010(d0010(mpan(), meter(), reading(at="20241027013000")))
    assert reads[0].read_at == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)


def test_a_reading_date_without_time_is_local_midnight_of_that_date() -> None:
    reads, rejections = parse_d0010(
        d0010(mpan(), meter(), reading(at="20240701"), reading(at="20240115"))
    )
    assert rejections == []
    assert [r.read_at for r in reads] == [
        datetime(2024, 6, 30, 23, 0, tzinfo=UTC),
        datetime(2024, 1, 15, 0, 0, tzinfo=UTC),
    ]


# --- quality, method, reason ---------------------------------------------------------------------


def test_every_reading_type_of_the_layout_has_a_quality_and_no_other() -> None:
    reading_type = next(
        f for f in layouts()["D0010002"].groups["028"].fields if f.name == "reading_type"
    )
    assert set(QUALITIES) == set(reading_type.values)


@pytest.mark.parametrize(
    ("code", "quality"),
    [
        ("C", Quality.ACTUAL),
        ("R", Quality.ACTUAL),
        ("D", Quality.DEEMED),
        ("X", Quality.DEEMED),
        ("O", Quality.ESTIMATED),
        ("Q", Quality.SUBSTITUTED),
        ("W", Quality.UNKNOWN),
    ],
)
def test_reading_type_maps_to_quality_and_is_kept_verbatim(code: str, quality: Quality) -> None:
    reads, _ = parse_d0010(d0010(mpan(status="F"), meter(reading_type=code), reading(flag="F")))
    assert reads[0].quality is quality
    assert reads[0].read_type == f"{code}/F/F"


def test_blank_flag_and_method_and_validation_reason_codes() -> None:
    lines = d0010(
        mpan(),
        meter(),
        reading(flag="", method=""),
        reading(flag="F", method="P"),
        "032|05|F|",
        "032|11||",
        reading(),
        "032||T|",
    )
    reads, rejections = parse_d0010(lines)
    assert rejections == []
    assert [(r.read_type, r.method, r.reason) for r in reads] == [
        ("C/V/", None, None),
        ("C/V/F", "P", "05,11"),
        ("C/V/T", "N", None),
    ]


def test_site_visit_groups_are_read_and_not_carried() -> None:
    lines = d0010(
        mpan(),
        "027|01|occupied|",
        meter(),
        "029|20|",
        reading(),
        "033|36|new tenant|",
    )
    reads, rejections = parse_d0010(lines)
    assert rejections == []
    assert len(reads) == 1


# --- the parser contract -------------------------------------------------------------------------


def test_recognises_only_a_zhv_first_line() -> None:
    assert recognises("ZHV|0000475656|D0010002|D|UDMS|X|MRCY|20160302153151||||OPER|", "", "x")
    assert not recognises("100,NEM12,200405011135,MDA1,Ret1", "", "x.uff")
    assert not recognises("zhv|0000475656|D0010002|", "", "x.uff")
    assert not recognises("026|1200023305967|V|", "", "D0010.uff")


def test_parse_reads_bytes_with_crlf_and_a_bom() -> None:
    text = "\r\n".join(d0010(mpan(), meter(), reading())) + "\r\n"
    items = list(parse(io.BytesIO(b"\xef\xbb\xbf" + text.encode()), FILE_ID, "f.uff", None))
    assert [type(item).__name__ for item in items] == ["RegisterRead"]


# --- property: a well-formed file gives back exactly what was written -------------------------

_SERIAL = st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789 ", min_size=1, max_size=10).filter(
    str.strip
)
_VALUE = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)
_DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 1, 1))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(_SERIAL, st.sampled_from(sorted(QUALITIES)), st.lists(_VALUE, min_size=1)),
        min_size=1,
        max_size=4,
    ),
    _DAY,
)
def test_generated_files_round_trip_without_rejections(
    meters: list[tuple[str, str, list[Decimal]]], on: date
) -> None:
    groups = [mpan()]
    expected = []
    stamp = f"{on:%Y%m%d}000000"
    for serial, reading_type, values in meters:
        groups.append(meter(serial, reading_type))
        for k, value in enumerate(values):
            groups.append(reading(f"{k:02d}", stamp, str(value)))
            expected.append((serial, f"{k:02d}", value, QUALITIES[reading_type]))
    reads, rejections = parse_d0010(d0010(*groups))
    assert rejections == []
    assert [(r.meter_serial, r.register_id, r.value, r.quality) for r in reads] == expected
