"""AuditLog contract: exception actions are appended, read back exactly, and never changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tests.contract.builders import issue

from meter2cash.domain.errors import DomainError, NotFoundError
from meter2cash.domain.validation import IssueStatus
from meter2cash.ports import ExceptionAction

AT = datetime(2024, 3, 1, 9, 30, 15, 250000, tzinfo=UTC)
OPEN, RESOLVED, ACCEPTED = IssueStatus.OPEN, IssueStatus.RESOLVED, IssueStatus.ACCEPTED


def test_actions_read_back_exactly_oldest_first(uow_factory) -> None:
    result = {"channel_day_id": 7, "version": 2, "methods": ["LINEAR"], "billable": True}
    with uow_factory() as uow:
        first = uow.issues.add(issue())
        second = uow.issues.add(issue(first=10))
        a = uow.audit.record(first, "estimate", "ana", "gap", AT, OPEN, RESOLVED, result)
        b = uow.audit.record(
            second, "accept", "bo", "EV charger", AT + timedelta(minutes=1), OPEN, ACCEPTED, {}
        )
        c = uow.audit.record(
            first, "auto-estimate", "pipeline", "again", AT + timedelta(hours=1), OPEN, RESOLVED,
            {"nested": {"ids": [1, 2]}, "note": None},
        )  # fmt: skip
        uow.commit()
    assert len({a, b, c}) == 3
    with uow_factory() as uow:
        trail = uow.audit.for_issue(first)
        assert trail == [
            ExceptionAction(a, first, "estimate", "ana", "gap", AT, OPEN, RESOLVED, result),
            ExceptionAction(
                c, first, "auto-estimate", "pipeline", "again", AT + timedelta(hours=1), OPEN,
                RESOLVED, {"nested": {"ids": [1, 2]}, "note": None},
            ),
        ]  # fmt: skip
        assert trail[0].at.utcoffset() == timedelta(0)
        assert uow.audit.for_issues([first, second, 987654]) == {
            first: trail,
            second: uow.audit.for_issue(second),
        }
        assert [x.id for x in uow.audit.for_issue(second)] == [b]
        assert uow.audit.for_issue(987654) == []


def test_unknown_issue_and_naive_instant_are_refused(uow_factory) -> None:
    with uow_factory() as uow:
        issue_id = uow.issues.add(issue())
        with pytest.raises(NotFoundError):
            uow.audit.record(987654, "accept", "ana", "x", AT, OPEN, ACCEPTED, {})
        with pytest.raises(DomainError):
            uow.audit.record(
                issue_id, "accept", "ana", "x", AT.replace(tzinfo=None), OPEN, ACCEPTED, {}
            )


def test_uncommitted_actions_roll_back(uow_factory) -> None:
    with uow_factory() as uow:
        issue_id = uow.issues.add(issue())
        uow.commit()
        uow.audit.record(issue_id, "accept", "ana", "x", AT, OPEN, ACCEPTED, {})
    with uow_factory() as uow:
        assert uow.audit.for_issue(issue_id) == []


def test_the_log_is_append_only(uow_factory) -> None:
    with uow_factory() as uow:
        public = {name for name in dir(uow.audit) if not name.startswith("_")}
    assert public == {"record", "for_issue", "for_issues"}
