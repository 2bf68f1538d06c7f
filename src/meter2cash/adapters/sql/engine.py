"""Engines for the two supported databases, configured for the unit of work's needs.

SQLite: WAL (readers never block the writer), foreign keys on (off by default in SQLite), a busy
timeout, and ``BEGIN IMMEDIATE`` for every transaction. Python's sqlite3 driver would otherwise
start transactions lazily and *deferred*: a unit of work that reads and then writes can then fail at
once with "database is locked" when another writer got in between, which no timeout can cure. Taking
the write lock at ``begin`` makes concurrent units of work queue instead. The price: units of work
on one SQLite file run one at a time, so never nest them in one thread.

PostgreSQL goes through psycopg 3; plain ``postgresql://`` URLs are pointed at it.
"""

from __future__ import annotations

from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

#: How long a SQLite unit of work waits for another one's write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 15_000


def normalise_url(url: str | URL) -> URL:
    """``postgres://`` and ``postgresql://`` -> ``postgresql+psycopg://`` (psycopg 3, not psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in {"postgres", "postgresql"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _json_text(value: Any) -> str:
    """JSON columns (channel-day values, log payloads) through msgspec: several times faster than
    the standard library on the hot path, same JSON."""
    return msgspec.json.encode(value).decode()


def make_engine(url: str | URL, **engine_options: Any) -> Engine:
    """An engine for ``url`` (SQLite or PostgreSQL) with the connection settings the stores rely on."""
    parsed = normalise_url(url)
    engine_options.setdefault("json_serializer", _json_text)
    engine_options.setdefault("json_deserializer", msgspec.json.decode)
    engine = sa.create_engine(parsed, **engine_options)
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # Hand transaction control to SQLAlchemy's begin event below (the driver would defer it).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
