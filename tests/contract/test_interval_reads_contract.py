"""IntervalReadStore contract: single irregular intervals versioned by (supply point, channel,
start, end), exact (or absent) energy, UTC instants, latest-version range queries by start.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.contract.builders import SOURCE

from meter2cash.domain.errors import DomainError, NotFoundError, PrecisionError
from meter2cash.domain.quantity import Unit, to_micro
from meter2cash.domain.reads import IntervalRead, Quality, SourceRef
from meter2cash.domain.time import Interval
from meter2cash.ports import PutResult, UnitOfWorkFactory

SP = "DE0001234567890000000000000000001"
START = datetime(2024, 1, 15, 9, 0, tzinfo=UTC)
JAN, FEB = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)


def interval_read(
    supply_point_id: str = SP,
    start: datetime = START,
    channel: str = "1-1:1.29.0",
    minutes: float = 7,
    *,
    energy: str | Decimal | None = "0.125",
    unit: Unit = Unit.KWH,
    quality: Quality = Quality.ACTUAL,
    method: str | None = None,
    reason: str | None = None,
    source: SourceRef = SOURCE,
) -> IntervalRead:
    return IntervalRead(
        supply_point_id,
        channel,
        Interval(start, start + timedelta(minutes=minutes)),
        None if energy is None else Decimal(energy),
        unit,
        quality,
        method,
        reason,
        source,
    )


def test_new_then_unchanged_then_corrected(uow_factory) -> None:
    original, corrected = interval_read(), interval_read(energy="0.250")
    with uow_factory() as uow:
        store = uow.interval_reads
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
        old, latest = uow.interval_reads.get(new.id), uow.interval_reads.get(correction.id)
        assert (old.id, old.version, old.superseded_by, old.read) == (
            new.id,
            1,
            correction.id,
            original,
        )
        assert (latest.id, latest.version, latest.superseded_by, latest.read) == (
            correction.id,
            2,
            None,
            corrected,
        )
        assert uow.interval_reads.latest(SP, JAN, FEB) == [latest]
        assert uow.interval_reads.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"energy": "0.1251"},
        {"energy": None},
        {"unit": Unit.KVARH},
        {"quality": Quality.SUBSTITUTED},
        {"method": "67"},
        {"reason": "Z86"},
    ],
    ids=lambda change: f"{next(iter(change))}={next(iter(change.values()))}",
)
def test_every_content_field_is_a_correction(uow_factory, change: dict[str, Any]) -> None:
    with uow_factory() as uow:
        first = uow.interval_reads.put(interval_read())
        result = uow.interval_reads.put(interval_read(**change))
        assert (result.outcome, result.version, result.previous_id) == ("corrected", 2, first.id)


def test_no_value_and_zero_are_different_contents(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.interval_reads.put(interval_read(energy=None)).outcome == "new"
        assert uow.interval_reads.put(interval_read(energy=None)).outcome == "unchanged"
        assert uow.interval_reads.put(interval_read(energy="0")).outcome == "corrected"
        assert uow.interval_reads.put(interval_read(energy=None)).outcome == "corrected"


def test_the_same_content_from_another_source_or_spelling_is_unchanged(uow_factory) -> None:
    with uow_factory() as uow:
        stored = uow.interval_reads.put(interval_read())
        for resend in (
            interval_read(source=SourceRef("cd" * 32, 99, "QTY")),
            interval_read(energy="0.1250"),
            interval_read(start=START.astimezone(ZoneInfo("Europe/Berlin"))),
        ):
            assert uow.interval_reads.put(resend) == PutResult("unchanged", stored.id, 1)
        assert uow.interval_reads.get(stored.id).read.source == SOURCE  # the first source is kept


@pytest.mark.parametrize(
    "other",
    [
        {"supply_point_id": "DE0009999999999999999999999999999"},
        {"channel": "1-1:2.29.0"},
        {"start": START + timedelta(seconds=1)},
        {"minutes": 8},  # same start, another end: another interval, not a correction
    ],
    ids=lambda other: next(iter(other)),
)
def test_each_identity_field_separates_reads(uow_factory, other: dict[str, Any]) -> None:
    with uow_factory() as uow:
        first = uow.interval_reads.put(interval_read(energy="1"))
        second = uow.interval_reads.put(interval_read(energy="2", **other))
        assert (second.outcome, second.version) == ("new", 1)
        assert second.id != first.id
        assert uow.interval_reads.count() == 2
        assert uow.interval_reads.get(first.id).superseded_by is None


EXACT: list[str | None] = [
    "0.000001",
    "-1.5",
    "123456789.123456",
    "0",
    "2.100000",
    None,
    "9223372036854.775807",
    "-9223372036854.775808",
]


def test_energy_round_trips_exactly(uow_factory) -> None:
    reads = [interval_read(channel=f"C{k}", energy=text) for k, text in enumerate(EXACT)]
    with uow_factory() as uow:
        ids = [uow.interval_reads.put(read).id for read in reads]
        uow.commit()
    with uow_factory() as uow:
        stored = [uow.interval_reads.get(i).read for i in ids]
    assert stored == reads
    assert [None if s.energy is None else to_micro(s.energy) for s in stored] == [
        None if text is None else to_micro(Decimal(text)) for text in EXACT
    ]
    assert [None if s.energy is None else str(s.energy) for s in stored] == [
        "0.000001",
        "-1.5",
        "123456789.123456",
        "0",
        "2.1",
        None,
        "9223372036854.775807",
        "-9223372036854.775808",
    ]


@pytest.mark.parametrize("energy", ["0.0000001", "9223372036854.775808", "1E+30"])
def test_energy_that_cannot_be_held_exactly_is_refused(uow_factory, energy: str) -> None:
    with uow_factory() as uow:
        with pytest.raises(PrecisionError):
            uow.interval_reads.put(interval_read(energy=energy))
        assert uow.interval_reads.count() == 0


def test_instants_round_trip_as_utc(uow_factory) -> None:
    london = ZoneInfo("Europe/London")
    reads = [
        # Across the autumn clock change: 01:00 BST to 01:00 GMT is an hour, not nothing.
        IntervalRead(
            SP,
            "E1",
            Interval(
                datetime(2024, 10, 27, 1, 0, tzinfo=london),
                datetime(2024, 10, 27, 1, 0, fold=1, tzinfo=london),
            ),
            Decimal("1.5"),
            Unit.KWH,
            Quality.ACTUAL,
            None,
            None,
            SOURCE,
        ),
        interval_read(
            start=datetime(2024, 1, 15, 19, 0, 0, 654321, tzinfo=timezone(timedelta(hours=10))),
            minutes=0.5,
        ),
    ]
    with uow_factory() as uow:
        ids = [uow.interval_reads.put(read).id for read in reads]
        uow.commit()
    with uow_factory() as uow:
        stored = [uow.interval_reads.get(i).read.interval for i in ids]
    assert stored == [read.interval for read in reads]
    assert stored[0] == Interval(
        datetime(2024, 10, 27, 0, 0, tzinfo=UTC), datetime(2024, 10, 27, 1, 0, tzinfo=UTC)
    )
    assert stored[1].start == datetime(2024, 1, 15, 9, 0, 0, 654321, tzinfo=UTC)
    assert stored[1].duration == timedelta(seconds=30)
    assert all(at.utcoffset() == timedelta(0) for i in stored for at in (i.start, i.end))


def test_latest_selects_by_start_half_open_and_orders_by_channel_start_end(uow_factory) -> None:
    day = datetime(2024, 1, 15, tzinfo=UTC)
    with uow_factory() as uow:
        for channel in ("b", "B", "A_1", "A-1"):  # code-point order differs from a locale's
            for minutes_in in (-5, 0, 90, 24 * 60):
                for length in (15, 7):
                    uow.interval_reads.put(
                        interval_read(
                            start=day + timedelta(minutes=minutes_in),
                            channel=channel,
                            minutes=length,
                        )
                    )
        uow.interval_reads.put(interval_read("OTHER", day))
        uow.interval_reads.put(interval_read(start=day, channel="B", minutes=7, energy="5"))
        uow.commit()
    with uow_factory() as uow:
        found = uow.interval_reads.latest(SP, day, day + timedelta(days=1))
        assert [
            (s.read.channel, s.read.interval.start, s.read.interval.duration) for s in found
        ] == [
            (channel, day + timedelta(minutes=minutes_in), timedelta(minutes=length))
            for channel in ("A-1", "A_1", "B", "b")
            # Not -5: an interval that starts before the range is not in it, though it ends inside.
            for minutes_in in (0, 90)
            for length in (7, 15)
        ]
        assert all(s.superseded_by is None for s in found)
        [corrected] = [s for s in found if s.version == 2]
        assert (corrected.read.channel, corrected.read.energy) == ("B", Decimal(5))
        berlin = uow.interval_reads.latest(
            SP, day.astimezone(ZoneInfo("Europe/Berlin")), day + timedelta(minutes=1)
        )
        assert len(berlin) == 4 * 2
        assert uow.interval_reads.latest(SP, day, day) == []
        assert uow.interval_reads.latest("NOBODY", JAN, FEB) == []
        assert uow.interval_reads.count() == 4 * 4 * 2 + 1


def test_naive_bounds_are_refused(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(DomainError):
        uow.interval_reads.latest(SP, JAN, datetime(2024, 2, 1))  # noqa: DTZ001


def test_get_unknown_is_not_found(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(NotFoundError):
        uow.interval_reads.get(424242)


class Crash(Exception):
    pass


def test_an_exception_rolls_back(uow_factory) -> None:
    with uow_factory() as uow:
        kept = uow.interval_reads.put(interval_read())
        uow.commit()
    with pytest.raises(Crash), uow_factory() as uow:
        uow.interval_reads.put(interval_read(energy="9"))
        uow.interval_reads.put(interval_read(channel="other"))
        raise Crash
    with uow_factory() as uow:
        assert uow.interval_reads.count() == 1
        assert uow.interval_reads.get(kept.id).superseded_by is None
        assert [s.read for s in uow.interval_reads.latest(SP, JAN, FEB)] == [interval_read()]
    with uow_factory() as uow:
        uow.interval_reads.put(interval_read(energy="9"))
        uow.rollback()  # an explicit rollback, then the block goes on
        assert uow.interval_reads.put(interval_read()) == PutResult("unchanged", kept.id, 1)


contents = st.tuples(
    st.sampled_from(["0.5", "0.50", "1", None]),
    st.sampled_from([Quality.ACTUAL, Quality.ESTIMATED]),
)
identities = st.tuples(
    st.sampled_from(["sp-a", "sp-b"]),
    st.sampled_from(["E1", "B1"]),
    st.sampled_from([START, START + timedelta(minutes=5)]),
    st.sampled_from([5, 10]),
)


Key = tuple[str, str, datetime, int]  # (supply point, channel, start, minutes)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(puts=st.lists(st.tuples(identities, contents), max_size=20))
def test_versions_follow_content_changes(uow_factory: UnitOfWorkFactory, puts) -> None:
    """Versions == content changes per identity (``0.5`` and ``0.50`` being one content); latest
    == the last distinct content; each older version points at the next."""
    model: dict[Key, list[tuple[Decimal | None, Quality]]] = {}
    ids: dict[Key, list[int]] = {}
    with uow_factory() as uow:  # never committed: each example starts empty
        for (sp, channel, start, minutes), (energy, quality) in puts:
            key = (sp, channel, start, minutes)
            history = model.setdefault(key, [])
            content = (None if energy is None else Decimal(energy), quality)
            result = uow.interval_reads.put(
                interval_read(sp, start, channel, minutes, energy=energy, quality=quality)
            )
            expected = (
                "new" if not history else "unchanged" if history[-1] == content else ("corrected")
            )
            if expected != "unchanged":
                history.append(content)
                ids.setdefault(key, []).append(result.id)
            assert (result.outcome, result.version) == (expected, len(history))
        for key, history in model.items():
            chain = [uow.interval_reads.get(i) for i in ids[key]]
            assert [(s.version, s.read.energy, s.read.quality) for s in chain] == [
                (k + 1, *content) for k, content in enumerate(history)
            ]
            assert [s.superseded_by for s in chain] == [s.id for s in chain[1:]] + [None]
        for sp in ("sp-a", "sp-b"):
            latest = uow.interval_reads.latest(sp, JAN, FEB)
            assert [
                (
                    s.read.channel,
                    s.read.interval.start,
                    s.read.interval.duration,
                    s.read.energy,
                    s.read.quality,
                )
                for s in latest
            ] == [
                (channel, start, timedelta(minutes=minutes), *history[-1])
                for (sp_, channel, start, minutes), history in sorted(model.items())
                if sp_ == sp
            ]
        assert uow.interval_reads.count() == len(model)
