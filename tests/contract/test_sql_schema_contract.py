"""SQL only: migrations build exactly ``tables.py`` (re-running is a no-op); engine settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from tests.contract.builders import channel_day

from meter2cash.adapters.sql import make_engine, metadata, upgrade_to_head
from meter2cash.adapters.sql.engine import SQLITE_BUSY_TIMEOUT_MS, normalise_url
from meter2cash.adapters.sql.intervals import SqlIntervalStore
from meter2cash.adapters.sql.migrate import alembic_config, current_revision
from meter2cash.adapters.sql.tables import bills, channel_days

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_differences(engine: sa.Engine, target: sa.MetaData) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, target))


def insert_bill_row(engine: sa.Engine, bill_id: str, total: Decimal, issued_order: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.insert(bills).values(
                bill_id=bill_id,
                supply_point_id="sp",
                period_on=date(2024, 1, 1),
                period_end_on=date(2024, 2, 1),
                version=1,
                currency="GBP",
                tariff_id="T",
                tariff_version=1,
                rounding_rule="r",
                total=total,
                issued_order=issued_order,
            )
        )


def test_migrated_schema_matches_tables(sql_engine: sa.Engine) -> None:
    assert schema_differences(sql_engine, metadata) == []


def test_the_comparison_would_notice_a_drift(sql_engine: sa.Engine) -> None:
    """Guards the test above: a changed column type and an extra index must both show up."""
    drifted = sa.MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["bill_lines"].c.amount.type = sa.Numeric()
    sa.Index("ix_drift", drifted.tables["event_log"].c.key)
    assert len(schema_differences(sql_engine, drifted)) == 2


def test_upgrading_again_is_a_no_op_and_keeps_data(sql_engine: sa.Engine) -> None:
    insert_bill_row(sql_engine, "B-1", Decimal("1.50"), 1)
    upgrade_to_head(sql_engine)
    assert current_revision(sql_engine) == HEAD
    with sql_engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(bills)).scalar() == 1


def test_upgrade_from_a_url_creates_a_fresh_sqlite_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade_to_head(url)
    upgrade_to_head(url)
    engine = sa.create_engine(url)
    try:
        assert current_revision(engine) == HEAD
        assert set(sa.inspect(engine).get_table_names()) == {*metadata.tables, "alembic_version"}
    finally:
        engine.dispose()


def test_money_is_stored_as_exact_text(sql_engine: sa.Engine) -> None:
    """Reports reading the table directly see ``76.10`` — never a float, never a dropped zero."""
    insert_bill_row(sql_engine, "B-2", Decimal("76.10"), 5)
    with sql_engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT total FROM bills").scalar() == "76.10"


def test_sqlite_connections_are_configured(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(sql_engine: sa.Engine) -> None:
    with sql_engine.connect() as connection:
        stored = SqlIntervalStore(connection).put(channel_day())
        with pytest.raises(sa.exc.IntegrityError):
            connection.execute(
                sa.update(channel_days)
                .where(channel_days.c.id == stored.id)
                .values(superseded_by=stored.id + 1000)
            )


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_postgres_urls_use_psycopg_3(given: str, driver: str) -> None:
    assert normalise_url(given).drivername == driver
