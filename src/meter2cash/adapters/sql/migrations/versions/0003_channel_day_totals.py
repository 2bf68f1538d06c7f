"""Channel-days carry the exact total of their values (``total_micro``).

Determining bill quantities needs each day's total, not its 48 values: with the total stored at put
time, the determine stage reads one integer per channel-day instead of decoding every value array.
Existing rows are backfilled from their values.

Revision ID: 0003 Revises: 0002 Create Date: 2026-11-28
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_days") as batch:
        batch.add_column(sa.Column("total_micro", sa.BigInteger(), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text('SELECT id, "values" FROM channel_days')).fetchall()
    for row_id, values in rows:
        decoded = json.loads(values) if isinstance(values, str) else values
        total = sum(v for v in decoded if v is not None)
        bind.execute(
            sa.text("UPDATE channel_days SET total_micro = :total WHERE id = :id"),
            {"total": total, "id": row_id},
        )
    with op.batch_alter_table("channel_days") as batch:
        batch.alter_column("total_micro", existing_type=sa.BigInteger(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("channel_days") as batch:
        batch.drop_column("total_micro")
