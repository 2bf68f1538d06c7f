"""The shared state of the in-memory adapters and the database object that holds it.

Stored values are frozen dataclasses, so a transaction's private copy only has to copy the
containers, not the values: a unit of work is cheap to open even over a large fake database.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date

from meter2cash.adapters.read_keys import IntervalKey, RegisterKey
from meter2cash.domain.billing import Bill
from meter2cash.domain.files import SourceFile
from meter2cash.domain.reads import Rejection
from meter2cash.domain.validation import Resolution, ValidationIssue
from meter2cash.ports import (
    ExceptionAction,
    LogRecord,
    MeterEvent,
    StoredAdjustment,
    StoredChannelDay,
    StoredDeterminant,
    StoredIntervalRead,
    StoredReference,
    StoredRegisterRead,
)

DayKey = tuple[str, str, date]  # (supply_point_id, channel, read_on)


@dataclass
class MemoryState:
    """Every table of the fake database; ``generation`` counts commits, ``dirty`` marks a write."""

    files: dict[str, SourceFile] = field(default_factory=dict)
    rejections: dict[str, Rejection] = field(default_factory=dict)
    streams: dict[str, list[LogRecord]] = field(default_factory=dict)
    log_keys: set[tuple[str, str]] = field(default_factory=set)
    last_offset: int = 0
    offsets: dict[tuple[str, str], int] = field(default_factory=dict)
    channel_days: dict[int, StoredChannelDay] = field(default_factory=dict)
    day_versions: dict[DayKey, tuple[int, ...]] = field(default_factory=dict)
    last_channel_day_id: int = 0
    register_reads: dict[int, StoredRegisterRead] = field(default_factory=dict)
    register_read_versions: dict[RegisterKey, tuple[int, ...]] = field(default_factory=dict)
    last_register_read_id: int = 0
    interval_reads: dict[int, StoredIntervalRead] = field(default_factory=dict)
    interval_read_versions: dict[IntervalKey, tuple[int, ...]] = field(default_factory=dict)
    last_interval_read_id: int = 0
    issues: dict[int, ValidationIssue] = field(default_factory=dict)
    issue_ids: dict[str, int] = field(default_factory=dict)
    last_issue_id: int = 0
    issue_resolutions: dict[int, tuple[Resolution, str | None]] = field(default_factory=dict)
    exception_actions: list[ExceptionAction] = field(default_factory=list)  # append-only
    determinants: dict[int, StoredDeterminant] = field(default_factory=dict)
    determinant_versions: dict[str, tuple[int, ...]] = field(default_factory=dict)
    last_determinant_id: int = 0
    bills: dict[str, Bill] = field(default_factory=dict)
    # Append-only lists and key sets, replaced (never mutated) on write: copying them is free.
    adjustments: list[StoredAdjustment] = field(default_factory=list)
    adjustment_keys: frozenset[str] = frozenset()
    meter_events: list[MeterEvent] = field(default_factory=list)
    meter_event_keys: frozenset[str] = frozenset()
    # Per supply point, its reference versions oldest first, each with its content key.
    reference_versions: dict[str, tuple[tuple[str, StoredReference], ...]] = field(
        default_factory=dict
    )
    generation: int = 0
    dirty: bool = False

    def copy(self) -> MemoryState:
        """An independent copy: containers are copied, the (immutable) values shared."""
        return MemoryState(
            files=dict(self.files),
            rejections=dict(self.rejections),
            streams={stream: list(records) for stream, records in self.streams.items()},
            log_keys=set(self.log_keys),
            last_offset=self.last_offset,
            offsets=dict(self.offsets),
            channel_days=dict(self.channel_days),
            day_versions=dict(self.day_versions),
            last_channel_day_id=self.last_channel_day_id,
            register_reads=dict(self.register_reads),
            register_read_versions=dict(self.register_read_versions),
            last_register_read_id=self.last_register_read_id,
            interval_reads=dict(self.interval_reads),
            interval_read_versions=dict(self.interval_read_versions),
            last_interval_read_id=self.last_interval_read_id,
            issues=dict(self.issues),
            issue_ids=dict(self.issue_ids),
            last_issue_id=self.last_issue_id,
            issue_resolutions=dict(self.issue_resolutions),
            exception_actions=list(self.exception_actions),
            determinants=dict(self.determinants),
            determinant_versions=dict(self.determinant_versions),
            last_determinant_id=self.last_determinant_id,
            bills=dict(self.bills),
            adjustments=list(self.adjustments),
            adjustment_keys=self.adjustment_keys,
            meter_events=list(self.meter_events),
            meter_event_keys=self.meter_event_keys,
            reference_versions=dict(self.reference_versions),
            generation=self.generation,
        )


class MemoryDatabase:
    """What several units of work share, like one database file. Thread-safe at commit only."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.lock = threading.Lock()
