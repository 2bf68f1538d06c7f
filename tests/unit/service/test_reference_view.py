"""The reference view a batch of interpretation reads: contexts, regimes, TOU and registers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.reads import Direction
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import SettlementRegime
from meter2cash.service.reference import ReferenceView, load_reference

EXAMPLES = Path(__file__).parents[3] / "examples" / "reference"
EXCHANGE_SP = "1200045678906"
MIGRATING = "2029261100771"  # legacy NHH until 2024-11-01, then MHHS
E7_LONDON = "1288527246430"  # SSC 0151: day 00043, night 00210
AU = "NCDE482883"


@pytest.fixture(scope="module")
def view() -> ReferenceView:
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    report = load_reference([EXAMPLES], uow_factory, datetime(2025, 1, 6, tzinfo=UTC))
    assert report.errors == []
    with uow_factory() as uow:
        return ReferenceView.load(
            uow, [EXCHANGE_SP, MIGRATING, E7_LONDON, AU, "UNKNOWN"], mdd=report.mdd
        )


def test_no_reference_data_answers_none(view: ReferenceView) -> None:
    assert view.channel_context("UNKNOWN", "AI", date(2024, 11, 1)) is None
    assert view.settlement_regime_on("UNKNOWN", date(2024, 11, 1)) is None
    assert view.tou_mapping("UNKNOWN", "AI", date(2024, 11, 1)) is None
    assert view.register_config("UNKNOWN", "M", "1", datetime(2024, 11, 1, tzinfo=UTC)) is None
    assert (view.market("UNKNOWN"), view.zone("UNKNOWN"), view.timeline("UNKNOWN")) == (
        None,
        None,
        None,
    )


def test_channel_context_on_both_clock_change_days(view: ReferenceView) -> None:
    spring = view.channel_context(E7_LONDON, "AI", date(2024, 3, 31))
    autumn = view.channel_context(E7_LONDON, "AI", date(2024, 10, 27))
    assert spring is not None and spring.expected_intervals == 46
    assert autumn is not None and autumn.expected_intervals == 50
    assert autumn.configured_all_day and autumn.direction is Direction.IMPORT
    assert view.channel_context(E7_LONDON, "AI", date(2024, 10, 27)) is autumn  # cached
    au = view.channel_context(AU, "B1", date(2024, 1, 1))
    assert au is not None and au.expected_intervals == 48 and au.direction is Direction.EXPORT
    assert (view.market(AU), view.zone(AU)) == (Market.AU, "NEM")


def test_settlement_regime_changes_on_the_migration_day(view: ReferenceView) -> None:
    assert view.settlement_regime_on(MIGRATING, date(2024, 10, 31)) is SettlementRegime.LEGACY_NHH
    # 2024-11-01 00:00 UTC is the start of the London day (GMT again since 27 October)
    assert view.settlement_regime_on(MIGRATING, date(2024, 11, 1)) is SettlementRegime.MHHS


def test_tou_mapping_names_the_registers_patterns_and_the_ssc(view: ReferenceView) -> None:
    mapping = view.tou_mapping(E7_LONDON, "AI", date(2024, 11, 5))
    assert mapping is not None
    assert (mapping.ssc, mapping.time_patterns) == ("0151", ("00043", "00210"))
    assert set(mapping.mdd_time_patterns) == {"00043", "00210"}
    # the worked example was reprogrammed to SSC 0244 (TPRs 00040/00206) in March 2024
    reprogrammed = view.tou_mapping(EXCHANGE_SP, "AI", date(2024, 6, 1))
    assert reprogrammed is not None and reprogrammed.ssc == "0244"
    assert reprogrammed.time_patterns == ("00040", "00206")


def test_register_config_at_a_reads_instant(view: ReferenceView) -> None:
    exchange = datetime(2024, 10, 25, 14, tzinfo=UTC)  # as corrected (version 2)
    # the old meter's final read at its removal instant: its last period's register
    old = view.register_config(EXCHANGE_SP, "K17A00123", "2", exchange)
    assert old is not None and (old.digits, old.time_pattern) == (5, "00206")
    new = view.register_config(EXCHANGE_SP, "S1E9876543", "1", exchange)
    assert new is not None and (new.digits, new.multiplier, new.channel) == (6, Decimal(1), "AI")
    # before the reprogramming, register 1 was the day register of SSC 0151
    early = view.register_config(EXCHANGE_SP, "K17A00123", "1", datetime(2024, 1, 1, tzinfo=UTC))
    assert early is not None and early.time_pattern == "00043"
    later = datetime(2024, 10, 26, tzinfo=UTC)
    assert view.register_config(EXCHANGE_SP, "K17A00123", "1", later) is None  # removed
    assert view.register_config(EXCHANGE_SP, "S1E9876543", "9", later) is None  # no register
