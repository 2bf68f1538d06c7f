"""Versioned record tables in SQL: the one rule the register-read and interval-read tables share.

A record is identified by some columns (what a correction corrects) and compared by its content key
(what makes a re-send identical). An identical re-send changes nothing; a different one is inserted
as the next version and the previous row points at it, so the latest versions are the rows with
``superseded_by IS NULL``. One store parameterised by a :class:`VersionedTable`, so that the tables
cannot drift apart in how they version; each table's module keeps only its row<->domain conversion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.time import require_utc
from meter2cash.ports import PutResult

R = TypeVar("R")  # the domain record put in
S = TypeVar("S")  # the stored record (id, version, superseded_by, record) given back


@dataclass(frozen=True, slots=True)
class VersionedTable(Generic[R, S]):
    """What differs between two versioned tables; the columns ``id``, ``version``,
    ``superseded_by``, ``content_key`` and ``supply_point_id`` are common to all."""

    table: sa.Table
    identity: tuple[str, ...]  # the columns a correction shares with what it corrects
    at: str  # the instant column ``latest`` selects on
    noun: str  # what a record is called in a NotFoundError
    to_row: Callable[[R], dict[str, Any]]  # must refuse an inexact value by raising
    from_row: Callable[[sa.Row[Any]], S]
    order: Callable[[S], Any]  # the order ``latest`` promises


class SqlVersionedStore(Generic[R, S]):
    def __init__(self, connection: sa.Connection, spec: VersionedTable[R, S]) -> None:
        self._conn = connection
        self._spec = spec

    def put(self, record: R) -> PutResult:
        spec, c = self._spec, self._spec.table.c
        row = spec.to_row(record)  # refuses an inexact value before touching the database
        previous = self._conn.execute(
            sa.select(c.id, c.version, c.content_key)
            .where(*(c[name] == row[name] for name in spec.identity))
            .order_by(c.version.desc())
            .limit(1)
        ).first()
        if previous is not None and previous.content_key == row["content_key"]:
            return PutResult("unchanged", previous.id, previous.version)
        version = previous.version + 1 if previous is not None else 1
        new_id = self._conn.execute(
            sa.insert(spec.table)
            .values(row | {"version": version, "superseded_by": None})
            .returning(c.id)
        ).scalar_one()
        if previous is None:
            return PutResult("new", new_id, version)
        self._conn.execute(
            sa.update(spec.table).where(c.id == previous.id).values(superseded_by=new_id)
        )
        return PutResult("corrected", new_id, version, previous.id)

    def get(self, record_id: int) -> S:
        spec = self._spec
        row = self._conn.execute(sa.select(spec.table).where(spec.table.c.id == record_id)).first()
        if row is None:
            raise NotFoundError(f"no {spec.noun} with id {record_id}")
        return spec.from_row(row)

    def latest(self, supply_point_id: str, from_at: datetime, to_at: datetime) -> list[S]:
        spec, c = self._spec, self._spec.table.c
        rows = self._conn.execute(
            sa.select(spec.table).where(
                c.supply_point_id == supply_point_id,
                c[spec.at] >= require_utc(from_at, "from_at"),
                c[spec.at] < require_utc(to_at, "to_at"),
                c.superseded_by.is_(None),
            )
        )
        return sorted((spec.from_row(row) for row in rows), key=spec.order)

    def count(self) -> int:
        table = self._spec.table
        return int(
            self._conn.execute(
                sa.select(sa.func.count()).select_from(table).where(table.c.superseded_by.is_(None))
            ).scalar_one()
        )
