"""Register reads in SQL: one row per (supply point, meter serial, register, ``read_at``, version).

The value is stored as integer micro-units (exact, summable) and the instant as UTC, so a read comes
back as an equal :class:`RegisterRead`. A correction inserts the next version and points the old row
at it, so the latest versions are the rows with ``superseded_by IS NULL``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.read_keys import exact_micro, register_content_key, register_read_order
from meter2cash.adapters.sql.tables import register_reads
from meter2cash.adapters.sql.versioned_records import SqlVersionedStore, VersionedTable
from meter2cash.domain.quantity import Unit, from_micro
from meter2cash.domain.reads import Quality, RegisterRead, SourceRef
from meter2cash.ports import StoredRegisterRead


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


_TABLE = VersionedTable(
    register_reads,
    identity=("supply_point_id", "meter_serial", "register_id", "read_at"),
    at="read_at",
    noun="register read",
    to_row=register_read_row,
    from_row=stored_register_read,
    order=register_read_order,
)


class SqlRegisterReadStore(SqlVersionedStore[RegisterRead, StoredRegisterRead]):
    def __init__(self, connection: sa.Connection) -> None:
        super().__init__(connection, _TABLE)
