"""DeterminantStore contract: versioned by natural key, unchanged content is a no-op, lineage kept."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.contract.builders import determinant

from meter2cash.domain.billing import DeterminantKind
from meter2cash.domain.errors import NotFoundError
from meter2cash.ports import UnitOfWorkFactory


def test_put_new_unchanged_and_changed(uow_factory) -> None:
    original = determinant(12_345_678)
    with uow_factory() as uow:
        first, created = uow.determinants.put(original)
        assert (created, first.version, first.determinant) == (True, 1, original)
        assert uow.determinants.put(original) == (first, False)
        changed = determinant(12_345_679)
        second, created = uow.determinants.put(changed)
        assert (created, second.version, second.determinant) == (True, 2, changed)
        assert second.id != first.id
        relinked, created = uow.determinants.put(determinant(12_345_679, channel_day_ids=(1, 2, 9)))
        assert (created, relinked.version) == (True, 3)  # new lineage is a new version too
        uow.commit()
    with uow_factory() as uow:
        assert uow.determinants.get(first.id) == first  # earlier versions are kept
        assert uow.determinants.latest() == [relinked]


def test_exact_quantities_and_lineage_round_trip(uow_factory) -> None:
    big = determinant(9_007_199_254_740_993, channel_day_ids=(2**40, 7))  # beyond 2^53 and 2^31
    negative = determinant(-1, kind=DeterminantKind.MONTHLY_EXPORT, channel="B1")
    with uow_factory() as uow:
        ids = [uow.determinants.put(d)[0].id for d in (big, negative)]
        uow.commit()
    with uow_factory() as uow:
        assert [uow.determinants.get(i).determinant for i in ids] == [big, negative]


def test_latest_filters_and_order(uow_factory) -> None:
    jan, feb = date(2024, 1, 1), date(2024, 2, 1)
    puts = [
        determinant(1, "sp-b", jan),
        determinant(2, "sp-a", feb),
        determinant(3, "sp-a", jan, DeterminantKind.MONTHLY_DAYS, channel=""),
        determinant(4, "sp-a", jan, channel="E1"),
        determinant(5, "sp-a", jan, channel="B1", kind=DeterminantKind.MONTHLY_EXPORT),
        determinant(6, "sp-a", jan, channel="E1"),  # a new version of the fourth
    ]
    with uow_factory() as uow:
        for item in puts:
            uow.determinants.put(item)
        uow.commit()
    with uow_factory() as uow:
        store = uow.determinants
        assert [s.determinant.quantity_micro for s in store.latest()] == [3, 5, 6, 2, 1]
        assert [s.determinant.quantity_micro for s in store.latest("sp-a")] == [3, 5, 6, 2]
        assert [s.determinant.quantity_micro for s in store.latest(period_on=jan)] == [3, 5, 6, 1]
        assert [
            s.determinant.quantity_micro
            for s in store.latest("sp-a", DeterminantKind.MONTHLY_IMPORT)
        ] == [6, 2]
        assert [s.version for s in store.latest("sp-a", DeterminantKind.MONTHLY_IMPORT, jan)] == [2]
        assert store.latest("sp-z") == []


def test_get_unknown_is_not_found(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(NotFoundError):
        uow.determinants.get(31337)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(puts=st.lists(st.tuples(st.sampled_from(["sp-a", "sp-b"]), st.integers(0, 2)), max_size=15))
def test_versions_count_content_changes(uow_factory: UnitOfWorkFactory, puts) -> None:
    history: dict[str, list[int]] = {}
    with uow_factory() as uow:  # never committed: each example starts empty
        for supply_point_id, quantity in puts:
            seen = history.setdefault(supply_point_id, [])
            stored, created = uow.determinants.put(determinant(quantity, supply_point_id))
            assert created == (not seen or seen[-1] != quantity)
            if created:
                seen.append(quantity)
            assert stored.version == len(seen)
        latest = {s.determinant.supply_point_id: s for s in uow.determinants.latest()}
        assert {sp: (s.version, s.determinant.quantity_micro) for sp, s in latest.items()} == {
            sp: (len(seen), seen[-1]) for sp, seen in history.items()
        }
