"""The audit log of exception actions in SQL (``exception_actions``, migration 0004): insert-only.

No method updates or deletes a row: a mistaken action is answered by a later one, never erased.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.sql.batch import chunked
from meter2cash.adapters.sql.tables import exception_actions, validation_issues
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.time import require_utc
from meter2cash.domain.validation import IssueStatus
from meter2cash.ports import ExceptionAction

_c = exception_actions.c


def _action(row: Any) -> ExceptionAction:
    m = row._mapping
    return ExceptionAction(
        id=int(m["id"]),
        issue_id=int(m["issue_id"]),
        action=m["action"],
        actor=m["actor"],
        note=m["note"],
        at=m["at"],
        status_before=IssueStatus(m["status_before"]),
        status_after=IssueStatus(m["status_after"]),
        result=dict(m["result"]),
    )


class SqlAuditLog:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

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
        at = require_utc(at, "at")
        # Checked here rather than left to the foreign key: SQLite may not enforce it, and the
        # caller should get the same NotFoundError from every adapter.
        known = self._conn.execute(
            sa.select(validation_issues.c.id).where(validation_issues.c.id == issue_id)
        ).first()
        if known is None:
            raise NotFoundError(f"no validation issue with id {issue_id}")
        new_id = self._conn.execute(
            sa.insert(exception_actions)
            .values(
                issue_id=issue_id,
                action=action,
                actor=actor,
                note=note,
                at=at,
                status_before=str(IssueStatus(status_before)),
                status_after=str(IssueStatus(status_after)),
                result=dict(result),
            )
            .returning(_c.id)
        ).scalar_one()
        return int(new_id)

    def for_issue(self, issue_id: int) -> list[ExceptionAction]:
        return self.for_issues([issue_id]).get(issue_id, [])

    def for_issues(self, issue_ids: Iterable[int]) -> dict[int, list[ExceptionAction]]:
        found: dict[int, list[ExceptionAction]] = {}
        for chunk in chunked(list(dict.fromkeys(issue_ids))):
            rows = self._conn.execute(
                sa.select(exception_actions).where(_c.issue_id.in_(chunk)).order_by(_c.id)
            )
            for row in rows:
                action = _action(row)
                found.setdefault(action.issue_id, []).append(action)
        return found
