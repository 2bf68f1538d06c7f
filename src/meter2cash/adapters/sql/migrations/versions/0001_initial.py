"""Initial schema: files, rejections, event log and offsets, channel-days, issues, determinants,
bills.

Written by hand to match ``meter2cash.adapters.sql.tables`` (a contract test compares the migrated
schema with it on SQLite and PostgreSQL). It spells types out instead of importing the application's
column types, so that later changes to those can never rewrite history.

Revision ID: 0001 Revises: Create Date: 2024-06-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)
EXACT = sa.Text()  # decimal as canonical text
LATEST = "superseded_by IS NULL"


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "source_files",
        sa.Column("file_id", sa.Text(), nullable=False),
        _text("name"),
        sa.Column("size", sa.BigInteger(), nullable=False),
        _text("format"),
        sa.Column("received_at", INSTANT, nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("file_id", name="pk_source_files"),
    )
    op.create_table(
        "rejections",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _text("idempotency_key"),
        _text("source_file_id"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        _text("source_segment", nullable=True),
        _text("file_name"),
        _text("reason_code"),
        _text("message"),
        _text("offending_text"),
        sa.PrimaryKeyConstraint("id", name="pk_rejections"),
        sa.UniqueConstraint("idempotency_key", name="uq_rejections_idempotency_key"),
    )
    op.create_index("ix_rejections_source_file_id", "rejections", ["source_file_id"])
    op.create_table(
        "event_log",
        sa.Column("offset", ID, autoincrement=True, nullable=False),
        _text("stream"),
        _text("key"),
        _text("event_type"),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        _text("idempotency_key"),
        sa.Column(
            "appended_at", INSTANT, nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")
        ),
        sa.PrimaryKeyConstraint("offset", name="pk_event_log"),
        sa.UniqueConstraint(
            "stream", "idempotency_key", name="uq_event_log_stream_idempotency_key"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_log_stream_offset", "event_log", ["stream", "offset"])
    op.create_table(
        "consumer_offsets",
        _text("consumer"),
        _text("stream"),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "stream", name="pk_consumer_offsets"),
    )
    op.create_table(
        "channel_days",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _text("supply_point_id"),
        _text("market"),
        _text("channel"),
        _text("direction"),
        _text("unit"),
        sa.Column("read_on", sa.Date(), nullable=False),
        _text("zone"),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("superseded_by", ID, nullable=True),
        _text("content_key"),
        sa.Column("billable", sa.Boolean(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        _text("qualities"),
        sa.Column("methods", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        _text("source_file_id"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        _text("source_segment", nullable=True),
        _text("source_unit"),
        sa.Column("source_flags", sa.JSON(), nullable=False),
        _text("meter_serial", nullable=True),
        sa.Column("interval_count", sa.Integer(), nullable=False),
        sa.Column("estimated_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_channel_days"),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["channel_days.id"],
            name="fk_channel_days_superseded_by_channel_days",
        ),
        sa.UniqueConstraint(
            "supply_point_id",
            "channel",
            "read_on",
            "version",
            name="uq_channel_days_supply_point_id_channel_read_on_version",
        ),
    )
    op.create_index(
        "ix_channel_days_latest",
        "channel_days",
        ["supply_point_id", "read_on", "channel"],
        sqlite_where=sa.text(LATEST),
        postgresql_where=sa.text(LATEST),
    )
    op.create_table(
        "validation_issues",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _text("idempotency_key"),
        _text("rule"),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        _text("severity"),
        _text("supply_point_id"),
        _text("channel"),
        sa.Column("read_on", sa.Date(), nullable=False),
        sa.Column("first_interval", sa.Integer(), nullable=False),
        sa.Column("last_interval", sa.Integer(), nullable=False),
        _text("detail"),
        sa.Column("values", sa.JSON(), nullable=False),
        _text("source_file_id"),
        sa.Column("source_line", sa.Integer(), nullable=False),
        _text("source_segment", nullable=True),
        sa.Column("channel_day_version", sa.Integer(), nullable=False),
        _text("status"),
        sa.PrimaryKeyConstraint("id", name="pk_validation_issues"),
        sa.UniqueConstraint("idempotency_key", name="uq_validation_issues_idempotency_key"),
    )
    op.create_index("ix_validation_issues_status", "validation_issues", ["status"])
    op.create_table(
        "determinants",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        _text("natural_key"),
        sa.Column("version", sa.Integer(), nullable=False),
        _text("content_key"),
        sa.Column("superseded_by", ID, nullable=True),
        _text("supply_point_id"),
        _text("channel"),
        _text("kind"),
        sa.Column("period_on", sa.Date(), nullable=False),
        sa.Column("quantity_micro", sa.BigInteger(), nullable=False),
        _text("unit"),
        sa.Column("channel_day_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_determinants"),
        sa.ForeignKeyConstraint(
            ["superseded_by"],
            ["determinants.id"],
            name="fk_determinants_superseded_by_determinants",
        ),
        sa.UniqueConstraint("natural_key", "version", name="uq_determinants_natural_key_version"),
    )
    op.create_index(
        "ix_determinants_latest",
        "determinants",
        ["supply_point_id", "period_on"],
        sqlite_where=sa.text(LATEST),
        postgresql_where=sa.text(LATEST),
    )
    op.create_table(
        "bills",
        _text("bill_id"),
        _text("supply_point_id"),
        sa.Column("period_on", sa.Date(), nullable=False),
        sa.Column("period_end_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _text("currency"),
        _text("tariff_id"),
        sa.Column("tariff_version", sa.Integer(), nullable=False),
        _text("rounding_rule"),
        _text("supersedes", nullable=True),
        sa.Column("total", EXACT, nullable=False),
        sa.Column("issued_order", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.PrimaryKeyConstraint("bill_id", name="pk_bills"),
        sa.UniqueConstraint("issued_order", name="uq_bills_issued_order"),
    )
    op.create_index(
        "ix_bills_supply_point_id_period_on_version",
        "bills",
        ["supply_point_id", "period_on", "version"],
    )
    op.create_table(
        "bill_lines",
        _text("bill_id"),
        sa.Column("line_no", sa.Integer(), nullable=False),
        _text("kind"),
        _text("description"),
        sa.Column("quantity", EXACT, nullable=False),
        _text("quantity_unit"),
        sa.Column("rate", EXACT, nullable=False),
        _text("rate_unit"),
        sa.Column("amount", EXACT, nullable=False),
        sa.Column("determinant_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("bill_id", "line_no", name="pk_bill_lines"),
        sa.ForeignKeyConstraint(["bill_id"], ["bills.bill_id"], name="fk_bill_lines_bill_id_bills"),
    )


def downgrade() -> None:
    for index, table in [
        ("ix_bills_supply_point_id_period_on_version", "bills"),
        ("ix_determinants_latest", "determinants"),
        ("ix_validation_issues_status", "validation_issues"),
        ("ix_channel_days_latest", "channel_days"),
        ("ix_event_log_stream_offset", "event_log"),
        ("ix_rejections_source_file_id", "rejections"),
    ]:
        op.drop_index(index, table_name=table)
    for table in [
        "bill_lines",
        "bills",
        "determinants",
        "validation_issues",
        "channel_days",
        "consumer_offsets",
        "event_log",
        "rejections",
        "source_files",
    ]:
        op.drop_table(table)
