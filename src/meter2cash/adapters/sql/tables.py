"""The relational schema, as SQLAlchemy Core tables (the Alembic migrations must produce exactly
this).

Interval data is one row per (supply point, channel, local day, version) with the day's values as a
JSON array of integer micro-units: the design's interval shape, 48x fewer rows than one per
half-hour. Versions are never overwritten: a correction inserts the next version and points the old
row at it through ``superseded_by``, so "latest" is simply ``superseded_by IS NULL``.
"""

from __future__ import annotations

import sqlalchemy as sa

from meter2cash.adapters.sql.types import DecimalText, IdType, UtcDateTime

#: Deterministic constraint names: later migrations (and SQLite batch mode) need to name them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def _text(name: str, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=nullable)


source_files = sa.Table(
    "source_files",
    metadata,
    sa.Column("file_id", sa.Text(), primary_key=True),
    _text("name"),
    sa.Column("size", sa.BigInteger(), nullable=False),
    _text("format"),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("records", sa.Integer(), nullable=False),
    sa.Column("rejected", sa.Integer(), nullable=False),
)

rejections = sa.Table(
    "rejections",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.Text(), nullable=False, unique=True),
    _text("source_file_id"),
    sa.Column("source_line", sa.Integer(), nullable=False),
    _text("source_segment", nullable=True),
    _text("file_name"),
    _text("reason_code"),
    _text("message"),
    _text("offending_text"),
    sa.Index(None, "source_file_id"),
)

event_log = sa.Table(
    "event_log",
    metadata,
    # AUTOINCREMENT on SQLite: offsets are never reused, even if the newest rows were ever deleted,
    # so a consumer's committed offset can never point past records it has not seen.
    sa.Column("offset", IdType, primary_key=True, autoincrement=True),
    _text("stream"),
    _text("key"),
    _text("event_type"),
    sa.Column("schema_version", sa.Integer(), nullable=False),
    sa.Column("payload", sa.JSON(), nullable=False),
    _text("idempotency_key"),
    sa.Column(
        "appended_at", UtcDateTime(), nullable=False, server_default=sa.text("CURRENT_TIMESTAMP")
    ),
    sa.UniqueConstraint("stream", "idempotency_key"),
    sa.Index(None, "stream", "offset"),
    sqlite_autoincrement=True,
)

consumer_offsets = sa.Table(
    "consumer_offsets",
    metadata,
    sa.Column("consumer", sa.Text(), primary_key=True),
    sa.Column("stream", sa.Text(), primary_key=True),
    sa.Column("offset", sa.BigInteger(), nullable=False),
)

