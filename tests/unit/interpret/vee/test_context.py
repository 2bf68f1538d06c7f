"""IntervalContext from the domain's ChannelContext, and clock offsets from ClockSynchronised."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
from tests.unit.interpret.vee.builders import GB, batch, day, issues_of

from meter2cash.domain.channel_context import ChannelContext, RegisterContext
from meter2cash.domain.events import ClockSynchronised
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, SourceRef
from meter2cash.domain.time import Interval, local_day, zone_named
from meter2cash.interpret.vee import IntervalContext, clock_offsets

ON = date(2024, 3, 5)
DAY = local_day(ON, zone_named("Europe/London"))


def _context(spans: tuple[Interval, ...], minutes: int | None = 30) -> ChannelContext:
    return ChannelContext(
        supply_point_id=GB["supply_point_id"],
        channel="E1",
        read_on=ON,
        zone="Europe/London",
        day=DAY,
        configuration_version=3,
        configured_spans=spans,
        consistent=True,
        expected_interval_minutes=minutes,
        expected_intervals=48 if minutes else None,
        direction=Direction.IMPORT,
        unit=Unit.KWH,
        energised=None,
        energisation_changed_at=(),
        settlement_regime=None,
        meter_serials=("M1",),
        installed_at=(),
        removed_at=(),
        registers=(
            RegisterContext("M1", "R1", 5, Decimal(1), None, "E1", Direction.IMPORT),
            RegisterContext("M1", "R2", 5, Decimal(1), None, "B1", Direction.EXPORT),
        ),
    )


def test_from_channel_contexts_maps_every_column():
    midday = Interval(DAY.start.replace(hour=12), DAY.end)
    rows = batch(day(read_on=ON, **GB))
    context = IntervalContext.from_channel_contexts(rows, [_context((midday,))])
    assert context.configured.tolist() == [1]
    assert context.expected_interval_minutes.tolist() == [30]
    assert context.direction.tolist() == ["import"] and context.unit.tolist() == ["kWh"]
    assert context.energised.tolist() == [-1]
    assert context.expected[0].tolist() == [False] * 24 + [True] * 24
    assert context.meter_serials[0] == ("M1",) and context.siblings[0] == ("E1", "B1")
    # values before the install at 12:00 are outside the meter's life; B1 is absent that day
    assert sorted((i.rule, i.first_interval) for i in issues_of(rows, context)) == [
        ("C14", 0),
        ("C22", 0),
    ]


def test_unconfigured_channel_and_length_mismatch():
    rows = batch(day(read_on=ON, **GB))
    context = IntervalContext.from_channel_contexts(rows, [_context((), minutes=None)])
    assert context.configured.tolist() == [0] and context.expected[0].all()
    assert [i.rule for i in issues_of(rows, context) if i.rule != "C22"] == ["C13"]


def test_clock_offsets_take_the_largest_offset_of_the_day_per_meter():
    rows = batch(day(read_on=ON, **GB), day(read_on=date(2024, 3, 6), **GB))
    source = SourceRef("c" * 64, 1)

    def sync(hour: int, offset: str, serial: str = "M1") -> ClockSynchronised:
        at = datetime(2024, 3, 5, hour, tzinfo=UTC)
        return ClockSynchronised(GB["supply_point_id"], serial, at, Decimal(offset), True, source)

    offsets = clock_offsets(rows, [sync(1, "-75"), sync(13, "12"), sync(2, "5", "M2")])
    assert offsets[0] == 75.0 and np.isnan(offsets[1])
    context = IntervalContext.unknown(rows)
    issues = issues_of(rows, replace(context, clock_offset_s=offsets))
    assert [(i.rule, i.read_on) for i in issues] == [("C12", ON)]
