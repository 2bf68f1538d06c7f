"""A scratch PostgreSQL database per measurement: created empty, dropped afterwards.

The server comes from ``M2C_BENCH_DATABASE_URL``, else ``M2C_TEST_DATABASE_URL``, else the local
default; each database is named ``m2c_bench_<pid>_<hex>`` and dropped with ``FORCE``.
"""

from __future__ import annotations

import os
import secrets
from typing import Any

DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    return (
        os.environ.get("M2C_BENCH_DATABASE_URL")
        or os.environ.get("M2C_TEST_DATABASE_URL")
        or DEFAULT_SERVER_URL
    )


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as libpq (psycopg) understands it."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Server:
    def __init__(self, url: str) -> None:
        self.url = url

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(libpq_url(self.url), autocommit=True, connect_timeout=5)

    def check(self) -> str:
        """The server's version; raises when it cannot be reached."""
        with self._admin() as connection:
            row = connection.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "unknown"

    def create(self) -> str:
        """A new empty database: its SQLAlchemy URL."""
        from sqlalchemy.engine import make_url

        name = f"m2c_bench_{os.getpid()}_{secrets.token_hex(4)}"
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def drop(self, database_url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(database_url).database
        if not name or not name.startswith("m2c_bench_"):
            raise ValueError(f"refusing to drop {name!r}: not a benchmark scratch database")
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