channel_days = sa.Table(
    "channel_days",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    _text("supply_point_id"),
    _text("market"),
    _text("channel"),
    _text("direction"),
    _text("unit"),
    sa.Column("read_on", sa.Date(), nullable=False),
    _text("zone"),
    sa.Column("interval_minutes", sa.Integer(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("superseded_by", IdType, sa.ForeignKey("channel_days.id"), nullable=True),
    _text("content_key"),
    sa.Column("billable", sa.Boolean(), nullable=False),
    sa.Column("values", sa.JSON(), nullable=False),  # integer micro-units or null, one per interval
    _text("qualities"),  # one Quality character per interval
    sa.Column("methods", sa.JSON(), nullable=False),
    sa.Column("reasons", sa.JSON(), nullable=False),
    _text("source_file_id"),
    sa.Column("source_line", sa.Integer(), nullable=False),
    _text("source_segment", nullable=True),
    _text("source_unit"),
    sa.Column("source_flags", sa.JSON(), nullable=False),
    _text("meter_serial", nullable=True),
    sa.Column("interval_count", sa.Integer(), nullable=False),
    sa.Column("estimated_count", sa.Integer(), nullable=False),  # intervals whose quality != "A"
    sa.Column("total_micro", sa.BigInteger(), nullable=False),  # exact sum of the values (0003)
    sa.UniqueConstraint("supply_point_id", "channel", "read_on", "version"),
    # "Latest versions of a supply point over a date range" is the read every later stage makes.
    sa.Index(
        "ix_channel_days_latest",
        "supply_point_id",
        "read_on",
        "channel",
        sqlite_where=sa.text("superseded_by IS NULL"),
        postgresql_where=sa.text("superseded_by IS NULL"),
    ),
)

# Register (dial) reads and irregular intervals: one row per read and version, versioned like the
# channel-days. Values are integer micro-units, as everywhere energy is stored. The identity
# constraints are named by hand: the convention's name would pass PostgreSQL's 63-character limit.
register_reads = sa.Table(
    "register_reads",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    _text("supply_point_id"),
    _text("meter_serial"),
    _text("register_id"),
    sa.Column("read_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("superseded_by", IdType, sa.ForeignKey("register_reads.id"), nullable=True),
    _text("content_key"),
    sa.Column("value_micro", sa.BigInteger(), nullable=False),
    _text("unit"),
    _text("quality"),
    _text("method", nullable=True),
    _text("reason", nullable=True),
    _text("read_type", nullable=True),
    _text("source_file_id"),
    sa.Column("source_line", sa.Integer(), nullable=False),
    _text("source_segment", nullable=True),
    sa.UniqueConstraint(
        "supply_point_id",
        "meter_serial",
        "register_id",
        "read_at",
        "version",
        name="uq_register_reads_identity_version",
    ),
    sa.Index(
        "ix_register_reads_latest",
        "supply_point_id",
        "read_at",
        sqlite_where=sa.text("superseded_by IS NULL"),
        postgresql_where=sa.text("superseded_by IS NULL"),
    ),
)

interval_reads = sa.Table(
    "interval_reads",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    _text("supply_point_id"),
    _text("channel"),
    sa.Column("interval_start", UtcDateTime(), nullable=False),
    sa.Column("interval_end", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("superseded_by", IdType, sa.ForeignKey("interval_reads.id"), nullable=True),
    _text("content_key"),
    sa.Column("energy_micro", sa.BigInteger(), nullable=True),  # null: no value could be obtained
    _text("unit"),
    _text("quality"),
    _text("method", nullable=True),
    _text("reason", nullable=True),
    _text("source_file_id"),
    sa.Column("source_line", sa.Integer(), nullable=False),
    _text("source_segment", nullable=True),
    sa.UniqueConstraint(
        "supply_point_id",
        "channel",
        "interval_start",
        "interval_end",
        "version",
        name="uq_interval_reads_identity_version",
    ),
    sa.Index(
        "ix_interval_reads_latest",
        "supply_point_id",
        "interval_start",
        sqlite_where=sa.text("superseded_by IS NULL"),
        postgresql_where=sa.text("superseded_by IS NULL"),
    ),
)

validation_issues = sa.Table(
    "validation_issues",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.Text(), nullable=False, unique=True),
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
    _text("resolution", nullable=True),  # accepted | estimated | rejected | superseded (0004)
    _text("note", nullable=True),  # the operator's (or the pipeline's) note on the resolution
    sa.Index(None, "status"),
    sa.Index(None, "supply_point_id", "channel", "read_on"),
)

determinants = sa.Table(
    "determinants",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    _text("natural_key"),
    sa.Column("version", sa.Integer(), nullable=False),
    _text("content_key"),
    sa.Column("superseded_by", IdType, sa.ForeignKey("determinants.id"), nullable=True),
    _text("supply_point_id"),
    _text("channel"),
    _text("kind"),
    sa.Column("period_on", sa.Date(), nullable=False),
    sa.Column("quantity_micro", sa.BigInteger(), nullable=False),
    _text("unit"),
    sa.Column("channel_day_ids", sa.JSON(), nullable=False),
    sa.UniqueConstraint("natural_key", "version"),
    sa.Index(
        "ix_determinants_latest",
        "supply_point_id",
        "period_on",
        sqlite_where=sa.text("superseded_by IS NULL"),
        postgresql_where=sa.text("superseded_by IS NULL"),
    ),
)

bills = sa.Table(
    "bills",
    metadata,
    sa.Column("bill_id", sa.Text(), primary_key=True),
    _text("supply_point_id"),
    sa.Column("period_on", sa.Date(), nullable=False),
    sa.Column("period_end_on", sa.Date(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    _text("currency"),
    _text("tariff_id"),
    sa.Column("tariff_version", sa.Integer(), nullable=False),
    _text("rounding_rule"),
    _text("supersedes", nullable=True),
    sa.Column("total", DecimalText(), nullable=False),
    # Issue order. An identity on PostgreSQL (no lost-update race between issuers); SQLite ignores
    # Identity, so the store assigns max + 1 there, safe under SQLite's single writer.
    sa.Column("issued_order", sa.BigInteger(), sa.Identity(), nullable=False, unique=True),
    sa.Index(None, "supply_point_id", "period_on", "version"),
)

bill_lines = sa.Table(
    "bill_lines",
    metadata,
    sa.Column("bill_id", sa.Text(), sa.ForeignKey("bills.bill_id"), primary_key=True),
    sa.Column("line_no", sa.Integer(), primary_key=True),
    _text("kind"),
    _text("description"),
    sa.Column("quantity", DecimalText(), nullable=False),
    _text("quantity_unit"),
    sa.Column("rate", DecimalText(), nullable=False),
    _text("rate_unit"),
    sa.Column("amount", DecimalText(), nullable=False),
    sa.Column("determinant_ids", sa.JSON(), nullable=False),
)

# --- interpretation (issue #4, migration 0004) -------------------------------------------------

#: Reference data per supply point, versioned bitemporally: each load that changes what is known of
#: a supply point (attributes, meter-configuration timeline) inserts the next version; ``known_from``
#: is from when that knowledge holds. The payload is the supply point and its configuration periods
#: as canonical JSON (codec), so the timeline "as known at T" is the latest version with
#: ``known_from <= T``.
reference_versions = sa.Table(
    "reference_versions",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    _text("supply_point_id"),
    sa.Column("version", sa.Integer(), nullable=False),
    _text("content_key"),  # of the payload: loading the same knowledge twice is a no-op
    sa.Column("known_from", UtcDateTime(), nullable=False),
    sa.Column("loaded_at", UtcDateTime(), nullable=False),
    _text("source_name"),  # the file it came from, for lineage
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.UniqueConstraint("supply_point_id", "version"),
    sa.UniqueConstraint("supply_point_id", "content_key"),
)

#: Append-only audit of operator actions on exceptions (who did what, when, why, with what result).
exception_actions = sa.Table(
    "exception_actions",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    sa.Column("issue_id", IdType, sa.ForeignKey("validation_issues.id"), nullable=False),
    _text("action"),  # accept | estimate | reject | auto-estimate
    _text("actor"),
    _text("note"),
    sa.Column("at", UtcDateTime(), nullable=False),
    _text("status_before"),
    _text("status_after"),
    sa.Column("result", sa.JSON(), nullable=False),  # e.g. {"version": 3}
    sa.Index(None, "issue_id"),
)

#: Corrections to hard settlement days: never restated, kept as immutable adjustments that link the
#: settled channel-day version to the correcting content (``new_version_id`` is its content key;
#: the correcting day itself is kept in ``correction``) for billing to turn into delta lines.
adjustments = sa.Table(
    "adjustments",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
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
    sa.Column("created_at", UtcDateTime(), nullable=False),
    _text("settlement_impact"),
    sa.Column("correction", sa.JSON(), nullable=False),
    sa.Index(None, "supply_point_id", "from_on"),
)

#: Clock-synchronisation and communications-status events per supply point/meter, kept for the
#: clock-tolerance rule (C12), gap explanations and freshness.
meter_events = sa.Table(
    "meter_events",
    metadata,
    sa.Column("id", IdType, primary_key=True, autoincrement=True),
    sa.Column("idempotency_key", sa.Text(), nullable=False, unique=True),
    _text("kind"),  # clock | comms
    _text("supply_point_id"),
    _text("meter_serial", nullable=True),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("payload", sa.JSON(), nullable=False),
    sa.Index(None, "supply_point_id", "kind", "at"),
)
