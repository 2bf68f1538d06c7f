"""Register reads and irregular interval reads, versioned like the channel-days.

Written by hand to match ``meter2cash.adapters.sql.tables``; like 0001 it spells types out instead
of importing the application's column types. Only new tables: a database at 0001 keeps its data.

Revision ID: 0002 Revises: 0001 Create Date: 2024-06-15
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)
MICRO = sa.BigInteger()  # exact quantity as integer micro-units
LATEST = "superseded_by IS NULL"


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "register_reads",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _text("supply_point_id"),
        _text("meter_serial"),
        _text("register_id"),
        sa.Column("read_at", INSTANT, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("superseded_by", ID, nullable=True),
        _text("content_key"),
        sa.Column("value_micro", MICRO, nullable=False),
        _text("unit"),
        _text("quality"),
        _text("method", nullable=True),
        _text("reason", nullable=True),
        _text("read_type", nullable=True),
        _text("source_file_id"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        _text("source_segment", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_register_reads"),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["register_reads.id"],
            name="fk_register_reads_superseded_by_register_reads",
        ),
        sa.UniqueConstraint(
            "supply_point_id",
            "meter_serial",
            "register_id",
            "read_at",
            "version",
            name="uq_register_reads_identity_version",
        ),
    )
    op.create_index(
        "ix_register_reads_latest",
        "register_reads",
        ["supply_point_id", "read_at"],
        sqlite_where=sa.text(LATEST),
        postgresql_where=sa.text(LATEST),
    )
    op.create_table(
        "interval_reads",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _text("supply_point_id"),
        _text("channel"),
        sa.Column("interval_start", INSTANT, nullable=False),
        sa.Column("interval_end", INSTANT, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("superseded_by", ID, nullable=True),
        _text("content_key"),
        sa.Column("energy_micro", MICRO, nullable=True),
        _text("unit"),
        _text("quality"),
        _text("method", nullable=True),
        _text("reason", nullable=True),
        _text("source_file_id"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        _text("source_segment", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_interval_reads"),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["interval_reads.id"],
            name="fk_interval_reads_superseded_by_interval_reads",
        ),
        sa.UniqueConstraint(
            "supply_point_id",
            "channel",
            "interval_start",
            "interval_end",
            "version",
            name="uq_interval_reads_identity_version",
        ),
    )
    op.create_index(
        "ix_interval_reads_latest",
        "interval_reads",
        ["supply_point_id", "interval_start"],
        sqlite_where=sa.text(LATEST),
        postgresql_where=sa.text(LATEST),
    )


def downgrade() -> None:
    op.drop_index("ix_interval_reads_latest", table_name="interval_reads")
    op.drop_table("interval_reads")
    op.drop_index("ix_register_reads_latest", table_name="register_reads")
    op.drop_table("register_reads")
