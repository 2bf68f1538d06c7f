"""Corrections before and after a day hardens: new versions, then adjustments (never restated)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.adjustments import AdjustmentReason
from meter2cash.domain.billing import FlatTariff
from meter2cash.service import queries
from meter2cash.service.pipeline import run_chain
from meter2cash.service.status import read_status

TARIFFS = {
    "AU": FlatTariff("au", 1, "AU", "AUD", Decimal("100"), Decimal("20"), "GST", Decimal("0.1"))
}
DAY = date(2024, 1, 1)
# AU_NEM (interpret/harden/timetables.yaml, a team default): provisional after 7 days, hard after
# 210 days. Received on 2024-03-01 the day is provisional; on 2025-01-01 it is hard.
PROVISIONAL_AT = datetime(2024, 3, 1, tzinfo=UTC)
HARD_AT = datetime(2025, 1, 1, tzinfo=UTC)


def nem12(value: str, quality: str = "A") -> str:
    return (
        "100,NEM12,202403010000,MDP1,RET1\n200,NCDE000001,E1,1,E1,N1,M1,kWh,30,\n"
        f"300,20240101,{','.join([value] * 48)},{quality},,,20240301000000,\n900\n"
    )


@pytest.fixture
def chain(tmp_path: Path):
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")

    def run(name: str, text: str, at: datetime):
        path = tmp_path / "in" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        return run_chain([path], uow_factory, archive, TARIFFS, at)

    run.uow_factory = uow_factory  # type: ignore[attr-defined]
    return run


def _versions(chain):
    with chain.uow_factory() as uow:
        return uow.intervals.versions("NCDE000001", "E1", DAY)


def test_correction_after_hardening_is_exactly_one_adjustment_with_delta_and_links(chain):
    chain("a.csv", nem12("0.5"), PROVISIONAL_AT)
    (settled,) = _versions(chain)
    bills_before = queries.bills(chain.uow_factory, include_superseded=True)

    chain("b.csv", nem12("0.75"), HARD_AT)

    assert [v.version for v in _versions(chain)] == [1]  # hard data is not restated
    (adjustment,) = queries.adjustments(chain.uow_factory)
    assert adjustment["delta"] == "12"  # 48 x (0.75 - 0.5) kWh, exact
    assert adjustment["reason"] == str(AdjustmentReason.LATE_ACTUAL_DATA)
    assert adjustment["old_version_id"] == f"channel_day:{settled.id}"
    with chain.uow_factory() as uow:
        (stored,) = uow.adjustments.list()
    assert adjustment["new_version_id"] == stored.correction.content_key
    assert stored.correction.values == (Decimal("0.75"),) * 48
    assert (adjustment["from_on"], adjustment["to_on"]) == ("2024-01-01", "2024-01-02")
    assert queries.bills(chain.uow_factory, include_superseded=True) == bills_before
    with chain.uow_factory() as uow:
        raised = uow.log.read("curated.adjustments", 0, 10)
    assert [r.event_type for r in raised] == ["adjustment_raised"]


def test_the_same_correction_again_adds_nothing_and_a_second_one_adjusts_from_the_first(chain):
    chain("a.csv", nem12("0.5"), PROVISIONAL_AT)
    chain("b.csv", nem12("0.75"), HARD_AT)
    before = read_status(chain.uow_factory)
    again = chain("b-again.csv", nem12("0.75") + "\n", HARD_AT)  # same content, another file
    after = read_status(chain.uow_factory)
    assert again.curated == 0 and again.bills_issued == 0
    assert (after.adjustments, after.adjustment_deltas) == (1, before.adjustment_deltas)
    chain("c.csv", nem12("0.7"), HARD_AT)
    first, second = queries.adjustments(chain.uow_factory)
    assert (first["delta"], second["delta"]) == ("12", "-2.4")  # 48 x (0.70 - 0.75)
    assert second["old_version_id"] == first["new_version_id"]
    assert sum(Decimal(a["delta"]) for a in (first, second)) == Decimal("9.6")


def test_correction_before_hardening_is_a_new_version_not_an_adjustment(chain):
    chain("a.csv", nem12("0.5"), PROVISIONAL_AT)
    chain("b.csv", nem12("0.75"), PROVISIONAL_AT)
    assert [v.version for v in _versions(chain)] == [1, 2]
    assert queries.adjustments(chain.uow_factory) == []


def test_an_actual_replacing_an_estimate_on_a_hard_day_names_that_reason(chain):
    chain("a.csv", nem12("0.5", quality="E52"), PROVISIONAL_AT)
    chain("b.csv", nem12("0.6"), HARD_AT)
    (adjustment,) = queries.adjustments(chain.uow_factory)
    assert adjustment["reason"] == str(AdjustmentReason.ESTIMATE_REPLACED_BY_ACTUAL)
