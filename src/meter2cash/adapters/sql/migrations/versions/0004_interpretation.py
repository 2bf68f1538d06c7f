"""Interpretation: reference data versions, exception lifecycle and audit, adjustments, meter events.

Written by hand to match ``meter2cash.adapters.sql.tables``. Adds tables and two nullable columns:
a database at 0003 keeps its data.

Revision ID: 0004 Revises: 0003 Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Types spelled out, like 0002, so the migration does not change when the application's types do.
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
INSTANT = sa.DateTime(timezone=True)


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("validation_issues") as batch:
        batch.add_column(_text("resolution", nullable=True))
        batch.add_column(_text("note", nullable=True))
        batch.create_index(
            "ix_validation_issues_supply_point_id_channel_read_on",
            ["supply_point_id", "channel", "read_on"],
        )
    op.create_table(
        "reference_versions",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        _text("supply_point_id"),
        sa.Column("version", sa.Integer(), nullable=False),
        _text("content_key"),
        sa.Column("known_from", INSTANT, nullable=False),
        sa.Column("loaded_at", INSTANT, nullable=False),
        _text("source_name"),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.UniqueConstraint("supply_point_id", "version"),
        sa.UniqueConstraint("supply_point_id", "content_key"),
    )
    op.create_table(
        "exception_actions",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("issue_id", ID, sa.ForeignKey("validation_issues.id"), nullable=False),
        _text("action"),
        _text("actor"),
        _text("note"),
        sa.Column("at", INSTANT, nullable=False),
        _text("status_before"),
        _text("status_after"),
        sa.Column("result", sa.JSON(), nullable=False),
    )
    op.create_index("ix_exception_actions_issue_id", "exception_actions", ["issue_id"])
    op.create_table(
        "adjustments",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.Text(), nullable=False, unique=True),
        _text("supply_point_id"),
        _text("channel"),
        sa.Column("from_on", sa.Date(), nullable=False),
        sa.Column("to_on", sa.Date(), nullable=False),
        sa.Column("delta_micro", sa.BigInteger(), nullable=False),
        _text("unit"),
        _text("reason"),
        _text("reason_text", nullable=True),
        _text("old_version_id"),
        _text("new_version_id"),
        sa.Column("created_at", INSTANT, nullable=False),
        _text("settlement_impact"),
        sa.Column("correction", sa.JSON(), nullable=False),
    )
    op.create_index(
        "ix_adjustments_supply_point_id_from_on", "adjustments", ["supply_point_id", "from_on"]
    )
    op.create_table(
        "meter_events",
        sa.Column("id", ID, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.Text(), nullable=False, unique=True),
        _text("kind"),
        _text("supply_point_id"),
        _text("meter_serial", nullable=True),
        sa.Column("at", INSTANT, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
    )
    op.create_index(
        "ix_meter_events_supply_point_id_kind_at", "meter_events", ["supply_point_id", "kind", "at"]
    )


def downgrade() -> None:
    for index, table in [
        ("ix_meter_events_supply_point_id_kind_at", "meter_events"),
        ("ix_adjustments_supply_point_id_from_on", "adjustments"),
        ("ix_exception_actions_issue_id", "exception_actions"),
    ]:
        op.drop_index(index, table)
    for table in ["meter_events", "adjustments", "exception_actions", "reference_versions"]:
        op.drop_table(table)
    with op.batch_alter_table("validation_issues") as batch:
        batch.drop_index("ix_validation_issues_supply_point_id_channel_read_on")
        batch.drop_column("note")
        batch.drop_column("resolution")
