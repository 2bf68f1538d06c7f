"""Values, units, directions and qualities: exact decimals from the ESPI codes."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from tests.unit.ingest.espi.feeds import (
    epoch,
    hourly,
    interval_block,
    interval_reading,
    line_of,
    parsed,
    reading_type,
    standard_feed,
)

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, RegisterRead, Rejection
from meter2cash.ingest.espi.codes import canonical_quality

JAN1 = epoch(2020, 1, 1, 8)  # 2020-01-01 00:00 PST


def first_day(data: bytes) -> ChannelDay:
    days = [i for i in parsed(data) if isinstance(i, ChannelDay)]
    assert days, parsed(data)
    return days[0]


@pytest.mark.parametrize(
    ("power", "value", "kwh"),
    [
        (0, "273", "0.273"),
        (3, "5", "5"),  # Wh x 10^3: kWh
        (6, "5", "5000"),  # Wh x 10^6: MWh, written out in kWh without an exponent
        (-1, "1234", "0.1234"),
        (-3, "1", "0.000001"),  # 1 mWh: the smallest step the model stores
        (0, "12.5", "0.0125"),  # not an Int48, but an exact decimal all the same
        (0, "-40", "-0.040"),  # kept: judging negatives is validation's job
        (0, "0", "0"),
    ],
)
def test_value_times_ten_to_the_power_in_kwh_exactly(power: int, value: str, kwh: str) -> None:
    block = interval_block([interval_reading(JAN1, value)])
    day = first_day(standard_feed(block, rt=reading_type(powerOfTenMultiplier=power)))
    assert day.values[0] == Decimal(kwh)
    assert str(day.values[0]) == str(Decimal(kwh)) or Decimal(kwh) == 0
    assert day.source_unit == ("Wh" if power == 0 else f"Wh x10^{power}")


def test_more_than_six_decimal_places_of_kwh_is_refused_not_rounded() -> None:
    block = interval_block([interval_reading(JAN1, "1"), interval_reading(JAN1 + 3600, "10")])
    data = standard_feed(block, rt=reading_type(powerOfTenMultiplier=-4))
    rejection, day = parsed(data)
    assert isinstance(rejection, Rejection) and rejection.reason_code == "PRECISION_EXCEEDED"
    assert rejection.source.line == line_of(data, "<IntervalReading>")
    assert isinstance(day, ChannelDay) and day.values[1] == Decimal("0.000001")


@pytest.mark.parametrize(
    ("uom", "flow", "unit", "direction", "channel"),
    [
        (72, 1, Unit.KWH, Direction.IMPORT, "fwd-wh-01"),
        (72, 19, Unit.KWH, Direction.EXPORT, "rev-wh-01"),
        (72, 4, Unit.KWH, Direction.OTHER, "net-wh-01"),
        (72, 20, Unit.KWH, Direction.OTHER, "total-wh-01"),
        (72, None, Unit.KWH, Direction.OTHER, "flow0-wh-01"),  # no direction given: not guessed
        (73, 1, Unit.KVARH, Direction.REACTIVE_IMPORT, "fwd-varh-01"),
        (73, 19, Unit.KVARH, Direction.REACTIVE_EXPORT, "rev-varh-01"),
        (71, 1, Unit.KVAH, Direction.OTHER, "fwd-vah-01"),
    ],
)
def test_unit_and_flow_direction_name_the_channel(
    uom: int, flow: int | None, unit: Unit, direction: Direction, channel: str
) -> None:
    block = interval_block(hourly(JAN1, [1000]))
    day = first_day(standard_feed(block, rt=reading_type(uom=uom, flowDirection=flow)))
    assert (day.unit, day.direction, day.channel) == (unit, direction, channel)
    assert day.values[0] == Decimal("1.000")


def test_cost_is_ignored() -> None:
    with_cost = interval_block([interval_reading(JAN1, 273, cost=819)])
    without = interval_block([interval_reading(JAN1, 273)])
    day, other = first_day(standard_feed(with_cost)), first_day(standard_feed(without))
    assert day.content_key == other.content_key


@pytest.mark.parametrize(
    ("codes", "quality", "flags"),
    [
        ((), Quality.UNKNOWN, ""),  # absent: the source did not say, which is not "actual"
        ((0,), Quality.ACTUAL, "0"),
        ((14,), Quality.ACTUAL, "14"),
        ((18,), Quality.ACTUAL, "18"),
        ((7,), Quality.SUBSTITUTED, "7"),
        ((8,), Quality.ESTIMATED, "8"),
        ((9,), Quality.ESTIMATED, "9"),
        ((12,), Quality.ESTIMATED, "12"),
        ((13,), Quality.ESTIMATED, "13"),
        ((15,), Quality.ESTIMATED, "15"),
        ((10,), Quality.UNKNOWN, "10"),
        ((11,), Quality.UNKNOWN, "11"),
        ((16,), Quality.UNKNOWN, "16"),
        ((17,), Quality.UNKNOWN, "17"),
        ((19,), Quality.UNKNOWN, "19"),
        ((42,), Quality.UNKNOWN, "42"),  # outside the list: UInt16 allows it
        ((0, 10), Quality.UNKNOWN, "0,10"),
        ((0, 8, 7), Quality.ESTIMATED, "0,8,7"),  # the least trustworthy wins
    ],
)
def test_reading_quality_codes(codes: tuple[int, ...], quality: Quality, flags: str) -> None:
    block = interval_block([interval_reading(JAN1, 5, qualities=codes)])
    day = first_day(standard_feed(block))
    assert day.qualities[0] is quality
    assert day.source_flags[0] == flags  # verbatim
    assert day.methods[0] == (flags or None)
    assert canonical_quality(codes) is quality


def test_missing_intervals_of_a_partial_day_are_marked_missing() -> None:
    day = first_day(standard_feed(interval_block(hourly(JAN1 + 3 * 3600, [1, 2]))))
    assert day.values[:6] == (None, None, None, Decimal("0.001"), Decimal("0.002"), None)
    assert day.qualities[2] is Quality.MISSING and day.qualities[3] is Quality.UNKNOWN
    assert day.source_flags[2] == "" and not day.complete


def test_a_cumulative_reading_type_gives_register_reads_at_the_period_end() -> None:
    block = interval_block(
        [
            interval_reading(JAN1, 123456, duration=3600),
            interval_reading(JAN1 + 3600, 123500, duration=0),
        ]
    )
    items = parsed(
        standard_feed(block, rt=reading_type(accumulationBehaviour=1, powerOfTenMultiplier=3))
    )
    assert all(isinstance(i, RegisterRead) for i in items)
    first, second = items
    assert isinstance(first, RegisterRead) and isinstance(second, RegisterRead)
    assert first.read_at == datetime(2020, 1, 1, 9, tzinfo=UTC)
    assert first.value == Decimal("123456")  # Wh x 10^3
    assert (
        first.register_id == "fwd-wh-01"
        and first.supply_point_id == "RetailCustomer/9/UsagePoint/1"
    )
    assert second.read_at == datetime(2020, 1, 1, 9, tzinfo=UTC)  # zero duration: at its start
