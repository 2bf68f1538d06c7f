"""Ports: what the pipeline needs from the outside world, as ``typing.Protocol`` classes.

Every adapter (memory, SQLite, PostgreSQL; later Kafka for the log) passes the same contract tests in
``tests/contract``. The unit of work groups the stores and the event log of one database so that a
consumer's effects and its committed log offset land in one transaction — the outbox *is* the log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, Self

from meter2cash.domain.adjustments import Adjustment
from meter2cash.domain.billing import Bill, Determinant, DeterminantKind
from meter2cash.domain.configuration import ConfigurationTimeline
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatusReported,
    MeterConfigurationChanged,
)
from meter2cash.domain.files import SourceFile
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import (
    ChannelDay,
    Direction,
    IntervalRead,
    RegisterRead,
    Rejection,
)
from meter2cash.domain.supply_point_model import SupplyPoint
from meter2cash.domain.validation import IssueStatus, Resolution, ValidationIssue


@dataclass(frozen=True, slots=True)
class ArchivedFile:
    file_id: str  # SHA-256 hex of the bytes
    path: Path  # where the archive keeps them
    size: int
    new: bool  # False when these exact bytes were archived before


class RawArchive(Protocol):
    """Received files kept immutably, addressed by content: the same bytes twice are stored once."""

    def put_file(self, source: Path) -> ArchivedFile: ...
    def put_bytes(self, content: bytes) -> ArchivedFile: ...
    def path_of(self, file_id: str) -> Path: ...
    def contains(self, file_id: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class LogRecord:
    offset: int  # strictly increasing per log; gaps allowed
    stream: str
    key: str
    event_type: str
    schema_version: int
    payload: dict[str, Any]
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One record to append (the arguments of ``EventLog.append``), for batch appends."""

    stream: str
    key: str
    event_type: str
    schema_version: int
    payload: Mapping[str, Any]
    idempotency_key: str


class EventLog(Protocol):
    """Append-only streams of canonical events with per-consumer committed offsets."""

    def append(
        self,
        stream: str,
        key: str,
        event_type: str,
        schema_version: int,
        payload: Mapping[str, Any],
        idempotency_key: str,
    ) -> int | None:
        """Append and return the offset; ``None`` when ``(stream, idempotency_key)`` is already there."""
        ...

    def append_many(self, entries: Sequence[LogEntry]) -> list[int | None]:
        """Append in order, exactly as ``append`` one by one would (a key repeated inside the
        batch is a duplicate of its first occurrence): one offset or ``None`` per entry."""
        ...

    def read(self, stream: str, after: int, limit: int) -> list[LogRecord]:
        """Records with offset > ``after``, in offset order, at most ``limit``."""
        ...

    def committed(self, consumer: str, stream: str) -> int:
        """The consumer's committed offset on the stream (0 before any commit)."""
        ...

    def commit(self, consumer: str, stream: str, offset: int) -> None: ...
    def end_offset(self, stream: str) -> int:
        """The highest offset in the stream (0 when empty)."""
        ...


#: (supply point id, channel, local day): the identity of a channel-day across versions.
DayKey = tuple[str, str, date]


@dataclass(frozen=True, slots=True)
class StoredChannelDay:
    id: int
    version: int
    superseded_by: int | None
    billable: bool
    channel_day: ChannelDay


@dataclass(frozen=True, slots=True)
class DayTotal:
    """A latest channel-day version reduced to what determinants need: its exact total."""

    channel_day_id: int
    supply_point_id: str
    market: str
    channel: str
    direction: Direction
    unit: Unit
    read_on: date
    billable: bool
    total_micro: int


@dataclass(frozen=True, slots=True)
class PutResult:
    outcome: Literal["new", "unchanged", "corrected"]
    id: int
    version: int
    previous_id: int | None = None


@dataclass(frozen=True, slots=True)
class IntervalCounts:
    supply_points: int
    channel_days: int  # latest versions only
    intervals: int  # latest versions only
    estimated: int  # intervals of latest versions whose quality is not actual
    versions: int  # all stored versions


