"""Rate stage runner: determinants -> issued bills.

Bills are immutable: when a month's rating changes, a new bill version is issued that names the one
it supersedes (delta credit/debit lines come with the corrections work). Re-rating to identical lines
issues nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from meter2cash import codec
from meter2cash.domain.billing import DeterminantKind, FlatTariff
from meter2cash.domain.events import BillIssued, DeterminantsComputed
from meter2cash.ports import UnitOfWork, UnitOfWorkFactory
from meter2cash.rate.flat import rate_month
from meter2cash.service.streams import BILLS, DETERMINANTS, append_event

CONSUMER = "rate"
BATCH = 1_000
_MONTHLY = {
    DeterminantKind.MONTHLY_DAYS,
    DeterminantKind.MONTHLY_IMPORT,
    DeterminantKind.MONTHLY_EXPORT,
}


def _rate(
    uow: UnitOfWork,
    supply_point_id: str,
    market: str,
    month_on: date,
    tariffs: dict[str, FlatTariff],
    unrated: list[str],
) -> bool:
    tariff = tariffs.get(market)
    if tariff is None:
        unrated.append(f"{supply_point_id} {month_on:%Y-%m}: no tariff for market {market}")
        return False
    determinants = [
        (s.id, s.determinant)
        for s in uow.determinants.latest(supply_point_id, period_on=month_on)
        if s.determinant.kind in _MONTHLY and s.determinant.quantity_micro != 0
    ]
    bill = rate_month(supply_point_id, month_on, determinants, tariff)
    if bill is None:
        return False
    previous = uow.bills.latest(supply_point_id, month_on)
    if previous is not None:
        if previous.content_key == bill.content_key:
            return False
        bill = replace(bill, version=previous.version + 1, supersedes=previous.bill_id)
    uow.bills.issue(bill)
    event = BillIssued(
        bill.bill_id, supply_point_id, month_on, bill.currency, bill.total, bill.supersedes
    )
    append_event(uow.log, BILLS, supply_point_id, event, bill.bill_id)
    return True


def run_rate(
    uow_factory: UnitOfWorkFactory,
    tariffs: dict[str, FlatTariff],
    unrated: list[str] | None = None,
    batch: int = BATCH,
) -> int:
    """Drain the determinants stream; return how many bills were issued.

    A supply point whose market has no tariff is not billed and not an error for the rest of the
    batch: it is listed in ``unrated`` (shown by the CLI). Its months are rated when their
    determinants next change; adding a tariff later does not yet re-rate them on its own.
    """
    issued = 0
    unrated = [] if unrated is None else unrated
    while True:
        with uow_factory() as uow:
            after = uow.log.committed(CONSUMER, DETERMINANTS)
            records = uow.log.read(DETERMINANTS, after, batch)
            if not records:
                return issued
            dirty: dict[tuple[str, date], str] = {}
            for record in records:
                event: DeterminantsComputed = codec.event_from_payload(
                    record.event_type, record.payload
                )
                dirty[event.supply_point_id, event.period_on] = event.market
            for (supply_point_id, month_on), market in sorted(dirty.items()):
                issued += _rate(uow, supply_point_id, market, month_on, tariffs, unrated)
            uow.log.commit(CONSUMER, DETERMINANTS, records[-1].offset)
            uow.commit()
