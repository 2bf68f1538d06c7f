"""The meter-configuration timeline: validation, lookups, meter lives and read placement (C13-C15)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationPeriod,
    ConfigurationTimeline,
    ConfigurationTimelineError,
    ReadPlacement,
    RegisterConfig,
    Span,
)
from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction

SP = "1200045678906"
AI = ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 30)
AE = ChannelConfig("AE", Direction.EXPORT, Unit.KWH, 30)
R1 = RegisterConfig("1", 5, time_pattern="00043", channel="AI", direction=Direction.IMPORT)
R2 = RegisterConfig("2", 5, time_pattern="00210", channel="AI", direction=Direction.IMPORT)
BASE = datetime(2024, 1, 1, tzinfo=UTC)


def at(hours: float) -> datetime:
    return BASE + timedelta(hours=hours)


def period(
    serial: str,
    start: datetime,
    end: datetime | None,
    kind: ChangeKind = ChangeKind.INSTALL,
    registers: tuple[RegisterConfig, ...] = (R1, R2),
    channels: tuple[ChannelConfig, ...] = (AI,),
) -> ConfigurationPeriod:
    return ConfigurationPeriod(SP, serial, start, end, registers, channels, kind)


EXCHANGE = ConfigurationTimeline(
    SP,
    (
        period("OLD", at(0), at(100)),
        period("OLD", at(100), at(200), ChangeKind.RECONFIGURATION, (R1,)),
        period("NEW", at(200), None, channels=(AI, AE)),  # exchanged at the same instant
    ),
)


# --- lookups -------------------------------------------------------------------------------------


def test_in_force_at_is_half_open_and_an_exchange_leaves_no_gap() -> None:
    assert EXCHANGE.in_force_at(at(-1)) is None
    assert EXCHANGE.in_force_at(at(0)).meter_serial == "OLD"  # type: ignore[union-attr]
    just_before = at(200) - timedelta(microseconds=1)
    assert EXCHANGE.in_force_at(just_before).meter_serial == "OLD"  # type: ignore[union-attr]
    assert EXCHANGE.in_force_at(at(200)).meter_serial == "NEW"  # type: ignore[union-attr]
    assert EXCHANGE.in_force_at(at(10_000)).meter_serial == "NEW"  # type: ignore[union-attr]


def test_in_force_at_accepts_any_aware_instant_and_refuses_naive() -> None:
    bst = timezone(timedelta(hours=1))
    assert EXCHANGE.in_force_at(at(200).astimezone(bst)).meter_serial == "NEW"  # type: ignore[union-attr]
    with pytest.raises(DomainError):
        EXCHANGE.in_force_at(datetime(2024, 1, 5))  # noqa: DTZ001 - the point of the test


def test_periods_overlapping_is_half_open() -> None:
    assert [p.meter_serial for p in EXCHANGE.periods_overlapping(at(150), at(200))] == ["OLD"]
    assert [p.meter_serial for p in EXCHANGE.periods_overlapping(at(150), at(201))] == [
        "OLD",
        "NEW",
    ]
    assert len(EXCHANGE.periods_overlapping(at(50), None)) == 3
    assert EXCHANGE.periods_overlapping(at(-10), at(0)) == ()


def test_meter_lives_join_reconfigurations() -> None:
    assert EXCHANGE.meter_lives("OLD") == (Span(at(0), at(200)),)
    assert EXCHANGE.meter_lives("NEW") == (Span(at(200), None),)
    assert EXCHANGE.meter_serials() == ("OLD", "NEW")


# --- read placement (C13 register not configured, C14 outside meter life, C15 meter identity) ---


@pytest.mark.parametrize(
    ("serial", "hours", "register", "expected"),
    [
        ("OLD", 0, "1", ReadPlacement.IN_LIFE),  # the initial read at install
        ("OLD", -0.5, "1", ReadPlacement.BEFORE_INSTALL),
        ("OLD", 150, "2", ReadPlacement.UNKNOWN_REGISTER),  # removed at the reconfiguration
        ("OLD", 100, "2", ReadPlacement.IN_LIFE),  # at the reconfiguration: either set counts
        ("OLD", 200, "1", ReadPlacement.IN_LIFE),  # the final read at removal
        ("OLD", 200.5, "1", ReadPlacement.AFTER_REMOVAL),
        ("NEW", 199.5, "1", ReadPlacement.BEFORE_INSTALL),
        ("NEW", 200, None, ReadPlacement.IN_LIFE),
        ("GHOST", 50, None, ReadPlacement.UNKNOWN_METER),
    ],
)
def test_place_read(serial: str, hours: float, register: str | None, expected: str) -> None:
    assert EXCHANGE.place_read(serial, at(hours), register) is expected


def test_place_read_between_two_lives_of_one_meter() -> None:
    timeline = ConfigurationTimeline(
        SP, (period("M", at(0), at(10)), period("X", at(10), at(20)), period("M", at(20), None))
    )
    assert timeline.place_read("M", at(15)) is ReadPlacement.BETWEEN_LIVES
    assert timeline.meter_lives("M") == (Span(at(0), at(10)), Span(at(20), None))


# --- validation on construction ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ((period("A", at(0), None), period("B", at(5), None)), "never removed"),
        ((period("A", at(0), at(10)), period("B", at(9), None)), "overlaps meter A"),
        (
            (period("A", at(0), at(10)), period("B", at(10), None, ChangeKind.RECONFIGURATION)),
            "directly continue",
        ),
        (
            (period("A", at(0), at(10)), period("A", at(11), None, ChangeKind.RECONFIGURATION)),
            "directly continue",
        ),
        ((period("A", at(0), None, ChangeKind.RECONFIGURATION),), "before any install"),
    ],
)
def test_inconsistent_timelines_are_refused(
    periods: tuple[ConfigurationPeriod, ...], message: str
) -> None:
    with pytest.raises(ConfigurationTimelineError, match=message):
        ConfigurationTimeline(SP, periods)


def test_a_period_of_another_supply_point_is_refused() -> None:
    other = ConfigurationPeriod("1035438531216", "A", at(0), None)
    with pytest.raises(ConfigurationTimelineError, match="in the timeline of"):
        ConfigurationTimeline(SP, (other,))


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: period("A", at(10), at(10)), "must be after start"),
        (lambda: period("A", at(10), at(5)), "must be after start"),
        (lambda: period("A", at(0), None, registers=(R1, R1)), "listed twice: 1"),
        (lambda: period("A", at(0), None, channels=(AI, AI)), "listed twice: AI"),
        (lambda: period("", at(0), None), "needs a serial"),
        (
            lambda: period(
                "A", at(0), None, registers=(RegisterConfig("1", 5, final_read=Decimal(1)),)
            ),
            "final read but no end",
        ),
        (
            lambda: period(
                "A",
                at(0),
                None,
                registers=(RegisterConfig("9", 5, channel="AI", direction="export"),),  # type: ignore[arg-type]
            ),
            "is export but its channel AI is import",
        ),
        (lambda: RegisterConfig("1", 0), "digits must be 1..15"),
        (lambda: RegisterConfig("1", 5, Decimal(0)), "multiplier must be positive"),
        (lambda: RegisterConfig("1", 5, initial_read=Decimal(100000)), "does not fit 5 digits"),
        (lambda: RegisterConfig("1", 5, final_read=Decimal(-1)), "does not fit"),
        (lambda: ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 7), "do not tile a day"),
        (lambda: ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 0), "1..1440"),
        (lambda: ChannelConfig("AI", "sideways", Unit.KWH, 30), "sideways"),  # type: ignore[arg-type]
        (lambda: ConfigurationTimeline(SP, (), version=0), "positive int"),
    ],
)
def test_invalid_configuration_values_are_refused(build: object, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        build()  # type: ignore[operator]


def test_construction_sorts_periods() -> None:
    shuffled = list(EXCHANGE.periods)
    random.Random(4).shuffle(shuffled)
    assert ConfigurationTimeline(SP, tuple(shuffled)) == EXCHANGE


# --- properties ----------------------------------------------------------------------------------

# One step of a random history: gap before it (0 = exchange or reconfiguration at the same
# instant), its length, and whether a zero-gap step reconfigures the same meter.
_steps = st.lists(
    st.tuples(st.integers(0, 3), st.integers(1, 48), st.booleans()), min_size=1, max_size=8
)


def _history(steps: list[tuple[int, int, bool]], open_end: bool) -> ConfigurationTimeline:
    periods: list[ConfigurationPeriod] = []
    cursor = BASE
    for index, (gap, length, reconfigure) in enumerate(steps):
        start = cursor + timedelta(minutes=30 * gap)
        end = (
            None if open_end and index == len(steps) - 1 else start + timedelta(minutes=30 * length)
        )
        continues = periods and gap == 0 and reconfigure
        serial = periods[-1].meter_serial if continues else f"M{index}"
        kind = ChangeKind.RECONFIGURATION if continues else ChangeKind.INSTALL
        periods.append(period(serial, start, end, kind, registers=(R1,) if index % 2 else (R1, R2)))
        cursor = end or start
    return ConfigurationTimeline(SP, tuple(periods))


@settings(max_examples=150, deadline=None)
@given(_steps, st.booleans(), st.lists(st.integers(-60, 60 * 24 * 20), max_size=30))
def test_in_force_at_agrees_with_the_periods(
    steps: list[tuple[int, int, bool]], open_end: bool, probes: list[int]
) -> None:
    timeline = _history(steps, open_end)
    instants = [BASE + timedelta(minutes=m) for m in probes]
    instants += [p.start for p in timeline.periods] + [p.end for p in timeline.periods if p.end]
    for instant in instants:
        containing = [p for p in timeline.periods if p.span.contains(instant)]
        assert len(containing) <= 1  # never two meters at once
        assert timeline.in_force_at(instant) == (containing[0] if containing else None)


@settings(max_examples=150, deadline=None)
@given(_steps, st.booleans())
def test_exchanges_leave_neither_gap_nor_overlap(
    steps: list[tuple[int, int, bool]], open_end: bool
) -> None:
    timeline = _history(steps, open_end)
    for before, after in zip(timeline.periods, timeline.periods[1:], strict=False):
        assert before.end is not None and before.end <= after.start
        if before.end == after.start:  # an exchange (or reconfiguration) at one instant
            tick = timedelta(microseconds=1)
            assert timeline.in_force_at(after.start - tick) == before
            assert timeline.in_force_at(after.start) == after


@settings(max_examples=100, deadline=None)
@given(_steps, st.booleans(), st.integers(-60, 60 * 24 * 10), st.integers(1, 60 * 24 * 5))
def test_periods_overlapping_agrees_with_in_force_at(
    steps: list[tuple[int, int, bool]], open_end: bool, offset: int, length: int
) -> None:
    timeline = _history(steps, open_end)
    start = BASE + timedelta(minutes=offset)
    end = start + timedelta(minutes=length)
    overlapping = timeline.periods_overlapping(start, end)
    sampled = {timeline.in_force_at(start + timedelta(minutes=m)) for m in range(0, length, 30)} - {
        None
    }
    assert sampled <= set(overlapping)  # every half-hour's period is found
    for found in overlapping:
        assert found.span.overlaps(start, end)
