"""The SQL unit of work: one connection and one transaction per ``with`` block.

Every store and the event log share that connection, so whatever a block does — including a
consumer's committed log offset — becomes visible together on ``commit`` or not at all.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

import sqlalchemy as sa

from meter2cash.adapters.sql.audit import SqlAuditLog
from meter2cash.adapters.sql.bills import SqlBillStore
from meter2cash.adapters.sql.determinants import SqlDeterminantStore
from meter2cash.adapters.sql.interpretation import SqlAdjustmentStore, SqlMeterEventStore
from meter2cash.adapters.sql.interval_reads import SqlIntervalReadStore
from meter2cash.adapters.sql.intervals import SqlIntervalStore
from meter2cash.adapters.sql.log import SqlEventLog
from meter2cash.adapters.sql.records import SqlFileRegistry, SqlIssueStore, SqlRejectionStore
from meter2cash.adapters.sql.reference import SqlReferenceStore
from meter2cash.adapters.sql.register_reads import SqlRegisterReadStore
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


class SqlUnitOfWork:
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

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._conn: sa.Connection | None = None

    def __enter__(self) -> Self:
        conn = self._engine.connect()
        try:
            conn.begin()
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self.files = SqlFileRegistry(conn)
        self.rejections = SqlRejectionStore(conn)
        self._log = SqlEventLog(conn)
        self.log = self._log
        self.intervals = SqlIntervalStore(conn)
        self.register_reads = SqlRegisterReadStore(conn)
        self.interval_reads = SqlIntervalReadStore(conn)
        self.issues = SqlIssueStore(conn)
        self.audit = SqlAuditLog(conn)
        self.determinants = SqlDeterminantStore(conn)
        self.bills = SqlBillStore(conn)
        self.adjustments = SqlAdjustmentStore(conn)
        self.meter_events = SqlMeterEventStore(conn)
        self.reference = SqlReferenceStore(conn)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._active(), None
        try:
            conn.rollback()  # a no-op after commit unless something was written since
        finally:
            conn.close()

    def commit(self) -> None:
        """Commit; the block may go on, in a new transaction that starts with the next statement."""
        self._active().commit()
        self._log.transaction_ended()

    def rollback(self) -> None:
        self._active().rollback()
        self._log.transaction_ended()

    def _active(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._conn


class SqlUnitOfWorkFactory:
    """``factory()`` opens a unit of work on ``engine`` (see :func:`make_engine`)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
