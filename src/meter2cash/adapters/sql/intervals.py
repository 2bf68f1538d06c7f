"""Channel-day rows in SQL: one row per (supply point, channel, local day, version).

Values are stored as a JSON array of integer micro-units (exact; ``None`` for a missing value) and
the qualities as one character per interval, so a day reads back as the identical
:class:`ChannelDay`. ``interval_count`` and ``estimated_count`` are kept per row so domain-health
counts need no JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.ordering import channel_day_order
from meter2cash.adapters.sql.batch import (
    Current,
    chunked,
    insert_returning_ids,
    link_superseded,
    plan_versions,
    resolve,
)
from meter2cash.adapters.sql.tables import channel_days
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.quantity import Unit, from_micro, to_micro
from meter2cash.domain.reads import ChannelDay, Direction, Quality, SourceRef
from meter2cash.ports import DayKey, DayTotal, IntervalCounts, PutResult, StoredChannelDay

_c = channel_days.c
_key = sa.tuple_(_c.supply_point_id, _c.channel, _c.read_on)


def channel_day_row(day: ChannelDay) -> dict[str, Any]:
    values = [None if v is None else to_micro(v) for v in day.values]
    return {
        "supply_point_id": day.supply_point_id,
        "market": day.market,
        "channel": day.channel,
        "direction": str(day.direction),
        "unit": str(day.unit),
        "read_on": day.read_on,
        "zone": day.zone,
        "interval_minutes": day.interval_minutes,
        "content_key": day.content_key,
        "values": values,
        "total_micro": sum(v for v in values if v is not None),
        "qualities": "".join(day.qualities),
        "methods": list(day.methods),
        "reasons": list(day.reasons),
        "source_file_id": day.source.file_id,
        "source_line": day.source.line,
        "source_segment": day.source.segment,
        "source_unit": day.source_unit,
        "source_flags": list(day.source_flags),
        "meter_serial": day.meter_serial,
        "interval_count": len(day.values),
        "estimated_count": sum(q != Quality.ACTUAL for q in day.qualities),
    }


def stored_channel_day(row: sa.Row[Any]) -> StoredChannelDay:
    m = row._mapping
    day = ChannelDay(
        supply_point_id=m["supply_point_id"],
        market=m["market"],
        channel=m["channel"],
        direction=Direction(m["direction"]),
        unit=Unit(m["unit"]),
        read_on=m["read_on"],
        zone=m["zone"],
        interval_minutes=m["interval_minutes"],
        values=tuple(None if v is None else from_micro(v) for v in m["values"]),
        qualities=tuple(Quality(q) for q in m["qualities"]),
        methods=tuple(m["methods"]),
        reasons=tuple(m["reasons"]),
        source=SourceRef(m["source_file_id"], m["source_line"], m["source_segment"]),
        source_unit=m["source_unit"],
        source_flags=tuple(m["source_flags"]),
        meter_serial=m["meter_serial"],
    )
    return StoredChannelDay(m["id"], m["version"], m["superseded_by"], bool(m["billable"]), day)


class SqlIntervalStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def put(self, day: ChannelDay) -> PutResult:
        previous = self._conn.execute(
            sa.select(_c.id, _c.version, _c.content_key)
            .where(
                _c.supply_point_id == day.supply_point_id,
                _c.channel == day.channel,
                _c.read_on == day.read_on,
            )
            .order_by(_c.version.desc())
            .limit(1)
        ).first()
        if previous is not None and previous.content_key == day.content_key:
            return PutResult("unchanged", previous.id, previous.version)
        version = previous.version + 1 if previous is not None else 1
        row = channel_day_row(day) | {"version": version, "billable": True, "superseded_by": None}
        new_id = self._conn.execute(
            sa.insert(channel_days).values(row).returning(_c.id)
        ).scalar_one()
        if previous is None:
            return PutResult("new", new_id, version)
        self._conn.execute(
            sa.update(channel_days).where(_c.id == previous.id).values(superseded_by=new_id)
        )
        return PutResult("corrected", new_id, version, previous.id)

    def latest_of(self, keys: Iterable[DayKey]) -> dict[DayKey, StoredChannelDay]:
        unique = list(dict.fromkeys(keys))
        found: dict[DayKey, StoredChannelDay] = {}
        for chunk in chunked(unique):
            rows = self._conn.execute(
                sa.select(channel_days).where(_c.superseded_by.is_(None), _key.in_(chunk))
            )
            for row in rows:
                stored = stored_channel_day(row)
                day = stored.channel_day
                found[day.supply_point_id, day.channel, day.read_on] = stored
        return found

    def put_many(self, days: Sequence[tuple[ChannelDay, bool]]) -> list[PutResult]:
        keys = list(dict.fromkeys((d.supply_point_id, d.channel, d.read_on) for d, _ in days))
        current: dict[DayKey, Current] = {}
        for chunk in chunked(keys):
            rows = self._conn.execute(
                sa.select(_c.id, _c.version, _c.content_key, _c.supply_point_id, _c.channel,
                          _c.read_on)
                .where(_c.superseded_by.is_(None), _key.in_(chunk))
            )  # fmt: skip
            for row in rows:
                current[row.supply_point_id, row.channel, row.read_on] = Current(
                    row.id, row.version, row.content_key
                )
        items = [
            ((d.supply_point_id, d.channel, d.read_on), d.content_key,
             channel_day_row(d) | {"billable": billable})
            for d, billable in days
        ]  # fmt: skip
        planned, new_rows = plan_versions(items, current)
        real = resolve(planned, insert_returning_ids(self._conn, channel_days, _c.id, new_rows))
        results: list[PutResult] = []
        links: list[tuple[int, int]] = []
        for plan in planned:
            new_id, previous = real(plan.id), real(plan.previous_id)
            assert new_id is not None
            if previous is not None:
                links.append((previous, new_id))
            outcome: Any = plan.outcome
            results.append(PutResult(outcome, new_id, plan.version, previous))
        link_superseded(self._conn, channel_days, _c.id, links)
        return results

    def set_billable(self, channel_day_id: int, billable: bool) -> None:
        updated = self._conn.execute(
            sa.update(channel_days).where(_c.id == channel_day_id).values(billable=billable)
        )
        if updated.rowcount == 0:
            raise NotFoundError(f"no channel-day with id {channel_day_id}")

    def get(self, channel_day_id: int) -> StoredChannelDay:
        row = self._conn.execute(sa.select(channel_days).where(_c.id == channel_day_id)).first()
        if row is None:
            raise NotFoundError(f"no channel-day with id {channel_day_id}")
        return stored_channel_day(row)

    def latest(
        self, supply_point_id: str, from_on: date, to_on: date, channel: str | None = None
    ) -> list[StoredChannelDay]:
        query = sa.select(channel_days).where(
            _c.supply_point_id == supply_point_id,
            _c.read_on >= from_on,
            _c.read_on < to_on,
            _c.superseded_by.is_(None),
        )
        if channel is not None:
            query = query.where(_c.channel == channel)
        rows = self._conn.execute(query)
        return sorted((stored_channel_day(row) for row in rows), key=channel_day_order)

    def versions(self, supply_point_id: str, channel: str, read_on: date) -> list[StoredChannelDay]:
        rows = self._conn.execute(
            sa.select(channel_days)
            .where(
                _c.supply_point_id == supply_point_id, _c.channel == channel, _c.read_on == read_on
            )
            .order_by(_c.version)
        )
        return [stored_channel_day(row) for row in rows]

    def day_totals(self, supply_point_id: str, from_on: date, to_on: date) -> list[DayTotal]:
        rows = self._conn.execute(
            sa.select(_c.id, _c.supply_point_id, _c.market, _c.channel, _c.direction, _c.unit,
                      _c.read_on, _c.billable, _c.total_micro)
            .where(_c.supply_point_id == supply_point_id, _c.read_on >= from_on,
                   _c.read_on < to_on, _c.superseded_by.is_(None))
            .order_by(_c.channel, _c.read_on)
        )  # fmt: skip
        return [
            DayTotal(r.id, r.supply_point_id, r.market, r.channel, Direction(r.direction),
                     Unit(r.unit), r.read_on, bool(r.billable), int(r.total_micro))
            for r in rows
        ]  # fmt: skip

    def supply_point_ids(self) -> list[str]:
        rows = self._conn.execute(sa.select(_c.supply_point_id).distinct())
        return sorted(row.supply_point_id for row in rows)

    def counts(self) -> IntervalCounts:
        latest = self._conn.execute(
            sa.select(
                sa.func.count(sa.distinct(_c.supply_point_id)),
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(_c.interval_count), 0),
                sa.func.coalesce(sa.func.sum(_c.estimated_count), 0),
            ).where(_c.superseded_by.is_(None))
        ).one()
        versions = self._conn.execute(sa.select(sa.func.count()).select_from(channel_days)).scalar()
        supply_points, days, intervals, estimated = (int(n) for n in latest)
        return IntervalCounts(supply_points, days, intervals, estimated, int(versions or 0))
