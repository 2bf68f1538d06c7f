"""Alembic environment for meter2cash.

Used two ways: from code (``meter2cash.adapters.sql.migrate``), which passes an open connection in
``config.attributes["connection"]``; or from the ``alembic`` command line with ``-x url=...`` (or
``sqlalchemy.url`` in an ini file) when authoring a new revision.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from meter2cash.adapters.sql.engine import make_engine
from meter2cash.adapters.sql.tables import metadata

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite can only ALTER by copying tables: autogenerate must write batch operations for it.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise RuntimeError("no database: pass -x url=... or set sqlalchemy.url")
    engine = make_engine(url)
    try:
        with engine.connect() as connection_:
            _run(connection_)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported; run against a database")
run_migrations_online()