class IntervalStore(Protocol):
    """Channel-day rows, versioned: an identical re-send is a no-op, a changed one a new version."""

    def put(self, day: ChannelDay) -> PutResult: ...
    def put_many(self, days: Sequence[tuple[ChannelDay, bool]]) -> list[PutResult]:
        """``put`` then ``set_billable`` for each (day, billable) in order, in a few statements;
        an "unchanged" day keeps its stored billability."""
        ...

    def latest_of(self, keys: Iterable[DayKey]) -> dict[DayKey, StoredChannelDay]:
        """The latest version of each (supply point, channel, day) key that has one."""
        ...

    def set_billable(self, channel_day_id: int, billable: bool) -> None: ...
    def get(self, channel_day_id: int) -> StoredChannelDay: ...
    def latest(
        self, supply_point_id: str, from_on: date, to_on: date, channel: str | None = None
    ) -> list[StoredChannelDay]:
        """Latest versions with ``from_on <= read_on < to_on``, ordered by channel then day."""
        ...

    def versions(
        self, supply_point_id: str, channel: str, read_on: date
    ) -> list[StoredChannelDay]: ...
    def day_totals(self, supply_point_id: str, from_on: date, to_on: date) -> list[DayTotal]:
        """Latest versions with ``from_on <= read_on < to_on`` as totals, by channel then day."""
        ...

    def supply_point_ids(self) -> list[str]: ...
    def counts(self) -> IntervalCounts: ...


@dataclass(frozen=True, slots=True)
class StoredRegisterRead:
    id: int
    version: int
    superseded_by: int | None
    read: RegisterRead


class RegisterReadStore(Protocol):
    """Register (dial) reads, versioned by (supply point, meter serial, register, ``read_at``): an
    identical re-send (same value, unit, quality, method, reason and read type) is a no-op, a
    changed one a new version with the previous one kept and marked superseded.

    Values are held as exact micro-units, as in :class:`IntervalStore`: one with more than six
    decimal places is refused with ``PrecisionError`` (never rounded), and values read back
    normalised (``1.50`` as ``1.5``, equal as a ``Decimal``). Naive bounds are a ``DomainError``.
    """

    def put(self, read: RegisterRead) -> PutResult: ...
    def get(self, register_read_id: int) -> StoredRegisterRead: ...
    def latest(
        self, supply_point_id: str, from_at: datetime, to_at: datetime
    ) -> list[StoredRegisterRead]:
        """Latest versions with ``from_at <= read_at < to_at``, ordered by meter serial, register,
        then ``read_at``."""
        ...

    def count(self) -> int:
        """How many register reads there are (latest versions only)."""
        ...


@dataclass(frozen=True, slots=True)
class StoredIntervalRead:
    id: int
    version: int
    superseded_by: int | None
    read: IntervalRead


class IntervalReadStore(Protocol):
    """Single intervals that fit no channel-day grid, versioned by (supply point, channel, interval
    start, interval end): same content (energy, unit, quality, method, reason) is a no-op, a change
    a new version with the previous one kept and marked superseded. Energy is held as in
    :class:`RegisterReadStore` (exact micro-units; ``None`` stays ``None``)."""

    def put(self, read: IntervalRead) -> PutResult: ...
    def get(self, interval_read_id: int) -> StoredIntervalRead: ...
    def latest(
        self, supply_point_id: str, from_at: datetime, to_at: datetime
    ) -> list[StoredIntervalRead]:
        """Latest versions whose interval *starts* in ``[from_at, to_at)``, ordered by channel,
        start, then end."""
        ...

    def count(self) -> int:
        """How many intervals there are (latest versions only)."""
        ...


class FileRegistry(Protocol):
    def add(self, source_file: SourceFile) -> bool:
        """Record a received file; ``False`` when that ``file_id`` is already recorded."""
        ...

    def update(self, source_file: SourceFile) -> None:
        """Overwrite a recorded file's format and counts after it was re-parsed (``--reprocess``)."""
        ...

    def get(self, file_id: str) -> SourceFile | None: ...
    def list(self) -> list[SourceFile]: ...


class RejectionStore(Protocol):
    def add(self, rejections: Iterable[Rejection]) -> int:
        """Store rejections idempotently (by their key); return how many were new."""
        ...

    def list(self, file_id: str | None = None) -> list[Rejection]: ...
    def count_by_reason(self) -> dict[str, int]: ...


