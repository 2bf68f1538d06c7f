"""BillStore contract: issued bills are immutable, money and quantities come back identical."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.contract.builders import bill

from meter2cash.domain.billing import Bill
from meter2cash.domain.errors import DomainError
from meter2cash.ports import UnitOfWorkFactory


def decimals_of(item: Bill) -> list[tuple[object, ...]]:
    """Every exact number of a bill with its exponent: ``1.50`` and ``1.5`` are different here."""
    return [
        (d.as_tuple(), str(d))
        for line in item.lines
        for d in (line.quantity, line.rate, line.amount)
    ]


def test_issue_and_read_back_identical(uow_factory) -> None:
    issued = bill(energy_amount=Decimal("58.30"))
    with uow_factory() as uow:
        uow.bills.issue(issued)
        uow.commit()
    with uow_factory() as uow:
        stored = uow.bills.get(issued.bill_id)
    assert stored == issued
    assert stored is not None and decimals_of(stored) == decimals_of(issued)
    assert str(stored.total) == "75.97"  # 14.05 + 58.30 + 3.62: the sum of rounded lines


def test_issuing_a_bill_id_twice_is_refused(uow_factory) -> None:
    with uow_factory() as uow:
        uow.bills.issue(bill())
        uow.commit()
    with uow_factory() as uow:
        with pytest.raises(DomainError):
            uow.bills.issue(bill(energy_amount=Decimal("1.00")))
        assert uow.bills.get(bill().bill_id) == bill()


def test_latest_is_the_highest_version_of_the_period(uow_factory) -> None:
    jan, feb = date(2024, 1, 1), date(2024, 2, 1)
    with uow_factory() as uow:
        uow.bills.issue(bill(period_on=jan, version=1))
        uow.bills.issue(bill(period_on=jan, version=2, energy_amount=Decimal("60.00")))
        uow.bills.issue(bill(period_on=feb, version=1))
        uow.bills.issue(bill("other", period_on=jan, version=3))
        uow.commit()
    with uow_factory() as uow:
        latest = uow.bills.latest("6001234567", jan)
        assert latest == bill(period_on=jan, version=2, energy_amount=Decimal("60.00"))
        assert latest is not None and latest.supersedes == bill(period_on=jan).bill_id
        assert uow.bills.latest("6001234567", date(2023, 12, 1)) is None
        assert uow.bills.get("B-nobody-202401-v1") is None


def test_list_is_in_issue_order(uow_factory) -> None:
    issued = [bill("zeta"), bill("alpha"), bill("zeta", version=2), bill("mid")]
    for item in issued:  # one unit of work per bill, as a rating run would
        with uow_factory() as uow:
            uow.bills.issue(item)
            uow.commit()
    with uow_factory() as uow:
        assert [b.bill_id for b in uow.bills.list()] == [b.bill_id for b in issued]
        assert uow.bills.list() == issued


def test_a_bill_without_lines(uow_factory) -> None:
    empty = replace(bill(), lines=())
    with uow_factory() as uow:
        uow.bills.issue(empty)
        assert uow.bills.get(empty.bill_id) == empty
        assert uow.bills.list() == [empty]


exact = st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
    lambda d: abs(d.adjusted()) < 40
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(quantity=exact, rate=exact, amount=exact)
def test_any_finite_decimal_round_trips_identically(
    uow_factory: UnitOfWorkFactory, quantity: Decimal, rate: Decimal, amount: Decimal
) -> None:
    template = bill()
    line = replace(template.lines[1], quantity=quantity, rate=rate, amount=amount)
    issued = replace(template, lines=(template.lines[0], line))
    with uow_factory() as uow:  # never committed: each example starts empty
        uow.bills.issue(issued)
        stored = uow.bills.get(issued.bill_id)
    assert stored is not None and decimals_of(stored) == decimals_of(issued)
