"""The reference store behaves the same on every adapter (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationPeriod,
    ConfigurationTimeline,
    ConfigurationTimelineError,
    RegisterConfig,
)
from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, SourceRef
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import (
    ALWAYS,
    EffectiveSeries,
    Energisation,
    GbAttributes,
    SettlementRegime,
    SupplyPoint,
)
from meter2cash.ports import StoredReference

MPAN = "1200045678906"
LOADED = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
KNOWN_V1 = datetime(2024, 10, 29, 8, tzinfo=UTC)
KNOWN_V2 = datetime(2024, 11, 4, 12, tzinfo=UTC)
EXCHANGE = datetime(2024, 10, 28, 10, 30, tzinfo=UTC)


def _gb_supply_point() -> SupplyPoint:
    return SupplyPoint(
        MPAN,
        Market.GB,
        "Europe/London",
        EffectiveSeries.of(
            [
                (datetime(2023, 3, 14, tzinfo=UTC), SettlementRegime.LEGACY_NHH),
                (datetime(2025, 2, 1, tzinfo=UTC), SettlementRegime.MHHS),
            ]
        ),
        EffectiveSeries.constant(Energisation.ENERGISED, ALWAYS),
        GbAttributes(
            profile_class=EffectiveSeries.constant("02", ALWAYS),
            standard_settlement_configuration=EffectiveSeries.of(
                [(datetime(2023, 3, 14, tzinfo=UTC), "0151"), (EXCHANGE, "0244")]
            ),
        ),
    )


def _periods(exchange_at: datetime = EXCHANGE) -> tuple[ConfigurationPeriod, ...]:
    old = ConfigurationPeriod(
        MPAN,
        "K17A00123",
        datetime(2023, 3, 14, 9, tzinfo=UTC),
        exchange_at,
        (
            RegisterConfig("1", 5, Decimal("1.50"), "00043", None, Direction.IMPORT, Decimal(0)),
            RegisterConfig("2", 5, Decimal(1), "00210", None, None, None, Decimal("2790")),
        ),
        source=SourceRef("history.yaml", 27),
    )
    new = ConfigurationPeriod(
        MPAN,
        "S1E9876543",
        exchange_at,
        None,
        (RegisterConfig("1", 6, channel="AI", direction=Direction.IMPORT),),
        (
            ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 30),
            ChannelConfig("AE", Direction.EXPORT, Unit.KWH, 30),
        ),
        ChangeKind.INSTALL,
        SourceRef("history.yaml", 40, "seg"),
    )
    return (old, new)


def _reference(
    version: int = 1,
    known_from: datetime | None = KNOWN_V1,
    periods: tuple[ConfigurationPeriod, ...] | None = None,
    source: str = "history.yaml",
) -> StoredReference:
    timeline = ConfigurationTimeline(MPAN, periods or _periods(), version, known_from)
    return StoredReference(_gb_supply_point(), timeline, LOADED, source)


def _other(supply_point_id: str, version: int = 1) -> StoredReference:
    supply_point = SupplyPoint(supply_point_id, Market.OTHER, "UTC")
    timeline = ConfigurationTimeline(supply_point_id, (), version, KNOWN_V1)
    return StoredReference(supply_point, timeline, LOADED, "bulk.csv")


def test_a_version_reads_back_exactly(uow_factory) -> None:
    reference = _reference()
    with uow_factory() as uow:
        assert uow.reference.put(reference, "k1") == 1
        uow.commit()
    with uow_factory() as uow:
        found = uow.reference.latest([MPAN])[MPAN]
    assert found == reference
    assert found.version == 1 and found.known_from == KNOWN_V1
    assert found.loaded_at == LOADED and found.source_name == "history.yaml"
    # where each period was read is kept too (it does not take part in equality)
    assert [p.source for p in found.timeline.periods] == [p.source for p in _periods()]
    register = found.timeline.periods[0].register("1")
    assert register is not None and str(register.multiplier) == "1.50"


def test_annual_consumption_reads_back_exactly(uow_factory) -> None:
    reference = _reference()
    eac = EffectiveSeries.of(
        [(datetime(2023, 3, 14, tzinfo=UTC), Decimal("3100.50")),
         (datetime(2024, 3, 14, tzinfo=UTC), Decimal("2875.123456"))]
    )  # fmt: skip
    supply_point = dataclasses.replace(reference.supply_point, annual_consumption_kwh=eac)
    with uow_factory() as uow:
        uow.reference.put(dataclasses.replace(reference, supply_point=supply_point), "k1")
        uow.commit()
    with uow_factory() as uow:
        found = uow.reference.latest([MPAN])[MPAN].supply_point
    assert found == supply_point
    assert [str(e.value) for e in found.annual_consumption_kwh.entries] == [
        "3100.50",
        "2875.123456",
    ]
    assert found.annual_consumption_at(datetime(2024, 3, 13, 23, tzinfo=UTC)) == Decimal("3100.5")


def test_the_same_content_key_twice_is_a_no_op(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.reference.put(_reference(), "k1") == 1
        # the same knowledge, even built as the next version, is not stored again
        assert uow.reference.put(_reference(version=2), "k1") is None
        uow.commit()
    with uow_factory() as uow:
        assert [r.version for r in uow.reference.versions(MPAN)] == [1]
        assert uow.reference.content_keys([MPAN, "nothing"]) == {MPAN: frozenset({"k1"})}


def test_a_version_must_follow_the_latest_and_know_from_when(uow_factory) -> None:
    with uow_factory() as uow:
        with pytest.raises(ConfigurationTimelineError, match="does not follow"):
            uow.reference.put(_reference(version=2), "k1")
        with pytest.raises(ConfigurationTimelineError, match="known_from"):
            uow.reference.put(_reference(known_from=None), "k1")
        assert uow.reference.put(_reference(), "k1") == 1
        with pytest.raises(ConfigurationTimelineError, match="does not follow"):
            uow.reference.put(_reference(version=1), "k2")


def test_naive_loaded_at_is_refused(uow_factory) -> None:
    reference = _reference()
    naive = StoredReference(
        reference.supply_point, reference.timeline, LOADED.replace(tzinfo=None), "x"
    )
    with uow_factory() as uow, pytest.raises(DomainError):
        uow.reference.put(naive, "k1")


def test_latest_and_as_known_at(uow_factory) -> None:
    corrected = _periods(datetime(2024, 10, 25, 14, tzinfo=UTC))
    with uow_factory() as uow:
        uow.reference.put(_reference(), "k1")
        uow.reference.put(_reference(2, KNOWN_V2, corrected, "correction.yaml"), "k2")
        uow.commit()
    with uow_factory() as uow:
        latest = uow.reference.latest([MPAN])[MPAN]
        then = uow.reference.latest([MPAN], known_at=datetime(2024, 11, 1, tzinfo=UTC))[MPAN]
        at_v2 = uow.reference.latest([MPAN], known_at=KNOWN_V2)[MPAN]
        before = uow.reference.latest([MPAN], known_at=datetime(2024, 1, 1, tzinfo=UTC))
        versions = uow.reference.versions(MPAN)
    assert (latest.version, latest.source_name, latest.timeline.periods) == (
        2,
        "correction.yaml",
        corrected,
    )
    assert then.version == 1 and then.timeline.periods == _periods()
    assert at_v2.version == 2  # known_from is inclusive
    assert before == {}
    assert [v.version for v in versions] == [1, 2]
    assert [v.known_from for v in versions] == [KNOWN_V1, KNOWN_V2]


def test_latest_is_one_batch_over_many_supply_points(uow_factory) -> None:
    ids = [f"SP-{n:04d}" for n in range(520)]  # more than one IN (...) chunk
    with uow_factory() as uow:
        for supply_point_id in ids:
            uow.reference.put(_other(supply_point_id), f"key-{supply_point_id}")
        uow.reference.put(_other(ids[7], version=2), "again")
        uow.reference.put(_reference(), "k1")
        uow.commit()
    with uow_factory() as uow:
        found = uow.reference.latest([*ids, MPAN, "UNKNOWN", ids[0]])
        assert uow.reference.supply_point_ids() == sorted([*ids, MPAN])
        keys = uow.reference.content_keys(ids)
    assert set(found) == {*ids, MPAN}
    assert found[ids[7]].version == 2 and found[ids[8]].version == 1
    assert found[ids[3]].supply_point == SupplyPoint(ids[3], Market.OTHER, "UTC")
    assert keys[ids[7]] == {"key-SP-0007", "again"} and len(keys) == len(ids)


def test_empty_and_unknown(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.reference.latest([]) == {}
        assert uow.reference.latest(["nobody"]) == {}
        assert uow.reference.versions("nobody") == []
        assert uow.reference.content_keys([]) == {}
        assert uow.reference.supply_point_ids() == []


def test_a_rolled_back_version_is_gone(uow_factory) -> None:
    with uow_factory() as uow:
        uow.reference.put(_reference(), "k1")
    with uow_factory() as uow:
        assert uow.reference.latest([MPAN]) == {}
        assert uow.reference.put(_reference(), "k1") == 1  # and may be stored afterwards
