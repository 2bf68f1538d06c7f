"""Irregular interval reads in SQL: one row per (supply point, channel, start, end, version).

For intervals that fit no channel-day grid. Energy is stored as integer micro-units (``NULL`` when
no value could be obtained) and both ends as UTC, so a read comes back as an equal
:class:`IntervalRead`. Versioned like the channel-days: the latest rows have ``superseded_by IS
NULL``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.read_keys import (
    interval_content_key,
    interval_read_order,
    optional_decimal,
    optional_micro,
)
from meter2cash.adapters.sql.tables import interval_reads
from meter2cash.adapters.sql.versioned_records import SqlVersionedStore, VersionedTable
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import IntervalRead, Quality, SourceRef
from meter2cash.domain.time import Interval
from meter2cash.ports import StoredIntervalRead


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


_TABLE = VersionedTable(
    interval_reads,
    identity=("supply_point_id", "channel", "interval_start", "interval_end"),
    at="interval_start",
    noun="interval read",
    to_row=interval_read_row,
    from_row=stored_interval_read,
    order=interval_read_order,
)


class SqlIntervalReadStore(SqlVersionedStore[IntervalRead, StoredIntervalRead]):
    def __init__(self, connection: sa.Connection) -> None:
        super().__init__(connection, _TABLE)
