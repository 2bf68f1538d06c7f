"""Determine stage runner: curated channel-days -> monthly and daily determinants per supply point.

Each curated event marks its (supply point, month) dirty; the month is recomputed from the latest
curated versions, so any order or repetition of events gives the same determinants. A determinant
that no longer has data (its days were quarantined) gets a zero version rather than lingering.
"""

from __future__ import annotations

from datetime import date

from meter2cash import codec
from meter2cash.determine.energy import CuratedDay, month_determinants
from meter2cash.domain.billing import Determinant
from meter2cash.domain.events import ConsumptionCurated, DeterminantsComputed
from meter2cash.domain.keys import stable_key
from meter2cash.domain.time import month_of, next_month
from meter2cash.ports import UnitOfWork, UnitOfWorkFactory
from meter2cash.service.streams import CURATED, DETERMINANTS, entry

CONSUMER = "determine"
BATCH = 5_000


def _month(
    uow: UnitOfWork, supply_point_id: str, month_on: date, previous: list[Determinant]
) -> tuple[str, list[Determinant]] | None:
    """The month's fresh determinants plus zero versions retiring the ones that lost their data."""
    end_on = next_month(month_on)
    stored = uow.intervals.day_totals(supply_point_id, month_on, end_on)
    if not stored:
        return None
    curated = (
        CuratedDay(t.channel_day_id, t.channel, t.direction, t.unit, t.read_on, t.billable,
                   t.total_micro)
        for t in stored
    )  # fmt: skip
    fresh = month_determinants(supply_point_id, month_on, curated)
    fresh_keys = {d.natural_key for d in fresh}
    retired = [
        Determinant(old.supply_point_id, old.channel, old.kind, old.period_on, 0, old.unit, ())
        for old in previous
        if month_on <= old.period_on < end_on
        and old.natural_key not in fresh_keys
        and old.quantity_micro != 0
    ]
    return stored[0].market, fresh + retired


def _recompute(uow: UnitOfWork, dirty: set[tuple[str, date]]) -> None:
    """Recompute every dirty month; store all determinants in one batch; announce changed months."""
    previous: dict[str, list[Determinant]] = {}
    months: list[tuple[str, date, str, int]] = []  # supply point, month, market, count
    batch: list[Determinant] = []
    for supply_point_id, month_on in sorted(dirty):
        if supply_point_id not in previous:
            previous[supply_point_id] = [
                s.determinant for s in uow.determinants.latest(supply_point_id)
            ]
        computed = _month(uow, supply_point_id, month_on, previous[supply_point_id])
        if computed is None:
            continue
        market, determinants = computed
        months.append((supply_point_id, month_on, market, len(determinants)))
        batch.extend(determinants)
    results = iter(uow.determinants.put_many(batch))
    entries = []
    for supply_point_id, month_on, market, count in months:
        stored = [next(results) for _ in range(count)]
        if not any(changed for _, changed in stored):
            continue
        ids = tuple(sorted(row.id for row, _ in stored))
        event = DeterminantsComputed(supply_point_id, market, month_on, ids)
        key = stable_key("determinants", supply_point_id, month_on, *ids)
        entries.append(entry(DETERMINANTS, supply_point_id, event, key))
    uow.log.append_many(entries)


def run_determine(uow_factory: UnitOfWorkFactory, batch: int = BATCH) -> int:
    """Drain the curated stream; return how many (supply point, month) pairs were recomputed."""
    recomputed = 0
    while True:
        with uow_factory() as uow:
            after = uow.log.committed(CONSUMER, CURATED)
            records = uow.log.read(CURATED, after, batch)
            if not records:
                return recomputed
            dirty: set[tuple[str, date]] = set()
            for record in records:
                event: ConsumptionCurated = codec.event_from_payload(
                    record.event_type, record.payload
                )
                dirty.add((event.supply_point_id, month_of(event.read_on)))
            _recompute(uow, dirty)
            recomputed += len(dirty)
            uow.log.commit(CONSUMER, CURATED, records[-1].offset)
            uow.commit()
