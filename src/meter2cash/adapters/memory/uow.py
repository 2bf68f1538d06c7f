"""In-memory unit of work: a private copy of the database state, published whole on ``commit``.

Leaving the block without committing simply drops the copy, which gives the rollback semantics of a
real transaction for free. Two units of work that both write and commit from the same starting point
would silently lose one's changes if the second simply replaced the state, so that case is refused
(:class:`ConcurrentCommitError`), the fake's honest stand-in for a serialization failure.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from meter2cash.adapters.memory.audit import MemoryAuditLog
from meter2cash.adapters.memory.interpretation import MemoryAdjustmentStore, MemoryMeterEventStore
from meter2cash.adapters.memory.log import MemoryEventLog
from meter2cash.adapters.memory.reads import MemoryIntervalReadStore, MemoryRegisterReadStore
from meter2cash.adapters.memory.records import (
    MemoryBillStore,
    MemoryFileRegistry,
    MemoryIssueStore,
    MemoryRejectionStore,
)
from meter2cash.adapters.memory.reference import MemoryReferenceStore
from meter2cash.adapters.memory.state import MemoryDatabase, MemoryState
from meter2cash.adapters.memory.versioned import MemoryDeterminantStore, MemoryIntervalStore
from meter2cash.domain.errors import Meter2CashError
from meter2cash.ports import (
    AdjustmentStore,
    AuditLog,
    BillStore,
    DeterminantStore,
    EventLog,
    FileRegistry,
    IntervalReadStore,
    IntervalStore,
    IssueStore,
    MeterEventStore,
    ReferenceStore,
    RegisterReadStore,
    RejectionStore,
)


class ConcurrentCommitError(Meter2CashError):
    """Another unit of work committed writes after this one started; this one's writes would clobber
    them.
    """


class MemoryUnitOfWork:
    # Typed with the ports: a Protocol's attributes are invariant, so the concrete classes would
    # not satisfy ``UnitOfWork``.
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

    def __init__(self, database: MemoryDatabase) -> None:
        self._db = database
        self._work: MemoryState | None = None

    def __enter__(self) -> Self:
        with self._db.lock:
            work = self._db.state.copy()
        self._work = work
        self.files = MemoryFileRegistry(work)
        self.rejections = MemoryRejectionStore(work)
        self.log = MemoryEventLog(work)
        self.intervals = MemoryIntervalStore(work)
        self.register_reads = MemoryRegisterReadStore(work)
        self.interval_reads = MemoryIntervalReadStore(work)
        self.issues = MemoryIssueStore(work)
        self.audit = MemoryAuditLog(work)
        self.determinants = MemoryDeterminantStore(work)
        self.bills = MemoryBillStore(work)
        self.adjustments = MemoryAdjustmentStore(work)
        self.meter_events = MemoryMeterEventStore(work)
        self.reference = MemoryReferenceStore(work)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()
        self._work = None

    def commit(self) -> None:
        work = self._active()
        if not work.dirty:
            return
        with self._db.lock:
            if self._db.state.generation != work.generation:
                raise ConcurrentCommitError(
                    "another unit of work committed since this one began; retry on fresh state"
                )
            published = work.copy()
            published.generation += 1
            self._db.state = published
        work.generation = published.generation
        work.dirty = False

    def rollback(self) -> None:
        """Forget uncommitted writes: the working copy goes back to the last committed state."""
        work = self._active()
        if not work.dirty:
            return
        with self._db.lock:
            fresh = self._db.state.copy()
        for name, value in vars(fresh).items():
            setattr(work, name, value)

    def _active(self) -> MemoryState:
        if self._work is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._work


class MemoryUnitOfWorkFactory:
    """``factory()`` opens a unit of work on the shared :class:`MemoryDatabase`."""

    def __init__(self, database: MemoryDatabase | None = None) -> None:
        self.database = database if database is not None else MemoryDatabase()

    def __call__(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self.database)
