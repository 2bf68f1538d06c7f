"""Building the configuration timeline from canonical MeterConfigurationChanged events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationTimelineError,
    RegisterConfig,
)
from meter2cash.domain.configuration_events import (
    GB_MEASUREMENT_QUANTITIES,
    timeline_from_events,
)
from meter2cash.domain.events import MeterConfigurationChanged, RegisterSpec
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, SourceRef

SP = "1200045678906"
BASE = datetime(2024, 10, 1, tzinfo=UTC)
DAY = RegisterSpec("1", 5, Decimal(1), "00043")
NIGHT = RegisterSpec("2", 5, Decimal(1), "00210")


def event(
    serial: str,
    hours: float,
    change: str,
    registers: tuple[RegisterSpec, ...] = (DAY, NIGHT),
    channels: tuple[str, ...] = ("AI",),
    line: int = 1,
    supply_point_id: str = SP,
) -> MeterConfigurationChanged:
    return MeterConfigurationChanged(
        supply_point_id,
        BASE + timedelta(hours=hours),
        serial,
        registers,
        channels,
        change,
        SourceRef("f" * 64, line),
    )


def test_an_exchange_at_one_instant_is_removal_then_install_in_any_order() -> None:
    events = [
        event("NEW", 48, "install", channels=("AI", "AE"), line=4),
        event("OLD", 0, "install", line=1),
        event("OLD", 24, "reconfiguration", (DAY,), line=2),
        event("OLD", 48, "removal", (), (), line=3),
    ]
    timeline = timeline_from_events(events, version=3, known_from=BASE)
    assert [(p.meter_serial, p.started_by) for p in timeline.periods] == [
        ("OLD", ChangeKind.INSTALL),
        ("OLD", ChangeKind.RECONFIGURATION),
        ("NEW", ChangeKind.INSTALL),
    ]
    first, second, third = timeline.periods
    assert (first.end, second.start, second.end, third.start, third.end) == (
        BASE + timedelta(hours=24),
        BASE + timedelta(hours=24),
        BASE + timedelta(hours=48),
        BASE + timedelta(hours=48),
        None,
    )
    assert second.registers == (RegisterConfig("1", 5, Decimal(1), "00043"),)
    assert third.channels == (GB_MEASUREMENT_QUANTITIES["AI"], GB_MEASUREMENT_QUANTITIES["AE"])
    assert third.source == SourceRef("f" * 64, 4)
    assert (timeline.version, timeline.known_from) == (3, BASE)


def test_an_exact_repeat_from_another_file_is_absorbed() -> None:
    install = event("OLD", 0, "install", line=1)
    resent = event("OLD", 0, "install", line=99)
    timeline = timeline_from_events([install, resent])
    assert len(timeline.periods) == 1
    assert timeline.periods[0].source == install.source  # the first is kept


def test_channels_come_from_the_given_lookup() -> None:
    custom = ChannelConfig("E1", Direction.IMPORT, Unit.KWH, 5)
    timeline = timeline_from_events([event("M", 0, "install", channels=("E1",))], {"E1": custom})
    assert timeline.periods[0].channels == (custom,)
    lookup = timeline_from_events([event("M", 0, "install", channels=("E1",))], lambda _: custom)
    assert lookup.periods[0].channels == (custom,)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "no configuration events"),
        ([event("A", 0, "install"), event("B", 5, "install")], "has no removal"),
        ([event("A", 0, "removal")], "no meter is installed"),
        ([event("A", 0, "install"), event("B", 5, "removal")], "meter A is installed"),
        ([event("A", 0, "install"), event("A", 5, "swap")], "unknown configuration change"),
        ([event("A", 0, "install", channels=("ZZ",))], "channel 'ZZ'"),
        (
            [event("A", 0, "install"), event("A", 0, "install", supply_point_id="1035438531216")],
            "several supply points",
        ),
        ([event("A", 5, "install"), event("A", 5, "reconfiguration", (DAY,))], "no meter"),
        (
            [
                event("A", 0, "install"),
                event("A", 5, "reconfiguration", (DAY,)),
                event("A", 5, "reconfiguration", (NIGHT,)),
            ],
            "not after its period start",
        ),
    ],
)
def test_inconsistent_events_are_refused_naming_the_source(
    events: list[MeterConfigurationChanged], message: str
) -> None:
    with pytest.raises(ConfigurationTimelineError, match=message):
        timeline_from_events(events)


def test_errors_name_the_event_source() -> None:
    with pytest.raises(ConfigurationTimelineError, match=r"ffffffffffff:line 7"):
        timeline_from_events([event("A", 0, "install"), event("B", 1, "install", line=7)])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(1, 30)), min_size=1, max_size=6))
def test_events_of_a_history_rebuild_it(steps: list[tuple[int, int]]) -> None:
    """Install/removal events derived from a random history of meters give back its periods."""
    events, expected, cursor = [], [], 0
    for index, (gap, length) in enumerate(steps):
        start, end = cursor + gap, cursor + gap + length
        serial = f"M{index}"
        events += [event(serial, start, "install"), event(serial, end, "removal", (), ())]
        expected.append((serial, BASE + timedelta(hours=start), BASE + timedelta(hours=end)))
        cursor = end
    timeline = timeline_from_events(reversed(events))
    assert [(p.meter_serial, p.start, p.end) for p in timeline.periods] == expected
