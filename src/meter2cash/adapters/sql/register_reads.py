"""Register reads in SQL: one row per (supply point, meter serial, register, ``read_at``, version).

The value is stored as integer micro-units (exact, summable) and the instant as UTC, so a read comes
back as an equal :class:`RegisterRead`. A correction inserts the next version and points the old row
at it, so the latest versions are the rows with ``superseded_by IS NULL``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.read_keys import exact_micro, register_content_key, register_read_order
from meter2cash.adapters.sql.tables import register_reads
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.quantity import Unit, from_micro
from meter2cash.domain.reads import Quality, RegisterRead, SourceRef
from meter2cash.domain.time import require_utc
from meter2cash.ports import PutResult, StoredRegisterRead

_c = register_reads.c


def register_read_row(read: RegisterRead) -> dict[str, Any]:
    return {
        "supply_point_id": read.supply_point_id,
        "meter_serial": read.meter_serial,
        "register_id": read.register_id,
        "read_at": read.read_at,
        "content_key": register_content_key(read),
        "value_micro": exact_micro(read.value),
        "unit": str(read.unit),
        "quality": str(read.quality),
        "method": read.method,
        "reason": read.reason,
        "read_type": read.read_type,
        "source_file_id": read.source.file_id,
        "source_line": read.source.line,
        "source_segment": read.source.segment,
    }


def stored_register_read(row: sa.Row[Any]) -> StoredRegisterRead:
    m = row._mapping
    read = RegisterRead(
        supply_point_id=m["supply_point_id"],
        meter_serial=m["meter_serial"],
        register_id=m["register_id"],
        read_at=m["read_at"],
        value=from_micro(int(m["value_micro"])),
        unit=Unit(m["unit"]),
        quality=Quality(m["quality"]),
        method=m["method"],
        reason=m["reason"],
        read_type=m["read_type"],
        source=SourceRef(m["source_file_id"], m["source_line"], m["source_segment"]),
    )
    return StoredRegisterRead(m["id"], m["version"], m["superseded_by"], read)


class SqlRegisterReadStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def put(self, read: RegisterRead) -> PutResult:
        row = register_read_row(read)  # refuses an inexact value before touching the database
        previous = self._conn.execute(
            sa.select(_c.id, _c.version, _c.content_key)
            .where(
                _c.supply_point_id == read.supply_point_id,
                _c.meter_serial == read.meter_serial,
                _c.register_id == read.register_id,
                _c.read_at == read.read_at,
            )
            .order_by(_c.version.desc())
            .limit(1)
        ).first()
        if previous is not None and previous.content_key == row["content_key"]:
            return PutResult("unchanged", previous.id, previous.version)
        version = previous.version + 1 if previous is not None else 1
        new_id = self._conn.execute(
            sa.insert(register_reads)
            .values(row | {"version": version, "superseded_by": None})
            .returning(_c.id)
        ).scalar_one()
        if previous is None:
            return PutResult("new", new_id, version)
        self._conn.execute(
            sa.update(register_reads).where(_c.id == previous.id).values(superseded_by=new_id)
        )
        return PutResult("corrected", new_id, version, previous.id)

    def get(self, register_read_id: int) -> StoredRegisterRead:
        row = self._conn.execute(sa.select(register_reads).where(_c.id == register_read_id)).first()
        if row is None:
            raise NotFoundError(f"no register read with id {register_read_id}")
        return stored_register_read(row)

    def latest(
        self, supply_point_id: str, from_at: datetime, to_at: datetime
    ) -> list[StoredRegisterRead]:
        rows = self._conn.execute(
            sa.select(register_reads).where(
                _c.supply_point_id == supply_point_id,
                _c.read_at >= require_utc(from_at, "from_at"),
                _c.read_at < require_utc(to_at, "to_at"),
                _c.superseded_by.is_(None),
            )
        )
        return sorted((stored_register_read(row) for row in rows), key=register_read_order)

    def count(self) -> int:
        return int(
            self._conn.execute(
                sa.select(sa.func.count())
                .select_from(register_reads)
                .where(_c.superseded_by.is_(None))
            ).scalar_one()
        )
