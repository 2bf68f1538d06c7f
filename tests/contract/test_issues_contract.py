"""IssueStore contract: one stored issue per rule, version and interval range; a status lifecycle."""

from __future__ import annotations

import dataclasses

import pytest
from tests.contract.builders import issue

from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.validation import IssueStatus
from meter2cash.ports import StoredIssue


def test_add_returns_an_id_once_per_key(uow_factory) -> None:
    spike = issue()
    with uow_factory() as uow:
        first = uow.issues.add(spike)
        assert first is not None
        assert uow.issues.add(spike) is None
        # The key leaves out the status and detail: a re-run finds the same issue, even if resolved.
        assert uow.issues.add(dataclasses.replace(spike, status=IssueStatus.RESOLVED)) is None
        assert uow.issues.add(dataclasses.replace(spike, detail="reworded")) is None
        second = uow.issues.add(issue(version=2))  # the same finding on a new version is new
        assert second is not None and second != first
        uow.commit()
    with uow_factory() as uow:
        assert uow.issues.list() == [
            StoredIssue(first, spike),
            StoredIssue(second, issue(version=2)),
        ]


def test_status_lifecycle_and_filter(uow_factory) -> None:
    with uow_factory() as uow:
        ids = [uow.issues.add(issue(first=k)) for k in range(3)]
        uow.issues.set_status(ids[1], IssueStatus.RESOLVED)
        uow.issues.set_status(ids[2], IssueStatus.ACCEPTED)
        uow.commit()
    with uow_factory() as uow:
        assert [s.id for s in uow.issues.list(IssueStatus.OPEN)] == [ids[0]]
        [resolved] = uow.issues.list(IssueStatus.RESOLVED)
        assert resolved == StoredIssue(
            ids[1], dataclasses.replace(issue(first=1), status=IssueStatus.RESOLVED)
        )
        assert [s.id for s in uow.issues.list(IssueStatus.ACCEPTED)] == [ids[2]]
        assert [s.id for s in uow.issues.list()] == ids


def test_set_status_of_an_unknown_issue_is_not_found(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(NotFoundError):
        uow.issues.set_status(987654, IssueStatus.RESOLVED)
