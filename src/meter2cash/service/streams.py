"""Stream names and consumer names of the event log, and a tiny helper to append events.

Raw reads are keyed by supply point (ordering per supply point is what interpretation needs; a source
without a supply point id is rejected at ingest), curated and billing streams likewise.
"""

from __future__ import annotations

from typing import Any

from meter2cash import codec
from meter2cash.ports import EventLog, LogEntry

RAW = "raw.reads"
REJECTED = "raw.rejected"
CURATED = "curated.consumption"
ADJUSTMENTS = "curated.adjustments"  # corrections to hard settlement days, for billing
DETERMINANTS = "billing.determinants"
BILLS = "billing.bills"


def append_event(
    log: EventLog, stream: str, key: str, event: Any, idempotency_key: str
) -> int | None:
    return log.append(
        stream,
        key,
        event.EVENT_TYPE,
        event.SCHEMA_VERSION,
        codec.event_payload(event),
        idempotency_key,
    )


def entry(stream: str, key: str, event: Any, idempotency_key: str) -> LogEntry:
    """A log entry for ``event`` (for ``EventLog.append_many``)."""
    return LogEntry(
        stream, key, event.EVENT_TYPE, event.SCHEMA_VERSION, codec.event_payload(event),
        idempotency_key,
    )  # fmt: skip
