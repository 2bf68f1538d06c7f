"""IssueStore contract: one stored issue per rule, version and interval range; a status lifecycle."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from tests.contract.builders import issue

from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.validation import IssueStateError, IssueStatus, Resolution
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


def test_get_and_the_filters_of_list(uow_factory) -> None:
    other_point = dataclasses.replace(issue(rule="C4"), supply_point_id="6009999999")
    with uow_factory() as uow:
        spike = uow.issues.add(issue(rule="C10"))
        negative = uow.issues.add(issue(rule="C4", first=5))
        elsewhere = uow.issues.add(other_point)
        uow.issues.set_status(negative, IssueStatus.ACCEPTED)
        uow.commit()
    with uow_factory() as uow:
        assert uow.issues.get(spike) == StoredIssue(spike, issue(rule="C10"))
        assert [s.id for s in uow.issues.list(rule="C4")] == [negative, elsewhere]
        assert [s.id for s in uow.issues.list(supply_point_id="6009999999")] == [elsewhere]
        assert [s.id for s in uow.issues.list(IssueStatus.OPEN, "6001234567", "C10")] == [spike]
        assert uow.issues.list(IssueStatus.ACCEPTED, rule="C10") == []
        with pytest.raises(NotFoundError):
            uow.issues.get(987654)


def test_for_day_finds_every_version_and_status_of_that_day_only(uow_factory) -> None:
    day = ("6001234567", "E1", date(2024, 1, 15))
    with uow_factory() as uow:
        first = uow.issues.add(issue(version=1))
        second = uow.issues.add(issue(version=2, rule="C4"))
        uow.issues.add(dataclasses.replace(issue(), channel="B1"))
        uow.issues.add(dataclasses.replace(issue(), read_on=date(2024, 1, 16)))
        uow.issues.resolve(first, IssueStatus.RESOLVED, Resolution.SUPERSEDED, "v2 replaced it")
        uow.commit()
    with uow_factory() as uow:
        found = uow.issues.for_day(*day)
        assert [s.id for s in found] == [first, second]
        assert found[0].resolution is Resolution.SUPERSEDED
        assert uow.issues.for_day("6001234567", "E1", date(2024, 2, 1)) == []
        many = uow.issues.for_days([day, ("6001234567", "B1", day[2]), ("X", "E1", day[2])])
        assert sorted(many) == sorted([day, ("6001234567", "B1", day[2])])
        assert many[day] == found


def test_resolve_sets_status_resolution_and_note_once(uow_factory) -> None:
    with uow_factory() as uow:
        issue_id = uow.issues.add(issue())
        uow.issues.resolve(issue_id, IssueStatus.ACCEPTED, Resolution.ACCEPTED, "EV charging")
        uow.commit()
    with uow_factory() as uow:
        stored = uow.issues.get(issue_id)
        assert stored == StoredIssue(
            issue_id,
            dataclasses.replace(issue(), status=IssueStatus.ACCEPTED),
            Resolution.ACCEPTED,
            "EV charging",
        )
        assert uow.issues.list(IssueStatus.ACCEPTED) == [stored]
        with pytest.raises(IssueStateError, match="accepted, not open"):
            uow.issues.resolve(issue_id, IssueStatus.RESOLVED, Resolution.REJECTED, "no")
        with pytest.raises(NotFoundError):
            uow.issues.resolve(987654, IssueStatus.RESOLVED, Resolution.REJECTED, "no")
    with uow_factory() as uow:
        other = uow.issues.add(issue(first=9))
        with pytest.raises(IssueStateError):
            uow.issues.resolve(other, IssueStatus.OPEN, Resolution.ACCEPTED, None)
        uow.issues.resolve(other, IssueStatus.RESOLVED, Resolution.ESTIMATED, None)
        assert uow.issues.get(other).note is None
        assert uow.issues.get(other).resolution is Resolution.ESTIMATED
