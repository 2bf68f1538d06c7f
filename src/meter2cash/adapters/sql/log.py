"""The event log as a table in the operational database: the transactional outbox *is* the log.

Appends, reads and consumer offsets all run on the unit of work's connection, so a consumer's
effects and its committed offset are one transaction.

Ordering on PostgreSQL: offsets come from a sequence when a row is inserted, but become visible when
its transaction commits. Two appenders to one stream could commit out of order, and a consumer that
already read past the later offset would skip the earlier one forever. Appending therefore takes a
transaction-scoped advisory lock per stream, so appenders to a stream commit in offset order (at the
cost of serialising them until commit). SQLite already admits one writer at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.sql.batch import chunked, insert_returning_ids
from meter2cash.adapters.sql.dialect import insert_ignoring, upsert
from meter2cash.adapters.sql.tables import consumer_offsets, event_log
from meter2cash.ports import LogEntry, LogRecord


def stream_lock_id(stream: str) -> int:
    """A stable signed 64-bit advisory-lock key for a stream (collisions only cost some waiting)."""
    digest = hashlib.sha256(f"meter2cash.event_log:{stream}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SqlEventLog:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection
        self._locked_streams: set[str] = set()

    def append(
        self,
        stream: str,
        key: str,
        event_type: str,
        schema_version: int,
        payload: Mapping[str, Any],
        idempotency_key: str,
    ) -> int | None:
        self._lock_stream(stream)
        statement = (
            insert_ignoring(self._conn, event_log, ["stream", "idempotency_key"])
            .values(
                stream=stream,
                key=key,
                event_type=event_type,
                schema_version=schema_version,
                payload=dict(payload),
                idempotency_key=idempotency_key,
            )
            .returning(event_log.c.offset)
        )
        offset = self._conn.execute(statement).scalar_one_or_none()
        return None if offset is None else int(offset)

    def append_many(self, entries: Sequence[LogEntry]) -> list[int | None]:
        for stream in dict.fromkeys(e.stream for e in entries):
            self._lock_stream(stream)
        keys = list(dict.fromkeys((e.stream, e.idempotency_key) for e in entries))
        seen: set[tuple[str, str]] = set()
        c = event_log.c
        for chunk in chunked(keys):
            rows = self._conn.execute(
                sa.select(c.stream, c.idempotency_key).where(
                    sa.tuple_(c.stream, c.idempotency_key).in_(chunk)
                )
            )
            seen.update((row.stream, row.idempotency_key) for row in rows)
        fresh: list[int] = []
        rows_to_insert: list[dict[str, Any]] = []
        for index, entry in enumerate(entries):
            key = (entry.stream, entry.idempotency_key)
            if key in seen:
                continue
            seen.add(key)
            fresh.append(index)
            rows_to_insert.append({
                "stream": entry.stream, "key": entry.key, "event_type": entry.event_type,
                "schema_version": entry.schema_version, "payload": dict(entry.payload),
                "idempotency_key": entry.idempotency_key,
            })  # fmt: skip
        offsets: list[int | None] = [None] * len(entries)
        for index, offset in zip(
            fresh,
            insert_returning_ids(self._conn, event_log, c.offset, rows_to_insert),
            strict=True,
        ):
            offsets[index] = offset
        return offsets

    def read(self, stream: str, after: int, limit: int) -> list[LogRecord]:
        c = event_log.c
        rows = self._conn.execute(
            sa.select(
                c.offset,
                c.stream,
                c.key,
                c.event_type,
                c.schema_version,
                c.payload,
                c.idempotency_key,
            )
            .where(c.stream == stream, c.offset > after)
            .order_by(c.offset)
            .limit(max(limit, 0))
        )
        return [LogRecord(*row) for row in rows]

    def committed(self, consumer: str, stream: str) -> int:
        c = consumer_offsets.c
        offset = self._conn.execute(
            sa.select(c.offset).where(c.consumer == consumer, c.stream == stream)
        ).scalar_one_or_none()
        return 0 if offset is None else int(offset)

    def commit(self, consumer: str, stream: str, offset: int) -> None:
        values = {"consumer": consumer, "stream": stream, "offset": offset}
        self._conn.execute(upsert(self._conn, consumer_offsets, ["consumer", "stream"], values))

    def end_offset(self, stream: str) -> int:
        c = event_log.c
        end = self._conn.execute(
            sa.select(sa.func.max(c.offset)).where(c.stream == stream)
        ).scalar()
        return 0 if end is None else int(end)

    def _lock_stream(self, stream: str) -> None:
        """Take the stream's append lock once per transaction (PostgreSQL only; see module doc)."""
        if self._conn.dialect.name != "postgresql" or stream in self._locked_streams:
            return
        self._conn.execute(sa.select(sa.func.pg_advisory_xact_lock(stream_lock_id(stream))))
        self._locked_streams.add(stream)

    def transaction_ended(self) -> None:
        """Called by the unit of work on commit/rollback, which release transaction-scoped locks."""
        self._locked_streams.clear()
