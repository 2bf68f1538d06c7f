"""In-memory audit log of exception actions: append-only, as the ``exception_actions`` table.

``result`` goes through JSON on the way in, so the fake refuses what the database column refuses
and gives back what it gives back (lists, not tuples; string keys).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from meter2cash.adapters.memory.state import MemoryState
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.time import require_utc
from meter2cash.domain.validation import IssueStatus
from meter2cash.ports import ExceptionAction


class MemoryAuditLog:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

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
        if issue_id not in self._s.issues:
            raise NotFoundError(f"no validation issue with id {issue_id}")
        stored_result = json.loads(json.dumps(dict(result)))
        self._s.dirty = True
        new_id = len(self._s.exception_actions) + 1
        self._s.exception_actions.append(
            ExceptionAction(
                new_id, issue_id, action, actor, note, at,
                IssueStatus(status_before), IssueStatus(status_after), stored_result,
            )
        )  # fmt: skip
        return new_id

    def for_issue(self, issue_id: int) -> list[ExceptionAction]:
        return self.for_issues([issue_id]).get(issue_id, [])

    def for_issues(self, issue_ids: Iterable[int]) -> dict[int, list[ExceptionAction]]:
        wanted = set(issue_ids)
        found: dict[int, list[ExceptionAction]] = {}
        for action in self._s.exception_actions:
            if action.issue_id in wanted:
                found.setdefault(action.issue_id, []).append(action)
        return found
