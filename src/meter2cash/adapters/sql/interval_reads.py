"""Irregular interval reads in SQL: one row per (supply point, channel, start, end, version).

For intervals that fit no channel-day grid. Energy is stored as integer micro-units (``NULL`` when
no value could be obtained) and both ends as UTC, so a read comes back as an equal
:class:`IntervalRead`. Versioned like the channel-days: the latest rows have ``superseded_by IS
NULL``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.read_keys import (
    interval_content_key,
    interval_read_order,
    optional_decimal,
    optional_micro,
)
from meter2cash.adapters.sql.tables import interval_reads
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import IntervalRead, Quality, SourceRef
from meter2cash.domain.time import Interval, require_utc
from meter2cash.ports import PutResult, StoredIntervalRead

_c = interval_reads.c


def interval_read_row(read: IntervalRead) -> dict[str, Any]:
    return {
        "supply_point_id": read.supply_point_id,
        "channel": read.channel,
        "interval_start": read.interval.start,
        "interval_end": read.interval.end,
        "content_key": interval_content_key(read),
        "energy_micro": optional_micro(read.energy),
        "unit": str(read.unit),
        "quality": str(read.quality),
        "method": read.method,
        "reason": read.reason,
        "source_file_id": read.source.file_id,
        "source_line": read.source.line,
        "source_segment": read.source.segment,
    }


def stored_interval_read(row: sa.Row[Any]) -> StoredIntervalRead:
    m = row._mapping
    micro = m["energy_micro"]
    read = IntervalRead(
        supply_point_id=m["supply_point_id"],
        channel=m["channel"],
        interval=Interval(m["interval_start"], m["interval_end"]),
        energy=optional_decimal(None if micro is None else int(micro)),
        unit=Unit(m["unit"]),
        quality=Quality(m["quality"]),
        method=m["method"],
        reason=m["reason"],
        source=SourceRef(m["source_file_id"], m["source_line"], m["source_segment"]),
    )
    return StoredIntervalRead(m["id"], m["version"], m["superseded_by"], read)


class SqlIntervalReadStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def put(self, read: IntervalRead) -> PutResult:
        row = interval_read_row(read)  # refuses an inexact value before touching the database
        previous = self._conn.execute(
            sa.select(_c.id, _c.version, _c.content_key)
            .where(
                _c.supply_point_id == read.supply_point_id,
                _c.channel == read.channel,
                _c.interval_start == read.interval.start,
                _c.interval_end == read.interval.end,
            )
            .order_by(_c.version.desc())
            .limit(1)
        ).first()
        if previous is not None and previous.content_key == row["content_key"]:
            return PutResult("unchanged", previous.id, previous.version)
        version = previous.version + 1 if previous is not None else 1
        new_id = self._conn.execute(
            sa.insert(interval_reads)
            .values(row | {"version": version, "superseded_by": None})
            .returning(_c.id)
        ).scalar_one()
        if previous is None:
            return PutResult("new", new_id, version)
        self._conn.execute(
            sa.update(interval_reads).where(_c.id == previous.id).values(superseded_by=new_id)
        )
        return PutResult("corrected", new_id, version, previous.id)

    def get(self, interval_read_id: int) -> StoredIntervalRead:
        row = self._conn.execute(sa.select(interval_reads).where(_c.id == interval_read_id)).first()
        if row is None:
            raise NotFoundError(f"no interval read with id {interval_read_id}")
        return stored_interval_read(row)

    def latest(
        self, supply_point_id: str, from_at: datetime, to_at: datetime
    ) -> list[StoredIntervalRead]:
        rows = self._conn.execute(
            sa.select(interval_reads).where(
                _c.supply_point_id == supply_point_id,
                _c.interval_start >= require_utc(from_at, "from_at"),
                _c.interval_start < require_utc(to_at, "to_at"),
                _c.superseded_by.is_(None),
            )
        )
        return sorted((stored_interval_read(row) for row in rows), key=interval_read_order)

    def count(self) -> int:
        return int(
            self._conn.execute(
                sa.select(sa.func.count())
                .select_from(interval_reads)
                .where(_c.superseded_by.is_(None))
            ).scalar_one()
        )
