from datetime import UTC, date, datetime, timedelta

import pytest

from meter2cash.interpret.harden import (
    HardeningError,
    HardeningState,
    RegimeTimeline,
    hard_through,
    load_timetables,
    state_for,
    watermark,
)

TIMETABLES = load_timetables()
OPEN, PROVISIONAL, HARD, FROZEN = HardeningState
MIGRATED_ON = date(2025, 10, 22)
TIMELINE = RegimeTimeline(((MIGRATED_ON, "GB_MHHS"), (date(2020, 1, 1), "GB_LEGACY")))
AS_OF = datetime(2026, 3, 1, 12, tzinfo=UTC)


def _days(first: date, last: date):
    on = first
    while on <= last:
        yield on
        on += timedelta(days=1)


def test_the_regime_is_the_one_in_force_on_the_settlement_day():
    assert TIMELINE.regime_on(MIGRATED_ON - timedelta(days=1)) == "GB_LEGACY"
    assert TIMELINE.regime_on(MIGRATED_ON) == "GB_MHHS"
    assert TIMELINE.regime_on(date(2030, 1, 1)) == "GB_MHHS"
    with pytest.raises(HardeningError, match="no settlement regime"):
        TIMELINE.regime_on(date(2019, 12, 31))
    with pytest.raises(HardeningError):
        RegimeTimeline(((MIGRATED_ON, "GB_MHHS"), (MIGRATED_ON, "GB_LEGACY")))


def test_a_migration_hardens_later_days_first():
    # legacy day before the migration: RF 14 months on -> still provisional in March 2026
    assert state_for(date(2025, 10, 21), TIMELINE, TIMETABLES, AS_OF) is PROVISIONAL
    # MHHS days: RF 4 months on -> 2025-10-22..31 hard (their RF dates have passed) ...
    assert state_for(MIGRATED_ON, TIMELINE, TIMETABLES, AS_OF) is HARD
    assert state_for(date(2025, 10, 31), TIMELINE, TIMETABLES, AS_OF) is HARD  # RF 2026-02-28
    # ... 2025-11-01's RF is 2026-03-01, today: not passed yet
    assert state_for(date(2025, 11, 1), TIMELINE, TIMETABLES, AS_OF) is PROVISIONAL


def test_the_watermark_waits_for_the_older_legacy_days():
    states = [
        (day, state_for(day, TIMELINE, TIMETABLES, AS_OF))
        for day in _days(date(2025, 10, 1), date(2025, 11, 5))
    ]
    assert watermark(states) is None  # 2025-10-01 (legacy) is not hard
    after_migration = [(d, s) for d, s in states if d >= MIGRATED_ON]
    assert watermark(after_migration) == date(2025, 10, 31)
    assert watermark(states, at_least=PROVISIONAL) == date(2025, 11, 5)


def test_hard_through_scans_from_the_first_settlement_day():
    legacy = RegimeTimeline.single("GB_LEGACY")
    as_of = datetime(2025, 3, 16, 12, tzinfo=UTC)
    assert hard_through(date(2024, 1, 1), legacy, TIMETABLES, as_of) == date(2024, 1, 15)
    assert hard_through(date(2024, 6, 1), legacy, TIMETABLES, as_of) is None
    # with the migration, nothing after the legacy days' RF can pass the watermark
    assert hard_through(date(2024, 8, 1), TIMELINE, TIMETABLES, AS_OF) == date(2024, 12, 31)


def test_watermark_needs_consecutive_days_and_counts_frozen_as_hard():
    day = date(2024, 1, 1)
    assert watermark([(day, FROZEN), (day + timedelta(days=1), HARD)]) == day + timedelta(days=1)
    assert watermark([(day, HARD), (day + timedelta(days=2), HARD)]) == day  # a gap stops it
    assert watermark([(day + timedelta(days=1), HARD), (day, HARD)]) == day + timedelta(days=1)
    assert watermark([]) is None
    assert watermark([(day, OPEN)]) is None


def test_an_unknown_regime_is_an_error():
    with pytest.raises(HardeningError, match="no timetable"):
        state_for(date(2024, 1, 1), RegimeTimeline.single("NOPE"), TIMETABLES, AS_OF)
