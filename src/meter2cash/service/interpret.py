"""Interpret stage runner: raw channel-days -> versioned, validated, curated channel-days.

Consumes the raw stream from its committed offset; each batch's effects (new versions, issues,
billability, curated events) and the offset commit land in one transaction, so a crash repeats at
most a batch, and repeating a batch changes nothing (puts and appends are idempotent).
"""

from __future__ import annotations

from meter2cash import codec
from meter2cash.domain.events import ConsumptionCurated, ReadsReceived
from meter2cash.domain.keys import stable_key
from meter2cash.interpret.rules import conflicting_duplicate, is_billable, validate_day
from meter2cash.ports import UnitOfWork, UnitOfWorkFactory
from meter2cash.service.streams import CURATED, RAW, append_event

CONSUMER = "interpret"
BATCH = 1_000


def _interpret_one(uow: UnitOfWork, event: ReadsReceived) -> bool:
    day = event.channel_day
    history = uow.intervals.versions(day.supply_point_id, day.channel, day.read_on)
    latest = history[-1] if history else None
    if (
        latest is not None
        and latest.channel_day.source.file_id == day.source.file_id
        and latest.channel_day.content_key != day.content_key
    ):
        uow.issues.add(conflicting_duplicate(latest.channel_day, day, latest.version))
        return False
    result = uow.intervals.put(day)
    if result.outcome == "unchanged":
        return False
    issues = validate_day(day, result.version)
    for issue in issues:
        uow.issues.add(issue)
    billable = is_billable(issues)
    uow.intervals.set_billable(result.id, billable)
    curated = ConsumptionCurated(
        day.supply_point_id, day.channel, day.read_on, result.version, result.id, billable
    )
    append_event(uow.log, CURATED, day.supply_point_id, curated, stable_key("curated", result.id))
    return True


def run_interpret(uow_factory: UnitOfWorkFactory, batch: int = BATCH) -> int:
    """Drain the raw stream; return how many channel-day versions were curated."""
    curated = 0
    while True:
        with uow_factory() as uow:
            after = uow.log.committed(CONSUMER, RAW)
            records = uow.log.read(RAW, after, batch)
            if not records:
                return curated
            for record in records:
                event = codec.event_from_payload(record.event_type, record.payload)
                curated += _interpret_one(uow, event)
            uow.log.commit(CONSUMER, RAW, records[-1].offset)
            uow.commit()
