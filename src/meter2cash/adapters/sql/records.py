"""Registries in SQL: received files, rejections and validation issues (all idempotent by key)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.sql.batch import chunked
from meter2cash.adapters.sql.dialect import insert_ignoring
from meter2cash.adapters.sql.tables import rejections, source_files, validation_issues
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.files import SourceFile
from meter2cash.domain.reads import Rejection, SourceRef
from meter2cash.domain.time import require_utc
from meter2cash.domain.validation import (
    IssueStateError,
    IssueStatus,
    Resolution,
    Severity,
    ValidationIssue,
)
from meter2cash.ports import DayKey, StoredIssue


class SqlFileRegistry:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def add(self, source_file: SourceFile) -> bool:
        f = source_file
        # Refuse a naive instant here, as a DomainError, rather than deep inside the driver.
        received_at = require_utc(f.received_at, "received_at")
        # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT DO NOTHING.
        inserted = self._conn.execute(
            insert_ignoring(self._conn, source_files, ["file_id"])
            .values(
                file_id=f.file_id,
                name=f.name,
                size=f.size,
                format=f.format,
                received_at=received_at,
                records=f.records,
                rejected=f.rejected,
            )
            .returning(source_files.c.file_id)
        ).first()
        return inserted is not None

    def update(self, source_file: SourceFile) -> None:
        f = source_file
        self._conn.execute(
            sa.update(source_files)
            .where(source_files.c.file_id == f.file_id)
            .values(format=f.format, records=f.records, rejected=f.rejected)
        )

    def get(self, file_id: str) -> SourceFile | None:
        row = self._conn.execute(
            sa.select(source_files).where(source_files.c.file_id == file_id)
        ).first()
        return None if row is None else SourceFile(**row._mapping)

    def list(self) -> list[SourceFile]:
        rows = self._conn.execute(sa.select(source_files))
        return sorted(
            (SourceFile(**row._mapping) for row in rows), key=lambda f: (f.received_at, f.file_id)
        )


class SqlRejectionStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def add(self, items: Iterable[Rejection]) -> int:
        statement = insert_ignoring(self._conn, rejections, ["idempotency_key"]).returning(
            rejections.c.id
        )
        added = 0
        for r in items:
            result = self._conn.execute(
                statement.values(
                    idempotency_key=r.idempotency_key,
                    source_file_id=r.source.file_id,
                    source_line=r.source.line,
                    source_segment=r.source.segment,
                    file_name=r.file_name,
                    reason_code=r.reason_code,
                    message=r.message,
                    offending_text=r.offending_text,
                )
            )
            added += result.first() is not None
        return added

    def list(self, file_id: str | None = None) -> list[Rejection]:
        c = rejections.c
        query = sa.select(rejections).order_by(c.id)
        if file_id is not None:
            query = query.where(c.source_file_id == file_id)
        return [
            Rejection(
                SourceRef(m["source_file_id"], m["source_line"], m["source_segment"]),
                m["file_name"],
                m["reason_code"],
                m["message"],
                m["offending_text"],
            )
            for m in (row._mapping for row in self._conn.execute(query))
        ]

    def count_by_reason(self) -> dict[str, int]:
        c = rejections.c
        rows = self._conn.execute(sa.select(c.reason_code, sa.func.count()).group_by(c.reason_code))
        return {reason: int(n) for reason, n in rows}


def _issue(m: Any) -> ValidationIssue:
    return ValidationIssue(
        rule=m["rule"],
        rule_version=m["rule_version"],
        severity=Severity(m["severity"]),
        supply_point_id=m["supply_point_id"],
        channel=m["channel"],
        read_on=m["read_on"],
        first_interval=m["first_interval"],
        last_interval=m["last_interval"],
        detail=m["detail"],
        values=tuple(m["values"]),
        source=SourceRef(m["source_file_id"], m["source_line"], m["source_segment"]),
        channel_day_version=m["channel_day_version"],
        status=IssueStatus(m["status"]),
    )


def _stored_issue(row: Any) -> StoredIssue:
    m = row._mapping
    resolution = m["resolution"]
    return StoredIssue(
        m["id"], _issue(m), None if resolution is None else Resolution(resolution), m["note"]
    )


class SqlIssueStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def add(self, issue: ValidationIssue) -> int | None:
        i = issue
        new_id = self._conn.execute(
            insert_ignoring(self._conn, validation_issues, ["idempotency_key"])
            .values(
                idempotency_key=i.idempotency_key,
                rule=i.rule,
                rule_version=i.rule_version,
                severity=str(i.severity),
                supply_point_id=i.supply_point_id,
                channel=i.channel,
                read_on=i.read_on,
                first_interval=i.first_interval,
                last_interval=i.last_interval,
                detail=i.detail,
                values=list(i.values),
                source_file_id=i.source.file_id,
                source_line=i.source.line,
                source_segment=i.source.segment,
                channel_day_version=i.channel_day_version,
                status=str(i.status),
            )
            .returning(validation_issues.c.id)
        ).scalar_one_or_none()
        return None if new_id is None else int(new_id)

    def get(self, issue_id: int) -> StoredIssue:
        row = self._conn.execute(
            sa.select(validation_issues).where(validation_issues.c.id == issue_id)
        ).first()
        if row is None:
            raise NotFoundError(f"no validation issue with id {issue_id}")
        return _stored_issue(row)

    def for_day(self, supply_point_id: str, channel: str, read_on: date) -> list[StoredIssue]:
        key = (supply_point_id, channel, read_on)
        return self.for_days([key]).get(key, [])

    def for_days(self, keys: Iterable[DayKey]) -> dict[DayKey, list[StoredIssue]]:
        c = validation_issues.c
        found: dict[DayKey, list[StoredIssue]] = {}
        for chunk in chunked(list(dict.fromkeys(keys))):
            rows = self._conn.execute(
                sa.select(validation_issues)
                .where(sa.tuple_(c.supply_point_id, c.channel, c.read_on).in_(chunk))
                .order_by(c.id)
            )
            for row in rows:
                found.setdefault((row.supply_point_id, row.channel, row.read_on), []).append(
                    _stored_issue(row)
                )
        return found  # each key sits in one chunk, so its issues are in id order

    def set_status(self, issue_id: int, status: IssueStatus) -> None:
        c = validation_issues.c
        updated = self._conn.execute(
            sa.update(validation_issues).where(c.id == issue_id).values(status=str(status))
        )
        if updated.rowcount == 0:
            raise NotFoundError(f"no validation issue with id {issue_id}")

    def resolve(
        self, issue_id: int, status: IssueStatus, resolution: Resolution, note: str | None
    ) -> None:
        if status is IssueStatus.OPEN:
            raise IssueStateError("an issue is resolved to RESOLVED or ACCEPTED, not OPEN")
        c = validation_issues.c
        # Conditional on still being open: of two concurrent resolutions only one updates a row.
        updated = self._conn.execute(
            sa.update(validation_issues)
            .where(c.id == issue_id, c.status == str(IssueStatus.OPEN))
            .values(status=str(status), resolution=str(Resolution(resolution)), note=note)
        )
        if updated.rowcount == 0:
            current = self.get(issue_id).issue.status  # NotFoundError if there is no such issue
            raise IssueStateError(f"validation issue {issue_id} is {current}, not open")

    def list(
        self,
        status: IssueStatus | None = None,
        supply_point_id: str | None = None,
        rule: str | None = None,
    ) -> list[StoredIssue]:
        c = validation_issues.c
        query = sa.select(validation_issues).order_by(c.id)
        if status is not None:
            query = query.where(c.status == str(status))
        if supply_point_id is not None:
            query = query.where(c.supply_point_id == supply_point_id)
        if rule is not None:
            query = query.where(c.rule == rule)
        return [_stored_issue(row) for row in self._conn.execute(query)]
