"""Operator actions on exceptions (accept, estimate, reject) on the memory adapters."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.unit.service.estimation_builders import TARGET_ON, finding, gap_day, gb_day, key, store

from meter2cash import codec
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.adjustments import AdjustmentRaised, AdjustmentReason
from meter2cash.domain.configuration import ConfigurationTimeline
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.events import ConsumptionCurated
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import (
    ALWAYS,
    EffectiveSeries,
    SettlementRegime,
    SupplyPoint,
)
from meter2cash.domain.validation import IssueStatus, Resolution, Severity, ValidationIssue
from meter2cash.ports import StoredReference, UnitOfWork
from meter2cash.service.exceptions import ExceptionActionError, resolve_exception
from meter2cash.service.streams import ADJUSTMENTS, CURATED

AT = datetime(2024, 4, 2, 10, tzinfo=UTC)


@pytest.fixture
def uow_factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory(MemoryDatabase())


def given(uow_factory, day: ChannelDay, *issues: ValidationIssue) -> list[int]:
    with uow_factory() as uow:
        ids = store(uow, day, *issues)
        uow.commit()
    return ids


def store_issue(uow: UnitOfWork, issue: ValidationIssue) -> list[int]:
    added = uow.issues.add(issue)
    assert added is not None
    return [added]


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


# --- estimating a hard settlement day: an adjustment, never a new version -------------------------

HARD_ON = date(2022, 1, 12)  # GB legacy: final reconciliation ~14 months later, long past at AT


def _gap(read_on: date, supply_point_id: str | None = None) -> ChannelDay:
    values: list[str | None] = ["1.0"] * 48
    values[10:13] = [None, None, None]
    values[13] = "2.0"
    day = gb_day(values, read_on)
    return (
        day
        if supply_point_id is None
        else dataclasses.replace(day, supply_point_id=supply_point_id)
    )


def test_estimating_a_hard_day_raises_one_adjustment_and_keeps_the_version(uow_factory) -> None:
    day = _gap(HARD_ON)
    [gap] = given(uow_factory, day, finding(day, "C2", 10, 12))
    outcome = resolve_exception(uow_factory, gap, "estimate", "late fix", "ana", AT)
    with uow_factory() as uow:
        [stored] = uow.adjustments.list()
        [version] = uow.intervals.versions(*key(day))
        issue = uow.issues.get(gap)
        [audit] = uow.audit.for_issue(gap)
        raised = uow.log.read(ADJUSTMENTS, 0, 10)
    assert outcome.adjustment_id == stored.id and outcome.adjustment == stored.adjustment
    assert (outcome.status, outcome.resolution) == (IssueStatus.RESOLVED, Resolution.ESTIMATED)
    assert version.version == 1 and version.channel_day == day  # nothing restated
    adjustment = stored.adjustment
    assert (adjustment.from_on, adjustment.to_on) == (HARD_ON, date(2022, 1, 13))
    assert adjustment.delta == Decimal("4.5")  # 1.25 + 1.5 + 1.75 where nothing was settled
    assert adjustment.reason is AdjustmentReason.OTHER
    assert adjustment.reason_text == f"estimated by ana (LINEAR) for exception(s) #{gap}: late fix"
    assert adjustment.old_version_id == f"channel_day:{version.id}"
    assert adjustment.new_version_id == stored.correction.content_key
    assert adjustment.created_at == AT
    correction = stored.correction
    assert correction.values[10:13] == (Decimal("1.25"), Decimal("1.5"), Decimal("1.75"))
    assert correction.qualities[10:13] == (Quality.ESTIMATED,) * 3
    assert correction.methods[10:13] == ("LINEAR",) * 3
    assert issue.resolution is Resolution.ESTIMATED
    assert issue.note == (
        f"estimated as adjustment {stored.id} (LINEAR): settlement day 2022-01-12 is hard, "
        "version 1 is kept: late fix"
    )
    assert (audit.action, audit.actor, audit.note) == ("estimate", "ana", "late fix")
    assert audit.result == outcome.result | {"intervals": [10, 12]}
    assert outcome.result["adjustment_id"] == stored.id and outcome.result["delta"] == "4.5"
    assert outcome.result["hardening"] == "hard" and outcome.result["resolved"] == [gap]
    [record] = raised
    event = codec.event_from_payload(record.event_type, record.payload)
    assert event == AdjustmentRaised(adjustment)
    assert curated(uow_factory) == []  # no new version to announce


def test_a_hard_day_already_corrected_by_an_adjustment_is_not_estimated(uow_factory) -> None:
    day = _gap(HARD_ON)
    [gap] = given(uow_factory, day, finding(day, "C2", 10, 12))
    first = resolve_exception(uow_factory, gap, "estimate", None, "ana", AT)
    with uow_factory() as uow:  # a second finding on the same, still stored, version
        [other] = store_issue(uow, finding(day, "C4", 20, 20))
        uow.commit()
    with pytest.raises(
        ExceptionActionError, match=f"already corrected by adjustment {first.adjustment_id}"
    ):
        resolve_exception(uow_factory, other, "estimate", None, "ana", AT)
    with uow_factory() as uow:
        assert len(uow.adjustments.list()) == 1
        assert uow.issues.get(other).issue.status is IssueStatus.OPEN


def test_the_regime_on_the_day_chooses_the_timetable(uow_factory) -> None:
    # 11 Oct 2023 at AT (2 Apr 2024): past MHHS's ~4-month final run, not legacy's ~14 months.
    mpan = "2000000000006"
    on = date(2023, 10, 11)
    for regime, hard in ((SettlementRegime.MHHS, True), (SettlementRegime.LEGACY_NHH, False)):
        factory = MemoryUnitOfWorkFactory(MemoryDatabase())
        day = _gap(on, mpan)
        with factory() as uow:
            supply_point = SupplyPoint(
                mpan, Market.GB, "Europe/London", EffectiveSeries.constant(regime, ALWAYS)
            )
            timeline = ConfigurationTimeline(mpan, (), 1, AT)
            uow.reference.put(StoredReference(supply_point, timeline, AT, "test"), "k")
            [gap] = store(uow, day, finding(day, "C2", 10, 12))
            uow.commit()
        outcome = resolve_exception(factory, gap, "estimate", None, "ana", AT)
        assert (outcome.adjustment_id is not None) is hard
        assert ("version" in outcome.result) is not hard
