"""The two places where SQLite and PostgreSQL need different SQL: insert-or-ignore and upsert."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring(
    connection: sa.Connection, table: sa.Table, conflict_columns: Sequence[str]
) -> Any:
    """``INSERT ... ON CONFLICT (cols) DO NOTHING`` for the connection's dialect."""
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=list(conflict_columns))


def upsert(
    connection: sa.Connection,
    table: sa.Table,
    conflict_columns: Sequence[str],
    values: dict[str, Any],
) -> Any:
    """``INSERT ... ON CONFLICT (cols) DO UPDATE`` setting every non-key column to ``values``."""
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = module.insert(table).values(values)
    updates = {name: statement.excluded[name] for name in values if name not in conflict_columns}
    return statement.on_conflict_do_update(index_elements=list(conflict_columns), set_=updates)
