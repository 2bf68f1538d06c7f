"""Fixtures shared by every test layer. Keep this small: layer-specific fixtures live with the
layer.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from meter2cash.adapters.sql.engine import make_engine, normalise_url

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def _scratch_database(prefix: str) -> Iterator[str]:
    """Create an empty PostgreSQL database, yield its URL, drop it afterwards.

    The server comes from ``M2C_TEST_DATABASE_URL``. When it cannot be reached the tests that need
    it are skipped with the reason — except under ``CI=true``, where they must run, so they fail.
    """
    server_url = normalise_url(os.environ.get("M2C_TEST_DATABASE_URL", DEFAULT_POSTGRES_URL))
    shown = server_url.render_as_string(hide_password=True)
    server = make_engine(
        server_url,
        isolation_level="AUTOCOMMIT",
        poolclass=NullPool,
        connect_args={"connect_timeout": 5},
    )
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        server.dispose()
        reason = " ".join(str(exc.orig or exc).split())  # one line: the driver's text wraps
        message = f"PostgreSQL not reachable at {shown}: {reason}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database shared by this test session (contract suites truncate between tests)."""
    with _scratch_database("m2c_test") as url:
        yield url


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A PostgreSQL database of this test's own: for end-to-end runs that must start empty."""
    with _scratch_database("m2c_e2e") as url:
        yield url