@dataclass(frozen=True, slots=True)
class StoredIssue:
    id: int
    issue: ValidationIssue
    resolution: Resolution | None = None  # how it left OPEN; None while open
    note: str | None = None  # the resolution's note (operator's, or the pipeline's)


class IssueStore(Protocol):
    """Validation issues ("exceptions") and their lifecycle: OPEN -> RESOLVED or ACCEPTED, once."""

    def add(self, issue: ValidationIssue) -> int | None:
        """Store an issue; ``None`` when the same issue (by key) is already stored."""
        ...

    def get(self, issue_id: int) -> StoredIssue:
        """The issue, or ``NotFoundError``."""
        ...

    def for_day(self, supply_point_id: str, channel: str, read_on: date) -> list[StoredIssue]:
        """Every issue of a channel-day, any version and status, by id."""
        ...

    def for_days(self, keys: Iterable[DayKey]) -> dict[DayKey, list[StoredIssue]]:
        """``for_day`` for many channel-days in a few statements (keys without issues left out)."""
        ...

    def set_status(self, issue_id: int, status: IssueStatus) -> None: ...
    def resolve(
        self, issue_id: int, status: IssueStatus, resolution: Resolution, note: str | None
    ) -> None:
        """Close an OPEN issue with ``status`` (not OPEN), ``resolution`` and ``note``, atomically:
        ``NotFoundError`` for an unknown id, ``IssueStateError`` when it is no longer open (so two
        operators cannot both resolve it)."""
        ...

    def list(
        self,
        status: IssueStatus | None = None,
        supply_point_id: str | None = None,
        rule: str | None = None,
    ) -> list[StoredIssue]:
        """Issues matching every filter given, by id."""
        ...


@dataclass(frozen=True, slots=True)
class ExceptionAction:
    """One audited step on an issue: who did what, when, why, and what it changed."""

    id: int
    issue_id: int
    action: str  # accept | estimate | reject | auto-estimate
    actor: str
    note: str
    at: datetime
    status_before: IssueStatus
    status_after: IssueStatus
    result: dict[str, Any]  # JSON: e.g. {"channel_day_id": 7, "version": 2, "billable": true}


class AuditLog(Protocol):
    """The exception actions, append-only: there is no way to change or remove one."""

    def record(
        self,
        issue_id: int,
        action: str,
        actor: str,
        note: str,
        at: datetime,
        status_before: IssueStatus,
        status_after: IssueStatus,
        result: Mapping[str, Any],
    ) -> int:
        """Append one action (``at`` UTC-aware, ``result`` JSON-able); its id. ``NotFoundError``
        for an unknown issue."""
        ...

    def for_issue(self, issue_id: int) -> list[ExceptionAction]:
        """The issue's actions, oldest first."""
        ...

    def for_issues(self, issue_ids: Iterable[int]) -> dict[int, list[ExceptionAction]]:
        """``for_issue`` for many issues in a few statements (issues without actions left out)."""
        ...


@dataclass(frozen=True, slots=True)
class StoredDeterminant:
    id: int
    version: int
    determinant: Determinant


class DeterminantStore(Protocol):
    def put(self, determinant: Determinant) -> tuple[StoredDeterminant, bool]:
        """Store by natural key; same content returns the stored row and ``False``, a change a new
        version (the previous one kept) and ``True``."""
        ...

    def put_many(self, determinants: Sequence[Determinant]) -> list[tuple[StoredDeterminant, bool]]:
        """``put`` for each, in order, in a few statements."""
        ...

    def get(self, determinant_id: int) -> StoredDeterminant: ...
    def latest(
        self,
        supply_point_id: str | None = None,
        kind: DeterminantKind | None = None,
        period_on: date | None = None,
    ) -> list[StoredDeterminant]: ...


class BillStore(Protocol):
    def issue(self, bill: Bill) -> None:
        """Store an issued bill; issuing the same ``bill_id`` twice is an error (bills are immutable)."""
        ...

    def get(self, bill_id: str) -> Bill | None: ...
    def latest(self, supply_point_id: str, period_on: date) -> Bill | None: ...
    def list(self) -> list[Bill]: ...


