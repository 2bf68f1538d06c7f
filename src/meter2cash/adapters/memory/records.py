"""In-memory registries of received files, rejections, validation issues and issued bills."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from meter2cash.adapters.memory.state import MemoryState
from meter2cash.domain.billing import Bill
from meter2cash.domain.errors import DomainError, NotFoundError
from meter2cash.domain.files import SourceFile
from meter2cash.domain.reads import Rejection
from meter2cash.domain.time import require_utc
from meter2cash.domain.validation import (
    IssueStateError,
    IssueStatus,
    Resolution,
    ValidationIssue,
)
from meter2cash.ports import DayKey, StoredIssue


class MemoryFileRegistry:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def add(self, source_file: SourceFile) -> bool:
        received_at = require_utc(source_file.received_at, "received_at")
        if source_file.file_id in self._s.files:
            return False
        self._s.dirty = True
        self._s.files[source_file.file_id] = replace(source_file, received_at=received_at)
        return True

    def update(self, source_file: SourceFile) -> None:
        known = self._s.files[source_file.file_id]
        self._s.dirty = True
        self._s.files[source_file.file_id] = replace(
            known, format=source_file.format, records=source_file.records,
            rejected=source_file.rejected,
        )  # fmt: skip

    def get(self, file_id: str) -> SourceFile | None:
        return self._s.files.get(file_id)

    def list(self) -> list[SourceFile]:
        return sorted(self._s.files.values(), key=lambda f: (f.received_at, f.file_id))


class MemoryRejectionStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def add(self, rejections: Iterable[Rejection]) -> int:
        added = 0
        for rejection in rejections:
            key = rejection.idempotency_key
            if key not in self._s.rejections:
                self._s.dirty = True
                self._s.rejections[key] = rejection
                added += 1
        return added

    def list(self, file_id: str | None = None) -> list[Rejection]:
        return [r for r in self._s.rejections.values() if file_id in (None, r.source.file_id)]

    def count_by_reason(self) -> dict[str, int]:
        return dict(Counter(r.reason_code for r in self._s.rejections.values()))


class MemoryIssueStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def add(self, issue: ValidationIssue) -> int | None:
        if issue.idempotency_key in self._s.issue_ids:
            return None
        self._s.dirty = True
        self._s.last_issue_id += 1
        self._s.issues[self._s.last_issue_id] = issue
        self._s.issue_ids[issue.idempotency_key] = self._s.last_issue_id
        return self._s.last_issue_id

    def _stored(self, issue_id: int) -> StoredIssue:
        resolution, note = self._s.issue_resolutions.get(issue_id, (None, None))
        return StoredIssue(issue_id, self._s.issues[issue_id], resolution, note)

    def get(self, issue_id: int) -> StoredIssue:
        if issue_id not in self._s.issues:
            raise NotFoundError(f"no validation issue with id {issue_id}")
        return self._stored(issue_id)

    def for_day(self, supply_point_id: str, channel: str, read_on: date) -> list[StoredIssue]:
        return self.for_days([(supply_point_id, channel, read_on)]).get(
            (supply_point_id, channel, read_on), []
        )

    def for_days(self, keys: Iterable[DayKey]) -> dict[DayKey, list[StoredIssue]]:
        wanted = set(keys)
        found: dict[DayKey, list[StoredIssue]] = {}
        for issue_id, issue in sorted(self._s.issues.items()):
            key = (issue.supply_point_id, issue.channel, issue.read_on)
            if key in wanted:
                found.setdefault(key, []).append(self._stored(issue_id))
        return found

    def set_status(self, issue_id: int, status: IssueStatus) -> None:
        try:
            issue = self._s.issues[issue_id]
        except KeyError:
            raise NotFoundError(f"no validation issue with id {issue_id}") from None
        self._s.dirty = True
        self._s.issues[issue_id] = replace(issue, status=status)

    def resolve(
        self, issue_id: int, status: IssueStatus, resolution: Resolution, note: str | None
    ) -> None:
        if status is IssueStatus.OPEN:
            raise IssueStateError("an issue is resolved to RESOLVED or ACCEPTED, not OPEN")
        issue = self.get(issue_id).issue
        if issue.status is not IssueStatus.OPEN:
            raise IssueStateError(f"validation issue {issue_id} is {issue.status}, not open")
        self._s.dirty = True
        self._s.issues[issue_id] = replace(issue, status=status)
        self._s.issue_resolutions[issue_id] = (Resolution(resolution), note)

    def list(
        self,
        status: IssueStatus | None = None,
        supply_point_id: str | None = None,
        rule: str | None = None,
    ) -> list[StoredIssue]:
        return [
            self._stored(issue_id)
            for issue_id, issue in sorted(self._s.issues.items())
            if status in (None, issue.status)
            and supply_point_id in (None, issue.supply_point_id)
            and rule in (None, issue.rule)
        ]


class MemoryBillStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def issue(self, bill: Bill) -> None:
        if bill.bill_id in self._s.bills:
            raise DomainError(f"bill {bill.bill_id} is already issued; issued bills are immutable")
        self._s.dirty = True
        self._s.bills[bill.bill_id] = bill

    def get(self, bill_id: str) -> Bill | None:
        return self._s.bills.get(bill_id)

    def latest(self, supply_point_id: str, period_on: date) -> Bill | None:
        versions = [
            bill
            for bill in self._s.bills.values()
            if bill.supply_point_id == supply_point_id and bill.period_on == period_on
        ]
        return max(versions, key=lambda bill: bill.version, default=None)

    def list(self) -> list[Bill]:
        return list(self._s.bills.values())
