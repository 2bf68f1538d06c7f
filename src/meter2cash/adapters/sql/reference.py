"""SQL reference versions: one ``reference_versions`` row per (supply point, version).

The payload is the canonical JSON of ``meter2cash.reference_codec`` (supply point attributes and
timeline periods); version, ``known_from``, ``loaded_at`` and the source file are columns, so the
batch query of the interpret stage ("the newest version of each of these supply points, as known
at T") needs no JSON. ``UNIQUE (supply_point_id, content_key)`` makes a repeated load a no-op,
also between two processes loading the same file at once; ``UNIQUE (supply_point_id, version)``
refuses the second of two different loads built on the same version.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.reference_versions import require_next
from meter2cash.adapters.sql.dialect import insert_ignoring
from meter2cash.adapters.sql.tables import reference_versions
from meter2cash.domain.configuration import ConfigurationTimeline
from meter2cash.domain.time import require_utc
from meter2cash.ports import StoredReference
from meter2cash.reference_codec import decode_reference, encode_reference

#: Supply point ids per IN (...) list: well under SQLite's bound-parameter limit.
_CHUNK = 500
_t = reference_versions.c


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    unique = sorted(set(ids))
    for index in range(0, len(unique), _CHUNK):
        yield unique[index : index + _CHUNK]


def _stored(row: Any) -> StoredReference:
    supply_point, periods = decode_reference(row.payload)
    timeline = ConfigurationTimeline(
        supply_point.supply_point_id, periods, row.version, row.known_from
    )
    return StoredReference(supply_point, timeline, row.loaded_at, row.source_name)


class SqlReferenceStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def put(self, reference: StoredReference, content_key: str) -> int | None:
        sp = reference.supply_point_id
        known = self._conn.execute(
            sa.select(_t.id).where(_t.supply_point_id == sp, _t.content_key == content_key)
        ).first()
        if known is not None:
            return None
        latest = self._conn.execute(
            sa.select(sa.func.max(_t.version)).where(_t.supply_point_id == sp)
        ).scalar_one_or_none()
        require_next(reference, latest)
        row = self._conn.execute(
            insert_ignoring(self._conn, reference_versions, ["supply_point_id", "content_key"])
            .values(
                supply_point_id=sp,
                version=reference.version,
                content_key=content_key,
                known_from=reference.known_from,
                loaded_at=require_utc(reference.loaded_at, "loaded_at"),
                source_name=reference.source_name,
                payload=encode_reference(reference.supply_point, reference.timeline.periods),
            )
            .returning(_t.id)
        ).first()
        return None if row is None else reference.version

    def latest(
        self, supply_point_ids: Iterable[str], known_at: datetime | None = None
    ) -> dict[str, StoredReference]:
        found: dict[str, StoredReference] = {}
        for chunk in _chunks(supply_point_ids):
            newest = sa.select(_t.supply_point_id, sa.func.max(_t.version).label("version")).where(
                _t.supply_point_id.in_(chunk)
            )
            if known_at is not None:
                newest = newest.where(_t.known_from <= require_utc(known_at, "known_at"))
            subquery = newest.group_by(_t.supply_point_id).subquery()
            rows = self._conn.execute(
                sa.select(reference_versions).join(
                    subquery,
                    sa.and_(
                        _t.supply_point_id == subquery.c.supply_point_id,
                        _t.version == subquery.c.version,
                    ),
                )
            )
            found.update((row.supply_point_id, _stored(row)) for row in rows)
        return found

    def versions(self, supply_point_id: str) -> list[StoredReference]:
        rows = self._conn.execute(
            sa.select(reference_versions)
            .where(_t.supply_point_id == supply_point_id)
            .order_by(_t.version)
        )
        return [_stored(row) for row in rows]

    def content_keys(self, supply_point_ids: Iterable[str]) -> dict[str, frozenset[str]]:
        keys: dict[str, set[str]] = {}
        for chunk in _chunks(supply_point_ids):
            rows = self._conn.execute(
                sa.select(_t.supply_point_id, _t.content_key).where(_t.supply_point_id.in_(chunk))
            )
            for sp, key in rows:
                keys.setdefault(sp, set()).add(key)
        return {sp: frozenset(found) for sp, found in keys.items()}

    def supply_point_ids(self) -> list[str]:
        rows = self._conn.execute(
            sa.select(_t.supply_point_id).distinct().order_by(_t.supply_point_id)
        )
        return [sp for (sp,) in rows]
