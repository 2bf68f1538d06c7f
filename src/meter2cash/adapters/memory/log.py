"""In-memory event log: per-stream lists and one offset counter for the whole log, as in the
database.
"""

from __future__ import annotations

import bisect
import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from meter2cash.adapters.memory.state import MemoryState
from meter2cash.ports import LogEntry, LogRecord


class MemoryEventLog:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def append(
        self,
        stream: str,
        key: str,
        event_type: str,
        schema_version: int,
        payload: Mapping[str, Any],
        idempotency_key: str,
    ) -> int | None:
        if (stream, idempotency_key) in self._s.log_keys:
            return None
        # The same JSON round trip as in the database: a payload that is not JSON (a Decimal, a
        # datetime) fails here as it would there, and the caller's later mutations cannot rewrite
        # history.
        stored_payload = json.loads(json.dumps(dict(payload)))
        self._s.dirty = True
        self._s.last_offset += 1
        record = LogRecord(
            self._s.last_offset,
            stream,
            key,
            event_type,
            schema_version,
            stored_payload,
            idempotency_key,
        )
        self._s.streams.setdefault(stream, []).append(record)
        self._s.log_keys.add((stream, idempotency_key))
        return record.offset

    def append_many(self, entries: Sequence[LogEntry]) -> list[int | None]:
        return [
            self.append(e.stream, e.key, e.event_type, e.schema_version, e.payload,
                        e.idempotency_key)
            for e in entries
        ]  # fmt: skip

    def read(self, stream: str, after: int, limit: int) -> list[LogRecord]:
        records = self._s.streams.get(stream, [])
        start = bisect.bisect_right(records, after, key=lambda record: record.offset)
        # Fresh payload dicts per read, as a database gives: mutating one cannot edit history.
        return [
            replace(record, payload=copy.deepcopy(record.payload))
            for record in records[start : start + max(limit, 0)]
        ]

    def committed(self, consumer: str, stream: str) -> int:
        return self._s.offsets.get((consumer, stream), 0)

    def commit(self, consumer: str, stream: str, offset: int) -> None:
        self._s.dirty = True
        self._s.offsets[(consumer, stream)] = offset

    def end_offset(self, stream: str) -> int:
        records = self._s.streams.get(stream)
        return records[-1].offset if records else 0