@dataclass(frozen=True, slots=True)
class StoredAdjustment:
    """An adjustment to hard data and the correcting channel-day it was computed from."""

    id: int
    adjustment: Adjustment
    correction: ChannelDay


class AdjustmentStore(Protocol):
    """Corrections to hard settlement days: immutable, keyed, never restating the settled version."""

    def add(self, adjustment: Adjustment, correction: ChannelDay) -> int | None:
        """Store by the adjustment's idempotency key; ``None`` when already stored."""
        ...

    def latest_corrections(self, keys: Iterable[DayKey]) -> dict[DayKey, StoredAdjustment]:
        """Per channel-day, the newest adjustment (its correction is what the day now says)."""
        ...

    def list(self, supply_point_id: str | None = None) -> list[StoredAdjustment]: ...


MeterEvent = ClockSynchronised | CommunicationsStatusReported | MeterConfigurationChanged


class MeterEventStore(Protocol):
    """Clock-synchronisation, communications-status and meter-configuration events: for C12, gap
    reasons, freshness, and the configuration timeline built from events."""

    def add_many(self, events: Sequence[MeterEvent]) -> int:
        """Store idempotently (same event twice is stored once); return how many were new."""
        ...

    def between(
        self, supply_point_ids: Iterable[str], start: datetime, end: datetime
    ) -> list[MeterEvent]:
        """Events of those supply points with ``start <= at < end``, oldest first."""
        ...

    def latest(self, supply_point_id: str) -> list[MeterEvent]:
        """The newest clock and the newest communications event of a supply point (0-2 events)."""
        ...

    def configuration(self, supply_point_id: str) -> list[MeterConfigurationChanged]:
        """Every configuration event of a supply point, by effective instant."""
        ...


@dataclass(frozen=True, slots=True)
class StoredReference:
    """One stored version of a supply point's reference data: its attributes and its timeline
    (which carries the version and ``known_from``), when it was loaded and from which file."""

    supply_point: SupplyPoint
    timeline: ConfigurationTimeline
    loaded_at: datetime
    source_name: str

    @property
    def supply_point_id(self) -> str:
        return self.supply_point.supply_point_id

    @property
    def version(self) -> int:
        return self.timeline.version

    @property
    def known_from(self) -> datetime:
        """From when this version's knowledge holds (always set on a stored version)."""
        assert self.timeline.known_from is not None, "a stored reference version has known_from"
        return self.timeline.known_from


class ReferenceStore(Protocol):
    """Versions of each supply point's reference data (attributes + configuration timeline).

    Nothing is overwritten: a load that changes what is known is the next version. Each version is
    stored under the ``content_key`` of the knowledge it came from (``reference_codec``): putting
    a key already stored for the supply point is a no-op, so loading the same file twice is one.
    """

    def put(self, reference: StoredReference, content_key: str) -> int | None:
        """Store ``reference`` as its timeline's version; ``None`` when ``content_key`` is already
        stored for the supply point. The version must follow the latest stored one (1 for the
        first) and ``known_from`` must be set, else ``ConfigurationTimelineError``."""
        ...

    def latest(
        self, supply_point_ids: Iterable[str], known_at: datetime | None = None
    ) -> dict[str, StoredReference]:
        """Per supply point with data, its newest version — among those with ``known_from <=
        known_at`` when given (what was known then). One query for a whole batch."""
        ...

    def versions(self, supply_point_id: str) -> list[StoredReference]:
        """Every version of a supply point, oldest first."""
        ...

    def content_keys(self, supply_point_ids: Iterable[str]) -> dict[str, frozenset[str]]:
        """The content keys stored per supply point (those with any)."""
        ...

    def supply_point_ids(self) -> list[str]:
        """Supply points with reference data, sorted."""
        ...


class UnitOfWork(Protocol):
    """One transaction over the stores and the log. Leaving the block without ``commit`` rolls back."""

    files: FileRegistry
    rejections: RejectionStore
    log: EventLog
    intervals: IntervalStore
    register_reads: RegisterReadStore
    interval_reads: IntervalReadStore
    issues: IssueStore
    audit: AuditLog
    determinants: DeterminantStore
    bills: BillStore
    adjustments: AdjustmentStore
    meter_events: MeterEventStore
    reference: ReferenceStore

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
