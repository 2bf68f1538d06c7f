"""In-memory register reads and irregular interval reads, versioned like the channel-days.

Values are put through the same micro-unit form as the database columns, so the fake refuses what
the databases refuse and gives back what they give back (``1.50`` as ``1.5``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from meter2cash.adapters.memory.state import MemoryState
from meter2cash.adapters.read_keys import (
    exact_micro,
    interval_content_key,
    interval_identity,
    interval_read_order,
    optional_decimal,
    optional_micro,
    register_content_key,
    register_identity,
    register_read_order,
)
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.quantity import from_micro
from meter2cash.domain.reads import IntervalRead, RegisterRead
from meter2cash.domain.time import require_utc
from meter2cash.ports import PutResult, StoredIntervalRead, StoredRegisterRead


class MemoryRegisterReadStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def put(self, read: RegisterRead) -> PutResult:
        content_key = register_content_key(read)  # refuses an inexact value before any change
        key = register_identity(read)
        ids = self._s.register_read_versions.get(key, ())
        previous = self._s.register_reads[ids[-1]] if ids else None
        if previous is not None and register_content_key(previous.read) == content_key:
            return PutResult("unchanged", previous.id, previous.version)
        self._s.dirty = True
        self._s.last_register_read_id += 1
        new_id = self._s.last_register_read_id
        version = previous.version + 1 if previous else 1
        stored_read = replace(read, value=from_micro(exact_micro(read.value)))
        self._s.register_reads[new_id] = StoredRegisterRead(new_id, version, None, stored_read)
        self._s.register_read_versions[key] = (*ids, new_id)
        if previous is None:
            return PutResult("new", new_id, version)
        self._s.register_reads[previous.id] = replace(previous, superseded_by=new_id)
        return PutResult("corrected", new_id, version, previous.id)

    def get(self, register_read_id: int) -> StoredRegisterRead:
        try:
            return self._s.register_reads[register_read_id]
        except KeyError:
            raise NotFoundError(f"no register read with id {register_read_id}") from None

    def latest(
        self, supply_point_id: str, from_at: datetime, to_at: datetime
    ) -> list[StoredRegisterRead]:
        from_at, to_at = require_utc(from_at, "from_at"), require_utc(to_at, "to_at")
        found = [
            self._s.register_reads[ids[-1]]
            for (sp, _, _, read_at), ids in self._s.register_read_versions.items()
            if sp == supply_point_id and from_at <= read_at < to_at
        ]
        return sorted(found, key=register_read_order)

    def count(self) -> int:
        return len(self._s.register_read_versions)


class MemoryIntervalReadStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def put(self, read: IntervalRead) -> PutResult:
        content_key = interval_content_key(read)  # refuses an inexact value before any change
        key = interval_identity(read)
        ids = self._s.interval_read_versions.get(key, ())
        previous = self._s.interval_reads[ids[-1]] if ids else None
        if previous is not None and interval_content_key(previous.read) == content_key:
            return PutResult("unchanged", previous.id, previous.version)
        self._s.dirty = True
        self._s.last_interval_read_id += 1
        new_id = self._s.last_interval_read_id
        version = previous.version + 1 if previous else 1
        stored_read = replace(read, energy=optional_decimal(optional_micro(read.energy)))
        self._s.interval_reads[new_id] = StoredIntervalRead(new_id, version, None, stored_read)
        self._s.interval_read_versions[key] = (*ids, new_id)
        if previous is None:
            return PutResult("new", new_id, version)
        self._s.interval_reads[previous.id] = replace(previous, superseded_by=new_id)
        return PutResult("corrected", new_id, version, previous.id)

    def get(self, interval_read_id: int) -> StoredIntervalRead:
        try:
            return self._s.interval_reads[interval_read_id]
        except KeyError:
            raise NotFoundError(f"no interval read with id {interval_read_id}") from None

    def latest(
        self, supply_point_id: str, from_at: datetime, to_at: datetime
    ) -> list[StoredIntervalRead]:
        from_at, to_at = require_utc(from_at, "from_at"), require_utc(to_at, "to_at")
        found = [
            self._s.interval_reads[ids[-1]]
            for (sp, _, start, _), ids in self._s.interval_read_versions.items()
            if sp == supply_point_id and from_at <= start < to_at
        ]
        return sorted(found, key=interval_read_order)

    def count(self) -> int:
        return len(self._s.interval_read_versions)
