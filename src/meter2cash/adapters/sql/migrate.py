"""Run the packaged Alembic migrations from code: no ``alembic.ini`` is needed at run time.

``upgrade_to_head`` is what ``meter2cash`` calls at start-up; running it on an up-to-date database
is a no-op. On PostgreSQL a transaction-scoped advisory lock stops two starting processes from
migrating at once (the loser waits, then finds nothing to do).
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

from meter2cash.adapters.sql.engine import make_engine

MIGRATIONS = Path(__file__).with_name("migrations")
_MIGRATION_LOCK_ID = 0x6D3263_6D696772  # "m2c" "migr": any constant shared by every process


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config built in code, pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine_or_url: sa.Engine | str | URL) -> None:
    """Bring the database schema to the newest revision, in one transaction."""
    if isinstance(engine_or_url, sa.Engine):
        _upgrade(engine_or_url)
        return
    engine = make_engine(engine_or_url)
    try:
        _upgrade(engine)
    finally:
        engine.dispose()


def current_revision(engine: sa.Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _upgrade(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK_ID)))
        command.upgrade(alembic_config(connection), "head")
