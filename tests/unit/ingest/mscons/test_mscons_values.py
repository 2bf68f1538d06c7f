"""MSCONS values: channel-days on the Berlin grid, irregular intervals, registers, units, flags."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from tests.unit.ingest.mscons.mscons_builders import (
    BERLIN,
    FILE_ID,
    MALO,
    MALO_2,
    ZP,
    at,
    codes,
    dtm,
    interchange,
    lin,
    loc,
    message,
    qty,
    quarter_hours,
    run,
    split,
)

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, Quality, SourceRef
from meter2cash.ingest.mscons.qualities import QUALITIES


def one_lin(*groups: list[str], obis: str = "1-1:1.29.0", location: str = MALO) -> bytes:
    return interchange(message(loc(location, lin(obis, *groups))))


# --- channel-days -------------------------------------------------------------------------------


def test_quarter_hours_become_one_channel_day_with_exact_values_utc_grid_and_lineage() -> None:
    first = at("2024-01-14 23:00")  # local midnight of 15 January (CET)
    data = one_lin(quarter_hours(first, ["1.5", "0.25", "-0.125", "12345.678901"]))
    days, reads, registers, rejections = split(run(data))
    assert (reads, registers, rejections) == ([], [], [])
    [day] = days
    assert (day.supply_point_id, day.market, day.channel) == (MALO, "DE", "1-1:1.29.0")
    assert (day.direction, day.unit, day.source_unit) == (Direction.IMPORT, Unit.KWH, "KWH")
    assert (day.read_on, day.zone, day.interval_minutes) == (date(2024, 1, 15), "Europe/Berlin", 15)
    assert day.span.start == first and day.span.end == at("2024-01-15 23:00")
    expected = ("1.5", "0.25", "-0.125", "12345.678901")
    assert day.values[:5] == (*(Decimal(v) for v in expected), None)
    assert day.qualities[:5] == (Quality.ACTUAL,) * 4 + (Quality.MISSING,)
    assert day.qualities.count(Quality.MISSING) == 92 and len(day.values) == 96
    assert day.source_flags[:5] == ("220",) * 4 + ("",)
    # UNA=1, UNB=2, UNH BGM DTM RFF NAD NAD UNS = 3..9, NAD+DP=10, LOC=11, LIN=12, PIA=13, QTY=14
    assert day.source == SourceRef(FILE_ID, 14, "UNH-1/QTY")
    assert [(i.interval.start, i.energy) for i in day.intervals()][:2] == [
        (first, Decimal("1.5")),
        (first + timedelta(minutes=15), Decimal("0.25")),
    ]


def test_values_are_placed_by_their_own_instants_not_by_their_position() -> None:
    first = at("2024-01-14 23:00")
    groups = (
        qty("3", first + timedelta(minutes=30))
        + qty("1", first)
        + qty("2", first + timedelta(minutes=15))
    )
    [day] = split(run(one_lin(groups)))[0]
    assert day.values[:4] == (Decimal(1), Decimal(2), Decimal(3), None)


def test_local_offsets_are_converted_exactly_and_days_follow_berlin_midnight() -> None:
    # 96 quarter-hours written in CET (+01) from local midnight: one whole day, 23:00 UTC start.
    first = datetime(2024, 1, 15, tzinfo=BERLIN)
    data = one_lin(quarter_hours(first, ["1"] * 96, zone=BERLIN))
    assert "DTM+163:202401150000?+01:303" in data.decode("latin-1")
    [day] = split(run(data))[0]
    assert day.read_on == date(2024, 1, 15) and day.complete
    assert day.span.start == at("2024-01-14 23:00")


@pytest.mark.parametrize(
    ("on", "count"), [(date(2024, 3, 31), 92), (date(2024, 10, 27), 100), (date(2024, 6, 1), 96)]
)
def test_clock_change_days_hold_92_and_100_quarter_hours(on: date, count: int) -> None:
    start = datetime(on.year, on.month, on.day, tzinfo=BERLIN)
    values = [str(k) for k in range(count)]
    [day] = split(run(one_lin(quarter_hours(start, values, zone=BERLIN))))[0]
    assert len(day.values) == count and day.complete
    assert day.values[-1] == Decimal(count - 1)
    after = on + timedelta(days=1)
    assert list(day.intervals())[-1].interval.end == datetime(
        after.year, after.month, after.day, tzinfo=BERLIN
    )


def test_a_delivery_spanning_days_makes_one_channel_day_per_local_day() -> None:
    start = at("2024-01-14 22:00")  # 23:00 CET on the 14th
    days = split(run(one_lin(quarter_hours(start, ["1"] * 8))))[0]
    assert [(d.read_on, d.values.count(Decimal(1))) for d in days] == [
        (date(2024, 1, 14), 4),
        (date(2024, 1, 15), 4),
    ]
    assert days[0].values[-4:] == (Decimal(1),) * 4 and days[1].values[:4] == (Decimal(1),) * 4


@pytest.mark.parametrize("minutes", [30, 60])
def test_the_regular_length_is_taken_from_the_values(minutes: int) -> None:
    first = at("2024-01-14 23:00")
    step = timedelta(minutes=minutes)
    groups = [seg for k in range(3) for seg in qty("1", first + k * step, first + (k + 1) * step)]
    [day] = split(run(one_lin(groups)))[0]
    assert day.interval_minutes == minutes and len(day.values) == 24 * 60 // minutes


def test_a_day_delivered_in_two_runs_is_written_twice_each_padded_with_missing() -> None:
    first = at("2024-01-14 23:00")
    groups = (
        qty("1", first)
        + qty("2", first + timedelta(days=1))
        + qty("3", first + timedelta(minutes=15))
    )
    days = split(run(one_lin(groups)))[0]
    assert [(d.read_on, d.values[:2]) for d in days] == [
        (date(2024, 1, 15), (Decimal(1), None)),
        (date(2024, 1, 16), (Decimal(2), None)),
        (date(2024, 1, 15), (None, Decimal(3))),
    ]


def test_several_locations_and_lines_make_separate_channels() -> None:
    first = at("2024-01-14 23:00")
    data = interchange(
        message(
            loc(
                MALO,
                lin("1-1:1.29.0", qty("1", first)),
                lin("1-1:2.29.0", qty("2", first), number=2),
            ),
            loc(ZP, lin("1-1:3.29.0", qty("3", first, unit=None))),
        )
    )
    days = split(run(data))[0]
    assert [(d.supply_point_id, d.channel, d.direction, d.unit, d.values[0]) for d in days] == [
        (MALO, "1-1:1.29.0", Direction.IMPORT, Unit.KWH, Decimal(1)),
        (MALO, "1-1:2.29.0", Direction.EXPORT, Unit.KWH, Decimal(2)),
        (ZP, "1-1:3.29.0", Direction.REACTIVE_IMPORT, Unit.KVARH, Decimal(3)),
    ]
    assert days[2].source_unit == ""  # no DE6411: the unit is the one the OBIS code implies


def test_two_messages_in_one_interchange_are_labelled_by_their_reference() -> None:
    first = at("2024-01-14 23:00")
    data = interchange(
        message(loc(MALO, lin("1-1:1.29.0", qty("1", first))), reference="A7"),
        message(loc(MALO_2, lin("1-1:1.29.0", qty("2", first))), reference="A8"),
    )
    days = split(run(data))[0]
    assert [(d.supply_point_id, d.source.segment) for d in days] == [
        (MALO, "UNH-A7/QTY"),
        (MALO_2, "UNH-A8/QTY"),
    ]


def test_meter_serial_comes_from_rff_mg_with_released_characters() -> None:
    first = at("2024-01-14 23:00")
    data = interchange(message(loc(MALO, lin("1-1:1.29.0", qty("1", first)), meter="1ESY?+77")))
    [day] = split(run(data))[0]
    assert day.meter_serial == "1ESY+77"


def test_an_archive_member_prefixes_the_segment_label() -> None:
    data = one_lin(qty("1", at("2024-01-14 23:00")))
    [day] = split(run(data, member="inner.edi"))[0]
    assert day.source.segment == "inner.edi!UNH-1/QTY"


# --- irregular intervals, duplicates, overlaps --------------------------------------------------


def test_irregular_intervals_are_interval_reads_and_leave_their_slots_missing() -> None:
    first = at("2024-01-14 23:00")
    t20 = first + timedelta(hours=20)
    groups = (
        quarter_hours(first, ["1"] * 4)
        + qty("0.5", t20, t20 + timedelta(minutes=16))
        + qty("0.25", t20 + timedelta(minutes=16), t20 + timedelta(minutes=30))
    )
    days, reads, _, rejections = split(run(one_lin(groups)))
    assert rejections == []
    [day] = days
    assert day.values[80:82] == (None, None) and day.qualities[80] == Quality.MISSING
    assert [(r.interval.start, r.interval.end, r.energy) for r in reads] == [
        (t20, t20 + timedelta(minutes=16), Decimal("0.5")),
        (t20 + timedelta(minutes=16), t20 + timedelta(minutes=30), Decimal("0.25")),
    ]
    assert reads[0].supply_point_id == MALO and reads[0].channel == "1-1:1.29.0"
    assert reads[0].source.segment == "UNH-1/QTY" and reads[0].quality == Quality.ACTUAL


def test_a_day_of_only_irregular_values_yields_no_channel_day() -> None:
    first = at("2024-01-14 23:00")
    days, reads, _, _ = split(run(one_lin(qty("7", first, first + timedelta(days=31)))))
    assert days == [] and [r.energy for r in reads] == [Decimal(7)]


def test_a_second_value_for_a_slot_is_rejected_and_the_first_kept() -> None:
    first = at("2024-01-14 23:00")
    items = run(one_lin(qty("1", first) + qty("9", first)))
    [day] = split(items)[0]
    assert day.values[0] == Decimal(1)
    [rejection] = split(items)[3]
    assert rejection.reason_code == "DUPLICATE_INTERVAL"
    assert rejection.source.line == 17 and "segment 14" in rejection.message
    assert rejection.offending_text.startswith("QTY+220:9:KWH'DTM+163:202401142300?+00:303'")


def test_an_irregular_interval_over_delivered_slots_is_rejected() -> None:
    first = at("2024-01-14 23:00")
    groups = qty("1", first) + qty("5", first, first + timedelta(minutes=20))
    groups += qty("6", first + timedelta(hours=2), first + timedelta(hours=2, minutes=7))
    groups += qty("7", first + timedelta(hours=2, minutes=5), first + timedelta(hours=2, minutes=9))
    items = run(one_lin(groups))
    assert codes(items) == ["OVERLAPPING_INTERVAL", "OVERLAPPING_INTERVAL"]
    assert [r.energy for r in split(items)[1]] == [Decimal(6)]


# --- qualities, methods, reasons ----------------------------------------------------------------


@pytest.mark.parametrize(("qualifier", "quality"), sorted(QUALITIES.items()))
def test_every_mig_qty_qualifier_maps_to_a_canonical_quality(
    qualifier: str, quality: Quality
) -> None:
    [day] = split(run(one_lin(qty("1", at("2024-01-14 23:00"), qualifier=qualifier))))[0]
    assert day.qualities[0] == quality and day.source_flags[0] == qualifier
    assert day.values[0] == Decimal(1)  # unusable/missing values keep the number sent


def test_sts_statuses_become_method_and_reason_and_stay_verbatim_in_the_flag() -> None:
    statuses = ["STS+Z32++Z92", "STS+Z40++Z74", "STS+Z34++ZA1", "STS+Z33++Z84", "STS+10+Z36"]
    group = qty("4.2", at("2024-01-14 23:00"), qualifier="67", statuses=statuses)
    [day] = split(run(one_lin(group)))[0]
    assert (day.qualities[0], day.methods[0]) == (Quality.SUBSTITUTED, "Z92")
    assert day.reasons[0] == "Z40:Z74;Z34:ZA1;Z33:Z84"
    assert day.source_flags[0] == "67 " + " ".join(statuses)
    assert (day.methods[1], day.reasons[1]) == (None, None)


def test_an_unknown_qty_qualifier_is_rejected() -> None:
    items = run(one_lin(qty("1", at("2024-01-14 23:00"), qualifier="999")))
    assert codes(items) == ["UNKNOWN_QTY_QUALIFIER"]


# --- units and quantities -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "obis", "value", "expected", "canonical"),
    [
        ("MWH", "1-1:1.29.0", "1.234567", Decimal("1234.567"), Unit.KWH),
        ("WHR", "1-1:1.29.0", "1500", Decimal("1.5"), Unit.KWH),
        ("K3", "1-1:3.29.0", "2", Decimal(2), Unit.KVARH),
        (None, "1-1:1.29.0", "2", Decimal(2), Unit.KWH),
        (None, "1-1:4.29.0", "2", Decimal(2), Unit.KVARH),
        (None, "1-1:9.29.0", "2", Decimal(2), Unit.KVAH),
    ],
)
def test_units_are_converted_exactly(
    unit: str | None, obis: str, value: str, expected: Decimal, canonical: Unit
) -> None:
    group = qty(value, at("2024-01-14 23:00"), unit=unit)
    [day] = split(run(one_lin(group, obis=obis)))[0]
    assert (day.values[0], day.unit, day.source_unit) == (expected, canonical, unit or "")


@pytest.mark.parametrize(
    ("unit", "obis", "reason"),
    [
        ("KWT", "1-1:1.29.0", "UNSUPPORTED_QUANTITY"),  # power is not energy
        (None, "1-1:1.6.0", "UNSUPPORTED_QUANTITY"),  # OBIS maximum demand
        ("KWH", "1-1:1.4.0", "UNSUPPORTED_QUANTITY"),  # OBIS current average (power)
        ("D54", "1-1:1.29.0", "UNSUPPORTED_QUANTITY"),  # irradiance (redispatch weather data)
        ("XYZ", "1-1:1.29.0", "UNKNOWN_UNIT"),
        (None, "1-1:96.50.0", "UNKNOWN_UNIT"),  # no unit, and the OBIS quantity implies none
        (None, "7-20:99.33.17", "UNKNOWN_UNIT"),  # gas: no implied unit
    ],
)
def test_quantities_that_are_not_energy_or_have_no_unit_are_rejected(
    unit: str | None, obis: str, reason: str
) -> None:
    items = run(one_lin(qty("1", at("2024-01-14 23:00"), unit=unit), obis=obis))
    assert codes(items) == [reason]


def test_a_medium_with_an_explicit_unit_is_a_channel_of_its_own() -> None:
    data = interchange(message(loc(MALO, lin("AUA", qty("5", at("2024-01-14 23:00")), kind="Z08"))))
    [day] = split(run(data))[0]
    assert (day.channel, day.direction, day.unit) == ("AUA", Direction.OTHER, Unit.KWH)


def test_a_unit_change_within_a_channel_is_rejected() -> None:
    first = at("2024-01-14 23:00")
    groups = qty("1", first) + qty("2", first + timedelta(minutes=15), unit="K3")
    items = run(one_lin(groups))
    assert codes(items) == ["INCONSISTENT_UNIT"]
    assert split(items)[0][0].values[:2] == (Decimal(1), None)


@pytest.mark.parametrize(
    ("value", "unit", "reason"),
    [
        ("abc", "KWH", "BAD_VALUE"),
        ("1,2,3", "KWH", "BAD_VALUE"),
        ("1.2.3", "KWH", "BAD_VALUE"),
        ("", "KWH", "BAD_VALUE"),
        ("-", "KWH", "BAD_VALUE"),
        ("1e5", "KWH", "BAD_VALUE"),
        ("0.0000001", "KWH", "PRECISION_EXCEEDED"),
        ("0.0000000001", "MWH", "PRECISION_EXCEEDED"),
        ("1234567890123456789012345678901.5", "KWH", "PRECISION_EXCEEDED"),
    ],
)
def test_bad_and_too_precise_values_are_rejected(value: str, unit: str, reason: str) -> None:
    items = run(one_lin(qty(value, at("2024-01-14 23:00"), unit=unit)))
    assert codes(items) == [reason]


def test_a_qty_without_a_quantity_is_a_bad_value() -> None:
    group = ["QTY+220", dtm("163", at("2024-01-14 23:00")), dtm("164", at("2024-01-14 23:15"))]
    assert codes(run(one_lin(group))) == ["BAD_VALUE"]


def test_decimal_comma_and_other_service_characters_from_una() -> None:
    first = at("2024-01-14 23:00")
    groups = qty("1,25", first) + qty("0,5", first + timedelta(minutes=15))
    data = interchange(message(loc(MALO, lin("1-1:1.29.0", groups))), una="UNA:+,? '")
    [day] = split(run(data))[0]
    assert day.values[:2] == (Decimal("1.25"), Decimal("0.5"))
    # Entirely different separators: component |, data *, release !, terminator ~.
    custom = data.decode("latin-1").replace("UNA:+,? '", "UNA|*,! ~")
    custom = custom.replace("?:", "\0").replace("?+", "\1")  # ':' and '+' are plain data there
    custom = custom.replace(":", "|").replace("+", "*").replace("'", "~")
    custom = custom.replace("\0", ":").replace("\1", "+") + "QTY*220|1!~2~"  # a released '~'
    assert "PIA*5*1-1:1.29.0|SRW~" in custom and "DTM*163|202401142300+00|303~" in custom
    items = run(custom.encode("latin-1"))
    [again] = split(items)[0]
    assert again.values == day.values and again.channel == "1-1:1.29.0"
    [after_end] = split(items)[3]  # the appended segment: one segment despite its '!~'
    assert (
        after_end.reason_code == "SEGMENT_AFTER_END" and after_end.offending_text == "QTY*220|1!~2"
    )


# --- instants -----------------------------------------------------------------------------------


def test_format_203_takes_the_offset_of_the_messages_dtm_735() -> None:
    group = ["QTY+220:1:KWH", "DTM+163:202401150000:203", "DTM+164:202401150015:203"]
    data = interchange(message(loc(MALO, lin("1-1:1.29.0", group)), header=["DTM+735:?+0100:406"]))
    [day] = split(run(data))[0]
    assert day.read_on == date(2024, 1, 15) and day.values[0] == Decimal(1)
    without = interchange(message(loc(MALO, lin("1-1:1.29.0", group))))
    assert codes(run(without)) == ["MISSING_UTC_OFFSET"]


def test_a_bad_dtm_735_is_rejected() -> None:
    data = interchange(message(header=["DTM+735:0100:406"]))
    assert codes(run(data)) == ["BAD_DATE"]


def test_format_304_with_seconds_is_read() -> None:
    group = ["QTY+220:1:KWH", "DTM+163:20240114230000?+00:304", "DTM+164:20240114231500?+00:304"]
    [day] = split(run(one_lin(group)))[0]
    assert day.values[0] == Decimal(1)


@pytest.mark.parametrize(
    ("dates", "reason"),
    [
        (["DTM+163:202401142300?+00:303"], "MISSING_INTERVAL"),
        (["DTM+164:202401142315?+00:303"], "MISSING_INTERVAL"),
        (["DTM+163:202413142300?+00:303", "DTM+164:202401142315?+00:303"], "BAD_DATE"),
        (["DTM+163:202401142300?+99:303", "DTM+164:202401142315?+00:303"], "BAD_DATE"),
        (["DTM+163:2024011423?+00:303", "DTM+164:202401142315?+00:303"], "BAD_DATE"),
        (["DTM+163:20240114:102", "DTM+164:202401142315?+00:303"], "BAD_DATE"),
        (["DTM+163:202401142315?+00:303", "DTM+164:202401142300?+00:303"], "BAD_DATE"),
        (
            [
                "DTM+163:202401142300?+00:303",
                "DTM+163:202401142300?+00:303",
                "DTM+164:202401142315?+00:303",
            ],
            "BAD_DATE",
        ),
    ],
)
def test_intervals_need_two_valid_instants(dates: list[str], reason: str) -> None:
    assert codes(run(one_lin(["QTY+220:1:KWH", *dates]))) == [reason]


# --- register reads -----------------------------------------------------------------------------


def test_register_values_become_register_reads_at_the_nutzungszeitpunkt() -> None:
    group = ["QTY+67:2729.000:KWH", dtm("7", at("2025-05-31 22:00")), "STS+Z32++Z92"]
    data = interchange(message(loc(MALO, lin("1-1:1.8.0", group), meter="1LGZ0056829358")))
    days, reads, [read], rejections = split(run(data))
    assert (days, reads, rejections) == ([], [], [])
    assert (read.supply_point_id, read.meter_serial, read.register_id) == (
        MALO,
        "1LGZ0056829358",
        "1-1:1.8.0",
    )
    assert read.read_at == at("2025-05-31 22:00") and read.value == Decimal("2729.000")
    assert (read.unit, read.quality, read.method) == (Unit.KWH, Quality.SUBSTITUTED, "Z92")
    assert read.read_type == "67 STS+Z32++Z92"
    assert read.source == SourceRef(FILE_ID, 15, "UNH-1/QTY")  # after LOC, RFF, LIN, PIA


def test_a_register_read_falls_back_to_an_ablesedatum_with_a_time() -> None:
    group = ["QTY+220:10:KWH", "DTM+9:202107011655?+00:303"]
    [read] = split(run(one_lin(group, obis="1-1:2.8.1")))[2]
    assert read.read_at == at("2021-07-01 16:55") and read.meter_serial == ""


@pytest.mark.parametrize(
    "dates",
    [
        ["DTM+9:20210201:102"],
        [dtm("163", at("2024-01-01 00:00")), dtm("164", at("2024-02-01 00:00"))],
        [],
    ],
)
def test_a_register_value_without_an_instant_is_rejected(dates: list[str]) -> None:
    assert codes(run(one_lin(["QTY+220:10:KWH", *dates], obis="1-1:1.8.0"))) == [
        "MISSING_READ_TIME"
    ]
