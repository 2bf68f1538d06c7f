"""IntervalStore contract: channel-day versions, exact values, latest-version queries and counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.contract.builders import channel_day

from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import SourceRef
from meter2cash.ports import IntervalCounts, PutResult, UnitOfWorkFactory

DAY = date(2024, 1, 15)


def test_new_then_unchanged_then_corrected(uow_factory) -> None:
    original = channel_day()
    corrected = channel_day(base="0.250")
    with uow_factory() as uow:
        store = uow.intervals
        new = store.put(original)
        assert (new.outcome, new.version, new.previous_id) == ("new", 1, None)
        assert store.put(original) == PutResult("unchanged", new.id, 1)
        correction = store.put(corrected)
        assert (correction.outcome, correction.version, correction.previous_id) == (
            "corrected",
            2,
            new.id,
        )
        assert correction.id != new.id
        assert store.put(corrected) == PutResult("unchanged", correction.id, 2)
        uow.commit()
    with uow_factory() as uow:
        old, latest = uow.intervals.versions(original.supply_point_id, "E1", DAY)
        assert (old.id, old.version, old.superseded_by, old.channel_day) == (
            new.id,
            1,
            correction.id,
            original,
        )
        assert (latest.id, latest.version, latest.superseded_by, latest.channel_day) == (
            correction.id,
            2,
            None,
            corrected,
        )
        assert uow.intervals.get(new.id) == old
        assert uow.intervals.latest(original.supply_point_id, DAY, date(2024, 1, 16)) == [latest]


def test_a_resend_of_an_old_version_is_a_new_correction(uow_factory) -> None:
    """Versions are judged against the latest only: going back to earlier values is a change too."""
    first, second = channel_day(), channel_day(base="9")
    with uow_factory() as uow:
        uow.intervals.put(first)
        uow.intervals.put(second)
        again = uow.intervals.put(first)
        assert (again.outcome, again.version) == ("corrected", 3)


def test_a_different_source_with_the_same_content_is_unchanged(uow_factory) -> None:
    with uow_factory() as uow:
        stored = uow.intervals.put(channel_day())
        resend = channel_day(source=SourceRef("cd" * 32, 99))
        assert uow.intervals.put(resend) == PutResult("unchanged", stored.id, 1)


@pytest.mark.parametrize(
    ("read_on", "intervals"),
    [(date(2024, 3, 31), 46), (date(2024, 10, 27), 50), (date(2024, 6, 1), 48)],
)
def test_uk_clock_change_days_round_trip(uow_factory, read_on: date, intervals: int) -> None:
    values: list[Decimal | None] = [Decimal(k) / 8 for k in range(intervals)]
    values[3] = None
    qualities = "A" * 3 + "N" + "E" * 2 + "A" * (intervals - 6)
    day = channel_day(
        "1200012345678", read_on, zone="Europe/London", values=values, qualities=qualities
    )
    with uow_factory() as uow:
        uow.intervals.put(day)
        uow.commit()
    with uow_factory() as uow:
        [stored] = uow.intervals.latest("1200012345678", read_on, date(2025, 1, 1))
        assert stored.channel_day == day
        assert len(stored.channel_day.values) == intervals
        assert uow.intervals.counts() == IntervalCounts(1, 1, intervals, 3, 1)


def test_values_are_exact_micro_units(uow_factory) -> None:
    values: list[Decimal | None] = [
        Decimal("0.000001"),
        Decimal("-1.5"),
        Decimal("123456789.123456"),
        Decimal("0"),
        Decimal("2.100000"),
        None,
        *[Decimal("7")] * 42,
    ]
    day = channel_day(values=values)
    with uow_factory() as uow:
        stored_id = uow.intervals.put(day).id
        uow.commit()
    with uow_factory() as uow:
        stored = uow.intervals.get(stored_id).channel_day
    assert [None if v is None else to_micro(v) for v in stored.values] == [
        None if v is None else to_micro(v) for v in values
    ]
    assert stored.content_key == day.content_key
    assert stored == day


def test_billable_flag(uow_factory) -> None:
    with uow_factory() as uow:
        stored = uow.intervals.put(channel_day())
        assert uow.intervals.get(stored.id).billable is True
        uow.intervals.set_billable(stored.id, False)
        uow.commit()
    with uow_factory() as uow:
        assert uow.intervals.get(stored.id).billable is False
        corrected = uow.intervals.put(channel_day(base="3"))
        assert uow.intervals.get(corrected.id).billable is True  # a new version starts billable
        assert uow.intervals.get(stored.id).billable is False


def test_unknown_ids_are_not_found(uow_factory) -> None:
    with uow_factory() as uow:
        with pytest.raises(NotFoundError):
            uow.intervals.get(424242)
        with pytest.raises(NotFoundError):
            uow.intervals.set_billable(424242, True)


def test_latest_range_channel_filter_and_order(uow_factory) -> None:
    with uow_factory() as uow:
        for read_on in (date(2024, 1, 14), date(2024, 1, 15), date(2024, 1, 16), date(2024, 1, 17)):
            for channel in ("Q1", "E1", "B1"):
                uow.intervals.put(channel_day(read_on=read_on, channel=channel))
        uow.intervals.put(channel_day("OTHER", date(2024, 1, 15)))
        uow.intervals.put(channel_day(read_on=date(2024, 1, 15), channel="E1", base="5"))
        uow.commit()
    with uow_factory() as uow:
        found = uow.intervals.latest("6001234567", date(2024, 1, 15), date(2024, 1, 17))
        assert [(s.channel_day.channel, s.channel_day.read_on.day) for s in found] == [
            ("B1", 15),
            ("B1", 16),
            ("E1", 15),
            ("E1", 16),
            ("Q1", 15),
            ("Q1", 16),
        ]
        assert all(s.superseded_by is None for s in found)
        assert found[2].version == 2
        e1 = uow.intervals.latest("6001234567", date(2024, 1, 1), date(2024, 2, 1), channel="E1")
        assert [s.channel_day.read_on.day for s in e1] == [14, 15, 16, 17]
        assert uow.intervals.latest("6001234567", DAY, DAY) == []
        assert uow.intervals.latest("NOBODY", date(2024, 1, 1), date(2025, 1, 1)) == []


def test_supply_point_ids_and_counts(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.intervals.supply_point_ids() == []
        assert uow.intervals.counts() == IntervalCounts(0, 0, 0, 0, 0)
        uow.intervals.put(channel_day("b-point"))
        uow.intervals.put(channel_day("a-point", qualities="E" * 10 + "A" * 38))
        uow.intervals.put(channel_day("a-point", qualities="S" * 4 + "A" * 44))  # correction
        uow.intervals.put(channel_day("a-point", channel="B1"))
        assert uow.intervals.supply_point_ids() == ["a-point", "b-point"]
        assert uow.intervals.counts() == IntervalCounts(
            supply_points=2, channel_days=3, intervals=3 * 48, estimated=4, versions=4
        )


variants = st.sampled_from(["0.1", "0.2", "0.3"])
keys = st.tuples(
    st.sampled_from(["sp-a", "sp-b"]),
    st.sampled_from(["E1", "B1"]),
    st.sampled_from([date(2024, 1, 1), date(2024, 1, 2)]),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(puts=st.lists(st.tuples(keys, variants), max_size=20))
def test_versions_follow_content_changes(uow_factory: UnitOfWorkFactory, puts) -> None:
    """Latest == the last content put per key; versions == number of content changes per key."""
    model: dict[tuple[str, str, date], list[str]] = {}
    with uow_factory() as uow:  # never committed: each example starts empty
        for (sp, channel, read_on), base in puts:
            history = model.setdefault((sp, channel, read_on), [])
            result = uow.intervals.put(channel_day(sp, read_on, channel, base=base))
            expected = "new" if not history else "unchanged" if history[-1] == base else "corrected"
            if expected != "unchanged":
                history.append(base)
            assert (result.outcome, result.version) == (expected, len(history))
        for (sp, channel, read_on), history in model.items():
            versions = uow.intervals.versions(sp, channel, read_on)
            assert [v.channel_day for v in versions] == [
                channel_day(sp, read_on, channel, base=base) for base in history
            ]
            assert [v.superseded_by for v in versions] == [v.id for v in versions[1:]] + [None]
            [latest] = uow.intervals.latest(
                sp, read_on, read_on.replace(day=read_on.day + 1), channel
            )
            assert latest.channel_day == channel_day(sp, read_on, channel, base=history[-1])
        counts = uow.intervals.counts()
        assert (counts.channel_days, counts.versions) == (
            len(model),
            sum(len(h) for h in model.values()),
        )


def test_day_totals_are_exact_sums_of_the_latest_versions(uow_factory) -> None:
    with uow_factory() as uow:
        first = uow.intervals.put(channel_day("sp", base="0.1"))
        corrected = uow.intervals.put(channel_day("sp", base="0.2"))
        uow.intervals.set_billable(corrected.id, False)
        export = uow.intervals.put(channel_day("sp", channel="B1", base="0.3"))
        day = uow.intervals.get(corrected.id).channel_day
        totals = uow.intervals.day_totals("sp", day.read_on, date(2100, 1, 1))
        assert [(t.channel_day_id, t.channel, t.billable) for t in totals] == [
            (export.id, "B1", True),
            (corrected.id, "E1", False),
        ]
        for total in totals:
            stored = uow.intervals.get(total.channel_day_id).channel_day
            assert total.total_micro == sum(to_micro(v) for v in stored.values if v is not None)
            assert (total.market, total.direction, total.unit) == (
                stored.market,
                stored.direction,
                stored.unit,
            )
        assert first.id not in {t.channel_day_id for t in totals}
