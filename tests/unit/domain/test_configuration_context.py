"""Supply point attributes over time, and the per channel-day context the validation rules use."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter2cash.domain.channel_context import RegisterContext, channel_context
from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationPeriod,
    ConfigurationTimeline,
    RegisterConfig,
)
from meter2cash.domain.errors import DomainError, InvalidSupplyPointError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import (
    ALWAYS,
    EffectiveSeries,
    Energisation,
    GbAttributes,
    SettlementRegime,
    SupplyPoint,
)
from meter2cash.domain.time import Interval

SP = "1200045678906"
AUTUMN = date(2024, 10, 27)  # 50 half-hours in Europe/London
AI = ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 30)
AI15 = ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 15)
AE = ChannelConfig("AE", Direction.EXPORT, Unit.KWH, 30)
DAY = RegisterConfig("1", 5, time_pattern="00043", channel="AI", direction=Direction.IMPORT)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


MIGRATION = utc(2024, 11, 1)
SUPPLY = SupplyPoint(
    SP,
    Market.GB,
    "Europe/London",
    EffectiveSeries.of([(ALWAYS, SettlementRegime.LEGACY_NHH), (MIGRATION, SettlementRegime.MHHS)]),
    EffectiveSeries.of(
        [(ALWAYS, Energisation.ENERGISED), (utc(2024, 12, 5, 12), Energisation.DE_ENERGISED)]
    ),
    GbAttributes(standard_settlement_configuration=EffectiveSeries.constant("0151", ALWAYS)),
)


# --- effective-dated attributes -------------------------------------------------------------------


def test_settlement_regime_migrates_on_its_date() -> None:
    assert (
        SUPPLY.settlement_regime_at(MIGRATION - timedelta(seconds=1)) is SettlementRegime.LEGACY_NHH
    )
    assert SUPPLY.settlement_regime_at(MIGRATION) is SettlementRegime.MHHS
    assert SUPPLY.energised_at(utc(2024, 12, 5, 11)) is True
    assert SUPPLY.energised_at(utc(2024, 12, 5, 12)) is False
    assert SupplyPoint(SP, Market.GB, "Europe/London").energised_at(MIGRATION) is None


def test_effective_series_values_and_changes() -> None:
    series = EffectiveSeries.of([(utc(2024, 1, 1), "a"), (utc(2024, 2, 1), "b")])
    assert series.value_at(utc(2023, 12, 31)) is None
    assert series.value_at(utc(2024, 1, 31)) == "a"
    assert series.values_over(utc(2023, 12, 1), utc(2024, 3, 1)) == (None, "a", "b")
    assert series.changes_within(utc(2024, 1, 1), utc(2024, 3, 1)) == (utc(2024, 2, 1),)
    with pytest.raises(DomainError, match="increasing starts"):
        EffectiveSeries.of([(utc(2024, 2, 1), "b"), (utc(2024, 1, 1), "a")])


@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=10, unique=True), st.integers(-10, 10_010)
)
def test_value_at_is_the_latest_start_not_after_the_instant(starts: list[int], probe: int) -> None:
    ordered = sorted(starts)
    series = EffectiveSeries.of([(utc(2024, 1, 1) + timedelta(hours=s), s) for s in ordered])
    expected = max((s for s in ordered if s <= probe), default=None)
    assert series.value_at(utc(2024, 1, 1) + timedelta(hours=probe)) == expected


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: SupplyPoint("1200045678907", Market.GB, "Europe/London"), InvalidSupplyPointError),
        (lambda: SupplyPoint(SP, Market.GB, "Mars/Olympus"), DomainError),
        (lambda: SupplyPoint("NCDE459126", Market.AU, "NEM", gb=GbAttributes()), DomainError),
        (
            lambda: GbAttributes(profile_class=EffectiveSeries.constant("1", ALWAYS)),
            DomainError,
        ),
        (
            lambda: GbAttributes(
                standard_settlement_configuration=EffectiveSeries.constant("151", ALWAYS)
            ),
            DomainError,
        ),
    ],
)
def test_invalid_supply_points_are_refused(build: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        build()  # type: ignore[operator]


# --- channel context ------------------------------------------------------------------------------


def timeline(*periods: ConfigurationPeriod, version: int = 1) -> ConfigurationTimeline:
    return ConfigurationTimeline(SP, periods, version)


def test_a_plain_day_on_the_autumn_clock_change() -> None:
    context = channel_context(
        timeline(ConfigurationPeriod(SP, "M1", utc(2024, 1, 1), None, (DAY,), (AI,))),
        SUPPLY,
        "AI",
        AUTUMN,
    )
    assert context.day == Interval(utc(2024, 10, 26, 23), utc(2024, 10, 28, 0))
    assert (context.expected_interval_minutes, context.expected_intervals) == (30, 50)
    assert (context.direction, context.unit, context.consistent) == (
        Direction.IMPORT,
        Unit.KWH,
        True,
    )
    assert context.configured_all_day and context.expected_mask() == (True,) * 50
    assert context.energised is True and context.energisation_changed_at == ()
    assert context.settlement_regime is SettlementRegime.LEGACY_NHH
    assert context.meter_serials == ("M1",) and not context.meter_exchanged
    assert context.registers == (
        RegisterContext("M1", "1", 5, DAY.multiplier, "00043", "AI", Direction.IMPORT),
    )
    assert context.configuration_version == 1


def test_a_meter_exchange_during_the_day() -> None:
    exchange_at = utc(2024, 10, 27, 10, 30)
    context = channel_context(
        timeline(
            ConfigurationPeriod(SP, "OLD", utc(2024, 1, 1), exchange_at, (DAY,), (AI,)),
            ConfigurationPeriod(SP, "NEW", exchange_at, None, (), (AI, AE)),
            version=4,
        ),
        SUPPLY,
        "AE",
        AUTUMN,
    )
    assert context.meter_serials == ("OLD", "NEW") and context.meter_exchanged
    assert context.installed_at == (exchange_at,) and context.removed_at == (exchange_at,)
    assert context.configured_spans == (Interval(exchange_at, utc(2024, 10, 28)),)
    mask = context.expected_mask()
    assert len(mask) == 50 and mask.count(False) == 23  # 23:00Z..10:30Z: no AE channel yet
    assert context.configuration_version == 4
    ai = channel_context(
        timeline(
            ConfigurationPeriod(SP, "OLD", utc(2024, 1, 1), exchange_at, (DAY,), (AI,)),
            ConfigurationPeriod(SP, "NEW", exchange_at, None, (), (AI, AE)),
        ),
        SUPPLY,
        "AI",
        AUTUMN,
    )
    assert ai.configured_all_day  # carried by both meters: one merged span


def test_a_reconfiguration_is_neither_install_nor_removal_but_can_be_inconsistent() -> None:
    change_at = utc(2024, 10, 27, 12)
    context = channel_context(
        timeline(
            ConfigurationPeriod(SP, "M", utc(2024, 1, 1), change_at, (DAY,), (AI,)),
            ConfigurationPeriod(
                SP, "M", change_at, None, (DAY,), (AI15,), ChangeKind.RECONFIGURATION
            ),
        ),
        SUPPLY,
        "AI",
        AUTUMN,
    )
    assert context.installed_at == () and context.removed_at == ()
    assert not context.consistent and context.expected_interval_minutes is None
    assert context.expected_mask() == ()


def test_removal_without_successor_energisation_change_and_unknown_channel() -> None:
    removed = utc(2024, 12, 5, 15)
    periods = timeline(ConfigurationPeriod(SP, "M", utc(2024, 1, 1), removed, (DAY,), (AI,)))
    context = channel_context(periods, SUPPLY, "AI", date(2024, 12, 5))
    assert context.removed_at == (removed,)
    assert context.energised is True  # energised until 12:00
    assert context.energisation_changed_at == (utc(2024, 12, 5, 12),)
    assert context.settlement_regime is SettlementRegime.MHHS
    after = channel_context(periods, SUPPLY, "AI", date(2024, 12, 6))
    assert after.energised is False and not after.configured and after.meter_serials == ()
    missing = channel_context(periods, SUPPLY, "RI", date(2024, 12, 1))
    assert (
        not missing.configured and missing.direction is None and missing.expected_intervals is None
    )


def test_context_of_another_supply_points_timeline_is_refused() -> None:
    other = ConfigurationTimeline("1035438531216")
    with pytest.raises(DomainError, match="used for supply point"):
        channel_context(other, SUPPLY, "AI", AUTUMN)
