"""Batch writes for the versioned tables and the log: a few statements per batch, not per row.

Per-row INSERT/SELECT/UPDATE round trips (and SQLAlchemy statement building per row) dominated the
chain's run time; these helpers keep the exact semantics of the per-row methods — versions chained
in input order, duplicates inside a batch resolved as if applied one by one — while sending one
SELECT per chunk of keys, one multi-row INSERT ... RETURNING, and one executemany UPDATE.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")

#: Keys per SELECT: well under SQLite's bound-parameter limit even for three-column keys.
KEY_CHUNK = 300


def chunked(items: Sequence[T], size: int = KEY_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Current:
    """The latest version known for a key while a batch is applied (``id`` may be a placeholder
    index into the batch's new rows, negative, until the INSERT returns real ids)."""

    id: int
    version: int
    content_key: str


@dataclass(frozen=True)
class Planned:
    outcome: str  # "new" | "unchanged" | "corrected"
    id: int  # real id, or -(1 + index of the new row)
    version: int
    previous_id: int | None


def plan_versions(
    items: Sequence[tuple[K, str, dict[str, Any]]], current: dict[K, Current]
) -> tuple[list[Planned], list[dict[str, Any]]]:
    """Apply ``(key, content_key, row)`` items in order against ``current`` (mutated): which become
    new rows (with their version filled in) and what each item's outcome is."""
    planned: list[Planned] = []
    new_rows: list[dict[str, Any]] = []
    for key, content_key, row in items:
        latest = current.get(key)
        if latest is not None and latest.content_key == content_key:
            planned.append(Planned("unchanged", latest.id, latest.version, None))
            continue
        version = latest.version + 1 if latest is not None else 1
        placeholder = -(1 + len(new_rows))
        new_rows.append(row | {"version": version, "superseded_by": None})
        outcome = "new" if latest is None else "corrected"
        planned.append(Planned(outcome, placeholder, version, latest.id if latest else None))
        current[key] = Current(placeholder, version, content_key)
    return planned, new_rows


def insert_returning_ids(
    conn: sa.Connection, table: sa.Table, id_column: sa.Column[Any], rows: list[dict[str, Any]]
) -> list[int]:
    if not rows:
        return []
    statement = sa.insert(table).returning(id_column, sort_by_parameter_order=True)
    return [int(row[0]) for row in conn.execute(statement, rows)]


def resolve(planned: list[Planned], ids: list[int]) -> Callable[[int | None], int | None]:
    def real(identifier: int | None) -> int | None:
        if identifier is None or identifier > 0:
            return identifier
        return ids[-identifier - 1]

    return real


def link_superseded(
    conn: sa.Connection, table: sa.Table, id_column: sa.Column[Any], links: list[tuple[int, int]]
) -> None:
    """Set ``superseded_by`` of each previous version to its successor (one executemany)."""
    if not links:
        return
    statement = (
        sa.update(table)
        .where(id_column == sa.bindparam("previous"))
        .values(superseded_by=sa.bindparam("successor"))
    )
    conn.execute(statement, [{"previous": p, "successor": s} for p, s in links])
