"""In-memory reference versions (the contract tests hold them to the SQL behaviour)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from meter2cash.adapters.memory.state import MemoryState
from meter2cash.adapters.reference_versions import require_next
from meter2cash.domain.time import require_utc
from meter2cash.ports import StoredReference


class MemoryReferenceStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def put(self, reference: StoredReference, content_key: str) -> int | None:
        require_utc(reference.loaded_at, "loaded_at")
        stored = self._s.reference_versions.get(reference.supply_point_id, ())
        if any(key == content_key for key, _ in stored):
            return None
        require_next(reference, stored[-1][1].version if stored else None)
        self._s.dirty = True
        self._s.reference_versions[reference.supply_point_id] = (
            *stored,
            (content_key, reference),
        )
        return reference.version

    def latest(
        self, supply_point_ids: Iterable[str], known_at: datetime | None = None
    ) -> dict[str, StoredReference]:
        known_at = None if known_at is None else require_utc(known_at, "known_at")
        found: dict[str, StoredReference] = {}
        for supply_point_id in dict.fromkeys(supply_point_ids):
            known = [
                reference
                for _, reference in self._s.reference_versions.get(supply_point_id, ())
                if known_at is None or reference.known_from <= known_at
            ]
            if known:
                found[supply_point_id] = known[-1]
        return found

    def versions(self, supply_point_id: str) -> list[StoredReference]:
        return [r for _, r in self._s.reference_versions.get(supply_point_id, ())]

    def content_keys(self, supply_point_ids: Iterable[str]) -> dict[str, frozenset[str]]:
        return {
            sp: frozenset(key for key, _ in self._s.reference_versions[sp])
            for sp in dict.fromkeys(supply_point_ids)
            if sp in self._s.reference_versions
        }

    def supply_point_ids(self) -> list[str]:
        return sorted(self._s.reference_versions)
