"""Determinants in SQL, versioned by natural key like channel-days: same content is a no-op."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.ordering import determinant_order
from meter2cash.adapters.sql.batch import (
    Current,
    chunked,
    insert_returning_ids,
    link_superseded,
    plan_versions,
    resolve,
)
from meter2cash.adapters.sql.tables import determinants
from meter2cash.domain.billing import Determinant, DeterminantKind
from meter2cash.domain.errors import NotFoundError
from meter2cash.ports import StoredDeterminant

_c = determinants.c


def _stored(row: sa.Row[Any]) -> StoredDeterminant:
    m = row._mapping
    determinant = Determinant(
        supply_point_id=m["supply_point_id"],
        channel=m["channel"],
        kind=DeterminantKind(m["kind"]),
        period_on=m["period_on"],
        quantity_micro=int(m["quantity_micro"]),
        unit=m["unit"],
        channel_day_ids=tuple(m["channel_day_ids"]),
    )
    return StoredDeterminant(m["id"], m["version"], determinant)


def _row(determinant: Determinant) -> dict[str, Any]:
    return {
        "natural_key": determinant.natural_key,
        "content_key": determinant.content_key,
        "supply_point_id": determinant.supply_point_id,
        "channel": determinant.channel,
        "kind": str(determinant.kind),
        "period_on": determinant.period_on,
        "quantity_micro": determinant.quantity_micro,
        "unit": determinant.unit,
        "channel_day_ids": list(determinant.channel_day_ids),
    }


class SqlDeterminantStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def put(self, determinant: Determinant) -> tuple[StoredDeterminant, bool]:
        previous_row = self._conn.execute(
            sa.select(determinants)
            .where(_c.natural_key == determinant.natural_key)
            .order_by(_c.version.desc())
            .limit(1)
        ).first()
        if previous_row is not None and previous_row.content_key == determinant.content_key:
            return _stored(previous_row), False
        version = previous_row.version + 1 if previous_row is not None else 1
        new_id = self._conn.execute(
            sa.insert(determinants)
            .values(
                natural_key=determinant.natural_key,
                version=version,
                content_key=determinant.content_key,
                superseded_by=None,
                supply_point_id=determinant.supply_point_id,
                channel=determinant.channel,
                kind=str(determinant.kind),
                period_on=determinant.period_on,
                quantity_micro=determinant.quantity_micro,
                unit=determinant.unit,
                channel_day_ids=list(determinant.channel_day_ids),
            )
            .returning(_c.id)
        ).scalar_one()
        if previous_row is not None:
            self._conn.execute(
                sa.update(determinants).where(_c.id == previous_row.id).values(superseded_by=new_id)
            )
        return StoredDeterminant(new_id, version, determinant), True

    def put_many(self, items: Sequence[Determinant]) -> list[tuple[StoredDeterminant, bool]]:
        keys = list(dict.fromkeys(d.natural_key for d in items))
        current: dict[str, Current] = {}
        for chunk in chunked(keys):
            rows = self._conn.execute(
                sa.select(_c.id, _c.version, _c.content_key, _c.natural_key).where(
                    _c.superseded_by.is_(None), _c.natural_key.in_(chunk)
                )
            )
            for row in rows:
                current[row.natural_key] = Current(row.id, row.version, row.content_key)
        planned, new_rows = plan_versions(
            [(d.natural_key, d.content_key, _row(d)) for d in items], current
        )
        real = resolve(planned, insert_returning_ids(self._conn, determinants, _c.id, new_rows))
        results: list[tuple[StoredDeterminant, bool]] = []
        links: list[tuple[int, int]] = []
        for plan, determinant in zip(planned, items, strict=True):
            new_id, previous = real(plan.id), real(plan.previous_id)
            assert new_id is not None
            if previous is not None:
                links.append((previous, new_id))
            stored = StoredDeterminant(new_id, plan.version, determinant)
            results.append((stored, plan.outcome != "unchanged"))
        link_superseded(self._conn, determinants, _c.id, links)
        return results

    def get(self, determinant_id: int) -> StoredDeterminant:
        row = self._conn.execute(sa.select(determinants).where(_c.id == determinant_id)).first()
        if row is None:
            raise NotFoundError(f"no determinant with id {determinant_id}")
        return _stored(row)

    def latest(
        self,
        supply_point_id: str | None = None,
        kind: DeterminantKind | None = None,
        period_on: date | None = None,
    ) -> list[StoredDeterminant]:
        query = sa.select(determinants).where(_c.superseded_by.is_(None))
        if supply_point_id is not None:
            query = query.where(_c.supply_point_id == supply_point_id)
        if kind is not None:
            query = query.where(_c.kind == str(kind))
        if period_on is not None:
            query = query.where(_c.period_on == period_on)
        return sorted((_stored(row) for row in self._conn.execute(query)), key=determinant_order)
