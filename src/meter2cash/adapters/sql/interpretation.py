"""SQL adjustments and meter events (tables from migration 0004).

Payloads are the canonical JSON of the domain values (``codec``), so what is read back is exactly
what was stored; the typed columns beside them exist for the queries (supply point, day, instant).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from meter2cash import codec
from meter2cash.adapters.meter_events_keys import instant_of, key_of, kind_of
from meter2cash.adapters.sql.dialect import insert_ignoring
from meter2cash.adapters.sql.tables import adjustments, meter_events
from meter2cash.domain.adjustments import Adjustment
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatusReported,
    MeterConfigurationChanged,
)
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import ChannelDay
from meter2cash.domain.time import require_utc
from meter2cash.ports import DayKey, MeterEvent, StoredAdjustment


class SqlAdjustmentStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def add(self, adjustment: Adjustment, correction: ChannelDay) -> int | None:
        a = adjustment
        row = self._conn.execute(
            insert_ignoring(self._conn, adjustments, ["idempotency_key"])
            .values(
                idempotency_key=a.idempotency_key,
                supply_point_id=a.supply_point_id,
                channel=a.channel,
                from_on=a.from_on,
                to_on=a.to_on,
                delta_micro=to_micro(a.delta),
                unit=str(a.unit),
                reason=str(a.reason),
                reason_text=a.reason_text,
                old_version_id=a.old_version_id,
                new_version_id=a.new_version_id,
                created_at=require_utc(a.created_at, "created_at"),
                settlement_impact=str(a.settlement_impact),
                correction={
                    "adjustment": codec.to_builtins(a),
                    "day": codec.to_builtins(correction),
                },
            )
            .returning(adjustments.c.id)
        ).first()
        return None if row is None else int(row[0])

    def latest_corrections(self, keys: Iterable[DayKey]) -> dict[DayKey, StoredAdjustment]:
        wanted = set(keys)
        if not wanted:
            return {}
        ids = sorted({sp for sp, _, _ in wanted})
        days = sorted({d for _, _, d in wanted})
        rows = self._conn.execute(
            sa.select(adjustments.c.id, adjustments.c.correction)
            .where(adjustments.c.supply_point_id.in_(ids))
            .where(adjustments.c.from_on.between(days[0], days[-1]))
            .order_by(adjustments.c.id)
        )
        found: dict[DayKey, StoredAdjustment] = {}
        for row in rows:
            stored = _stored(row.id, row.correction)
            day = stored.correction
            key = (day.supply_point_id, day.channel, day.read_on)
            if key in wanted:
                found[key] = stored
        return found

    def list(self, supply_point_id: str | None = None) -> list[StoredAdjustment]:
        query = sa.select(adjustments.c.id, adjustments.c.correction).order_by(adjustments.c.id)
        if supply_point_id is not None:
            query = query.where(adjustments.c.supply_point_id == supply_point_id)
        return [_stored(row.id, row.correction) for row in self._conn.execute(query)]


def _stored(row_id: int, payload: dict[str, Any]) -> StoredAdjustment:
    return StoredAdjustment(
        int(row_id),
        codec.from_builtins(payload["adjustment"], Adjustment),
        codec.from_builtins(payload["day"], ChannelDay),
    )


class SqlMeterEventStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def add_many(self, events: Sequence[MeterEvent]) -> int:
        added = 0
        statement = insert_ignoring(self._conn, meter_events, ["idempotency_key"]).returning(
            meter_events.c.id
        )
        for event in events:
            row = self._conn.execute(
                statement.values(
                    idempotency_key=key_of(event),
                    kind=kind_of(event),
                    supply_point_id=event.supply_point_id,
                    meter_serial=event.meter_serial,
                    at=instant_of(event),
                    payload=codec.to_builtins(event),
                )
            ).first()
            added += row is not None
        return added

    def between(
        self, supply_point_ids: Iterable[str], start: datetime, end: datetime
    ) -> list[MeterEvent]:
        ids = sorted(set(supply_point_ids))
        if not ids:
            return []
        rows = self._conn.execute(
            sa.select(meter_events.c.kind, meter_events.c.payload)
            .where(meter_events.c.supply_point_id.in_(ids))
            .where(meter_events.c.kind != "config")
            .where(meter_events.c.at >= start, meter_events.c.at < end)
            .order_by(meter_events.c.at, meter_events.c.id)
        )
        return [_event(row.kind, row.payload) for row in rows]

    def configuration(self, supply_point_id: str) -> list[MeterConfigurationChanged]:
        rows = self._conn.execute(
            sa.select(meter_events.c.payload)
            .where(meter_events.c.supply_point_id == supply_point_id)
            .where(meter_events.c.kind == "config")
            .order_by(meter_events.c.at, meter_events.c.id)
        )
        return [codec.from_builtins(row.payload, MeterConfigurationChanged) for row in rows]

    def latest(self, supply_point_id: str) -> list[MeterEvent]:
        found = []
        for kind in ("clock", "comms"):
            row = self._conn.execute(
                sa.select(meter_events.c.kind, meter_events.c.payload)
                .where(meter_events.c.supply_point_id == supply_point_id)
                .where(meter_events.c.kind == kind)
                .order_by(meter_events.c.at.desc(), meter_events.c.id.desc())
                .limit(1)
            ).first()
            if row is not None:
                found.append(_event(row.kind, row.payload))
        return sorted(found, key=instant_of)


def _event(kind: str, payload: dict[str, Any]) -> MeterEvent:
    if kind == "clock":
        return codec.from_builtins(payload, ClockSynchronised)
    if kind == "comms":
        return codec.from_builtins(payload, CommunicationsStatusReported)
    return codec.from_builtins(payload, MeterConfigurationChanged)
