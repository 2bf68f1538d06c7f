"""estimate_stored_days on the memory adapters: what it estimates, stores, resolves and audits."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from tests.unit.service.estimation_builders import (
    TARGET_ON,
    finding,
    gap_day,
    gb_day,
    key,
    store,
)

from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.domain.validation import IssueStatus, Resolution, Severity
from meter2cash.ports import UnitOfWork
from meter2cash.service.estimation import estimate_stored_days

AT = datetime(2024, 4, 2, 9, tzinfo=UTC)


@pytest.fixture
def uow_factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory(MemoryDatabase())


def estimate(uow: UnitOfWork, *days: ChannelDay, **options):
    options.setdefault("reason", None)
    return estimate_stored_days(uow, [key(d) for d in days], as_of=AT, **options)


def test_a_gap_of_three_half_hours_is_interpolated_exactly(uow_factory) -> None:
    day = gap_day()
    with uow_factory() as uow:
        [issue_id] = store(uow, day, finding(day, "C2", 10, 12))
        [outcome] = estimate(uow, day, actor="ana", note="meter swap")
        uow.commit()
    assert outcome.put is not None and outcome.version == 2 and outcome.from_version == 1
    assert outcome.methods == ("LINEAR",) and outcome.estimated == (10, 11, 12)
    assert outcome.unestimated == () and outcome.resolved == (issue_id,)
    assert outcome.billable and not outcome.zero_filled and outcome.why is None
    with uow_factory() as uow:
        latest = uow.intervals.latest_of([key(day)])[key(day)]
        stored = uow.issues.get(issue_id)
        [audit] = uow.audit.for_issue(issue_id)
    assert latest.version == 2 and latest.billable and latest.channel_day == outcome.channel_day
    new = latest.channel_day
    assert new.values[9:14] == tuple(Decimal(v) for v in ("1.0", "1.25", "1.5", "1.75", "2.0"))
    assert new.qualities[10:13] == (Quality.ESTIMATED,) * 3  # GB: E
    assert new.methods[10:13] == ("LINEAR",) * 3
    assert new.reasons[10:13] == ("no usable value (C2)",) * 3
    assert new.qualities[9] is Quality.ACTUAL and new.methods[9] is None
    assert stored.issue.status is IssueStatus.RESOLVED
    assert stored.resolution is Resolution.ESTIMATED
    assert stored.note == "estimated as version 2 (LINEAR): meter swap"
    assert (audit.action, audit.actor, audit.note, audit.at) == (
        "auto-estimate",
        "ana",
        "meter swap",
        AT,
    )
    assert (audit.status_before, audit.status_after) == (IssueStatus.OPEN, IssueStatus.RESOLVED)
    assert audit.result == {
        "channel_day_id": latest.id, "version": 2, "billable": True, "methods": ["LINEAR"],
        "intervals": [10, 12],
    }  # fmt: skip


def test_a_second_call_stores_nothing(uow_factory) -> None:
    day = gap_day()
    with uow_factory() as uow:
        store(uow, day, finding(day, "C2", 10, 12))
        [first] = estimate(uow, day)
        [again] = estimate(uow, day)
        versions = uow.intervals.versions(*key(day))
    assert first.version == 2
    assert again.put is None and again.from_version == 2 and again.resolved == ()
    assert "no open estimable issue" in (again.why or "")
    assert [v.version for v in versions] == [1, 2]


class CountingIntervals:
    """The memory interval store, counting ``latest`` calls (history must be one call a channel)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.latest_calls = 0

    def latest(self, *args, **kwargs):
        self.latest_calls += 1
        return self.inner.latest(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_whole_missing_day_is_filled_from_like_days(uow_factory) -> None:
    # Four stored Wednesdays: the three nearest are used (ties: both 7 days away), not 21 Feb.
    like = {date(2024, 2, 21): "9.0", date(2024, 2, 28): "1.0", date(2024, 3, 6): "2.0",
            date(2024, 3, 20): "3.0"}  # fmt: skip
    target = gb_day([None] * 48, TARGET_ON)
    second = gb_day([None] * 48, date(2024, 3, 27))  # also a Wednesday, same channel
    with uow_factory() as uow:
        for on, value in like.items():
            store(uow, gb_day([value] * 48, on))
        store(uow, gb_day(["5.0"] * 48, date(2024, 3, 14)))  # a Thursday: never a like day
        store(uow, target, finding(target, "C2", 0, 47))
        store(uow, second, finding(second, "C2", 0, 47))
        counting = CountingIntervals(uow.intervals)
        uow.intervals = counting
        one, two = estimate(uow, target, second, reason="comms outage")
    assert counting.latest_calls == 1  # both days' history in one call for the channel
    assert one.methods == ("LIKE_DAY",) and len(one.estimated) == 48
    assert one.channel_day is not None
    assert set(one.channel_day.values) == {Decimal("2")}  # mean of 1.0, 2.0, 3.0
    assert set(one.channel_day.reasons) == {"comms outage"}
    assert "2024-03-06, 2024-03-20, 2024-02-28" in one.steps[0].detail
    assert two.methods == ("LIKE_DAY",) and two.channel_day is not None
    assert set(two.channel_day.values) == {Decimal("2")}  # 20 Mar, 6 Mar, 28 Feb (not 13 Mar)


def test_a_day_that_cannot_be_filled_stays_open(uow_factory) -> None:
    day = gb_day([None] * 48, TARGET_ON)
    with uow_factory() as uow:
        quarantined = gb_day(["4.0"] * 48, date(2024, 3, 6))
        store(uow, quarantined, finding(quarantined, "C10", 3, 3))  # not billable: no like day
        [issue_id] = store(uow, day, finding(day, "C2", 0, 47))
        [outcome] = estimate(uow, day)
        assert uow.issues.get(issue_id).issue.status is IssueStatus.OPEN
        assert uow.audit.for_issue(issue_id) == []
        assert [v.version for v in uow.intervals.versions(*key(day))] == [1]
    assert outcome.put is None and outcome.resolved == () and outcome.version is None
    assert outcome.unestimated == tuple(range(48))
    assert outcome.why is not None and "48 interval(s)" in outcome.why
    assert "no like day" in outcome.why and "0..47" in outcome.why


def test_suspect_values_are_masked_and_other_issues_carried(uow_factory) -> None:
    values = ["1.0"] * 48
    values[20], values[30] = "-0.5", "40.0"
    day = gb_day(values, TARGET_ON)
    with uow_factory() as uow:
        negative, spike, conflict, warning, dup_warning = store(
            uow, day, finding(day, "C4", 20, 20), finding(day, "C10", 30, 30),
            finding(day, "C3", 5, 5), finding(day, "C9", 0, 47, severity=Severity.WARNING),
            finding(day, "C10", 40, 40, severity=Severity.WARNING),
        )  # fmt: skip
        [outcome] = estimate(uow, day)
        carried = dict(outcome.carried)
        issues = {s.id: s for s in uow.issues.for_day(*key(day))}
    assert outcome.resolved == (negative, spike) and outcome.estimated == (20, 30)
    assert outcome.channel_day is not None
    assert outcome.channel_day.values[20] == outcome.channel_day.values[30] == Decimal("1")
    assert outcome.channel_day.values[40] == Decimal("1.0")  # a WARNING spike is not estimated
    assert sorted(carried) == [conflict, warning, dup_warning]
    assert not outcome.billable  # the carried C3 is an ERROR on the new version
    for old, new in carried.items():
        assert issues[old].resolution is Resolution.SUPERSEDED
        assert f"#{new}" in (issues[old].note or "")
        assert issues[new].issue == dataclasses.replace(
            issues[old].issue, channel_day_version=2, status=IssueStatus.OPEN
        )


def test_a_gap_at_midnight_uses_the_neighbouring_day(uow_factory) -> None:
    values: list[str | None] = ["3.0"] * 48
    values[0:2] = [None, None]
    day = gb_day(values, TARGET_ON)
    with uow_factory() as uow:
        store(uow, gb_day(["0.0"] * 47 + ["1.5"], date(2024, 3, 12)))
        store(uow, day, finding(day, "C2", 0, 1))
        [outcome] = estimate(uow, day)
    assert outcome.methods == ("LINEAR",) and outcome.channel_day is not None
    assert outcome.channel_day.values[:3] == (Decimal("2"), Decimal("2.5"), Decimal("3.0"))


def test_zero_fill_with_a_positive_reason_and_the_outage_reason(uow_factory) -> None:
    day = gb_day([None] * 48, TARGET_ON)
    with uow_factory() as uow:
        store(uow, day, finding(day, "C2", 0, 47))
        [outcome] = estimate(
            uow, day, zero_fill_reason=lambda k: "de-energised since 2024-03-01",
            outage_reason=lambda k: "head-end reported offline",
        )  # fmt: skip
    assert outcome.zero_filled and outcome.zero_fill_reason == "de-energised since 2024-03-01"
    assert outcome.methods == ("ZERO_FILL",) and outcome.channel_day is not None
    assert set(outcome.channel_day.values) == {Decimal("0")}
    assert set(outcome.channel_day.reasons) == {"de-energised since 2024-03-01"}


def test_only_open_error_issues_of_the_latest_version_count(uow_factory) -> None:
    day = gap_day()
    corrected = gb_day(["1.0"] * 48, TARGET_ON)
    with uow_factory() as uow:
        store(uow, day, finding(day, "C2", 10, 12))
        store(uow, corrected)  # version 2 replaced the gap: its old issue is not about v2
        missing_day = gb_day(["1.0"] * 48, date(2024, 3, 20))
        [outcome, nothing_stored] = estimate_stored_days(
            uow, [key(day), key(missing_day)], reason=None, as_of=AT
        )
    assert outcome.put is None and outcome.from_version == 2
    assert nothing_stored.from_version is None and nothing_stored.why == "no stored channel-day"


def test_a_naive_as_of_is_refused(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(ValueError):
        estimate_stored_days(uow, [], reason=None, as_of=datetime(2024, 1, 1))  # noqa: DTZ001
