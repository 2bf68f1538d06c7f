"""Operator actions on exceptions (accept, estimate, reject) on the memory adapters."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.unit.service.estimation_builders import TARGET_ON, finding, gap_day, gb_day, key, store

from meter2cash import codec
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.events import ConsumptionCurated
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.domain.validation import IssueStatus, Resolution, Severity, ValidationIssue
from meter2cash.service.exceptions import ExceptionActionError, resolve_exception
from meter2cash.service.streams import CURATED

AT = datetime(2024, 4, 2, 10, tzinfo=UTC)


@pytest.fixture
def uow_factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory(MemoryDatabase())


def given(uow_factory, day: ChannelDay, *issues: ValidationIssue) -> list[int]:
    with uow_factory() as uow:
        ids = store(uow, day, *issues)
        uow.commit()
    return ids


def curated(uow_factory) -> list[ConsumptionCurated]:
    with uow_factory() as uow:
        records = uow.log.read(CURATED, 0, 100)
    return [codec.event_from_payload(r.event_type, r.payload) for r in records]


def spike_day() -> ChannelDay:
    values = ["1.0"] * 48
    values[30] = "40.0"
    return gb_day(values, TARGET_ON)


def test_accept_makes_the_version_billable_and_announces_it(uow_factory) -> None:
    day = spike_day()
    [spike] = given(uow_factory, day, finding(day, "C10", 30, 30))
    outcome = resolve_exception(uow_factory, spike, "accept", "EV charger", "ana", AT)
    assert (outcome.status, outcome.resolution) == (IssueStatus.ACCEPTED, Resolution.ACCEPTED)
    with uow_factory() as uow:
        latest = uow.intervals.latest_of([key(day)])[key(day)]
        stored = uow.issues.get(spike)
        [audit] = uow.audit.for_issue(spike)
    assert latest.billable and latest.version == 1
    assert stored.issue.status is IssueStatus.ACCEPTED and stored.note == "EV charger"
    assert (audit.action, audit.actor, audit.note, audit.at) == ("accept", "ana", "EV charger", AT)
    assert (audit.status_before, audit.status_after) == (IssueStatus.OPEN, IssueStatus.ACCEPTED)
    assert audit.result == outcome.result == {
        "channel_day_version": 1, "channel_day_id": latest.id, "billable": True,
    }  # fmt: skip
    [event] = curated(uow_factory)
    assert (event.channel_day_id, event.version, event.billable) == (latest.id, 1, True)
    assert event.market == "GB" and not event.estimated


def test_accept_leaves_the_version_quarantined_while_another_error_is_open(uow_factory) -> None:
    day = spike_day()
    spike, negative, warning = given(
        uow_factory, day, finding(day, "C10", 30, 30), finding(day, "C4", 2, 2),
        finding(day, "C9", 0, 47, severity=Severity.WARNING),
    )  # fmt: skip
    outcome = resolve_exception(uow_factory, spike, "accept", "real", "ana", AT)
    assert outcome.result["billable"] is False and outcome.result["blocked_by"] == [negative]
    assert curated(uow_factory) == []
    resolve_exception(uow_factory, negative, "accept", "export leak, known", "bo", AT)
    [event] = curated(uow_factory)  # the open WARNING does not block billing
    assert event.billable
    with uow_factory() as uow:
        assert uow.issues.get(warning).issue.status is IssueStatus.OPEN


def test_estimate_stores_a_new_version_and_announces_it(uow_factory) -> None:
    day = gap_day()
    [gap] = given(uow_factory, day, finding(day, "C2", 10, 12))
    outcome = resolve_exception(uow_factory, gap, "estimate", None, "ana", AT)
    assert (outcome.status, outcome.resolution) == (IssueStatus.RESOLVED, Resolution.ESTIMATED)
    assert outcome.result["version"] == 2 and outcome.result["methods"] == ["LINEAR"]
    assert outcome.note == "estimated as version 2 (LINEAR)"
    assert outcome.estimate is not None and outcome.estimate.resolved == (gap,)
    with uow_factory() as uow:
        latest = uow.intervals.latest_of([key(day)])[key(day)]
        [audit] = uow.audit.for_issue(gap)
    assert latest.version == 2 and latest.billable
    assert latest.channel_day.values[11] == Decimal("1.5")
    assert latest.channel_day.qualities[11] is Quality.ESTIMATED
    assert (audit.action, audit.actor, audit.status_after) == ("estimate", "ana", "resolved")
    [event] = curated(uow_factory)
    assert (event.channel_day_id, event.version, event.billable) == (latest.id, 2, True)
    assert event.estimated


def test_estimate_that_cannot_fill_every_interval_fails_and_changes_nothing(uow_factory) -> None:
    day = gb_day([None] * 48, TARGET_ON)
    [gap] = given(uow_factory, day, finding(day, "C2", 0, 47))
    with pytest.raises(ExceptionActionError, match=r"cannot be estimated: 48 interval\(s\)"):
        resolve_exception(uow_factory, gap, "estimate", "try", "ana", AT)
    with uow_factory() as uow:
        assert uow.issues.get(gap).issue.status is IssueStatus.OPEN
        assert uow.audit.for_issue(gap) == []
        assert len(uow.intervals.versions(*key(day))) == 1
    assert curated(uow_factory) == []


def test_reject_keeps_the_data_quarantined(uow_factory) -> None:
    day = spike_day()
    [spike] = given(uow_factory, day, finding(day, "C10", 30, 30))
    outcome = resolve_exception(uow_factory, spike, "reject", "meter fault", "ana", AT)
    assert (outcome.status, outcome.resolution) == (IssueStatus.RESOLVED, Resolution.REJECTED)
    with uow_factory() as uow:
        assert not uow.intervals.latest_of([key(day)])[key(day)].billable
        assert uow.issues.get(spike).resolution is Resolution.REJECTED
        [audit] = uow.audit.for_issue(spike)
    assert audit.result["billable"] is False and audit.note == "meter fault"
    assert curated(uow_factory) == []  # it was not billable: nothing changes downstream


def test_rejecting_a_warning_withdraws_a_billable_version(uow_factory) -> None:
    day = gb_day(["1.0"] * 48, TARGET_ON)
    [high] = given(uow_factory, day, finding(day, "C9", 0, 47, severity=Severity.WARNING))
    resolve_exception(uow_factory, high, "reject", "wrong meter mapped", "ana", AT)
    [event] = curated(uow_factory)
    assert not event.billable


@pytest.mark.parametrize(
    "action, note, message",
    [
        ("accept", None, "--note is required to accept"),
        ("reject", "  ", "--note is required to reject"),
        ("delete", "x", "unknown action 'delete'"),
    ],
)
def test_bad_requests_are_refused(uow_factory, action, note, message) -> None:
    day = spike_day()
    [spike] = given(uow_factory, day, finding(day, "C10", 30, 30))
    with pytest.raises(ExceptionActionError, match=message):
        resolve_exception(uow_factory, spike, action, note, "ana", AT)
    with uow_factory() as uow:
        assert uow.issues.get(spike).issue.status is IssueStatus.OPEN


def test_a_closed_or_unknown_exception_cannot_be_resolved(uow_factory) -> None:
    day = spike_day()
    [spike] = given(uow_factory, day, finding(day, "C10", 30, 30))
    resolve_exception(uow_factory, spike, "accept", "real", "ana", AT)
    with pytest.raises(ExceptionActionError, match="already accepted"):
        resolve_exception(uow_factory, spike, "reject", "changed my mind", "bo", AT)
    with pytest.raises(NotFoundError):
        resolve_exception(uow_factory, 987654, "accept", "x", "ana", AT)
    with uow_factory() as uow:
        assert len(uow.audit.for_issue(spike)) == 1


def test_only_estimable_errors_of_the_latest_version_can_be_estimated(uow_factory) -> None:
    day = spike_day()
    conflict, warning = given(
        uow_factory, day, finding(day, "C3", 5, 5),
        finding(day, "C10", 30, 30, severity=Severity.WARNING),
    )  # fmt: skip
    with pytest.raises(ExceptionActionError, match=r"C3 error.*cannot be estimated"):
        resolve_exception(uow_factory, conflict, "estimate", None, "ana", AT)
    with pytest.raises(ExceptionActionError, match=r"C10 warning.*cannot be estimated"):
        resolve_exception(uow_factory, warning, "estimate", None, "ana", AT)
    stale_day = gb_day(["1.0"] * 48, date(2024, 3, 20))
    [stale] = given(uow_factory, stale_day, finding(stale_day, "C4", 3, 3))
    given(uow_factory, gb_day(["2.0"] * 48, date(2024, 3, 20)))  # version 2 replaced it
    with pytest.raises(ExceptionActionError, match=r"about version 1 .* latest is v2"):
        resolve_exception(uow_factory, stale, "estimate", None, "ana", AT)
