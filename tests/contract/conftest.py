"""Contract-suite fixtures: every port's suite runs over every adapter.

``adapter`` is ``memory``, ``sqlite`` (a temp-file database, migrated once per session and copied
per test) or ``postgres`` (one database per session, truncated before each test). ``uow_factory``
opens units of work on the selected adapter; ``sql_engine`` is a migrated engine for SQL-only tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.adapters.sql import SqlUnitOfWorkFactory, make_engine, metadata, upgrade_to_head
from meter2cash.ports import UnitOfWorkFactory

POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)
ADAPTERS = ["memory", "sqlite", POSTGRES]
SQL_ADAPTERS = ["sqlite", POSTGRES]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file; tests get copies (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    return path


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(postgres_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def truncate_all(engine: sa.Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE TABLE {names} RESTART IDENTITY CASCADE")


@contextmanager
def _sql_engine(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if kind == "postgres":
        engine: sa.Engine = request.getfixturevalue("postgres_engine")
        truncate_all(engine)
        yield engine
        return
    path = tmp_path / "m2c.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def uow_factory(
    adapter: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[UnitOfWorkFactory]:
    if adapter == "memory":
        yield MemoryUnitOfWorkFactory(MemoryDatabase())
        return
    with _sql_engine(adapter, request, tmp_path) as engine:
        yield SqlUnitOfWorkFactory(engine)


@pytest.fixture(params=SQL_ADAPTERS)
def sql_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    with _sql_engine(str(request.param), request, tmp_path) as engine:
        yield engine
