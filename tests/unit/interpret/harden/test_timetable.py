from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from meter2cash.domain.errors import DomainError
from meter2cash.domain.time import UK_TIME
from meter2cash.interpret.harden import (
    HardeningError,
    HardeningState,
    Offset,
    load_timetables,
    state_of,
)
from meter2cash.interpret.harden.calendar import add_months, add_working_days

TIMETABLES = load_timetables()
LEGACY = TIMETABLES["GB_LEGACY"]
MHHS = TIMETABLES["GB_MHHS"]
OPEN, PROVISIONAL, HARD, FROZEN = HardeningState


def _london(on: date, hour: int = 12) -> datetime:
    return datetime(on.year, on.month, on.day, hour, tzinfo=UK_TIME)


def test_shipped_timetables_hold_every_regime_with_provenance():
    assert set(TIMETABLES) == {"GB_LEGACY", "GB_MHHS", "AU_NEM", "DE_MABIS"}
    assert LEGACY.runs["RF"] == Offset(months=14, tag="V")
    assert MHHS.runs["RF"] == Offset(months=4, tag="M")
    assert {o.tag for o in TIMETABLES["AU_NEM"].runs.values()} == {"T"}
    assert {o.tag for o in TIMETABLES["DE_MABIS"].runs.values()} == {"T"}
    assert TIMETABLES["AU_NEM"].frozen_from is None


def test_legacy_day_walks_through_every_state_on_its_run_dates():
    day = date(2024, 1, 12)  # a Friday
    sf = date(2024, 2, 5)  # 16 working days later
    rf = date(2025, 3, 12)  # 14 months
    df = date(2026, 5, 12)  # 28 months
    assert LEGACY.transitions(day) == {PROVISIONAL: sf, HARD: rf, FROZEN: df}
    assert state_of(day, LEGACY, _london(day)) is OPEN
    assert state_of(day, LEGACY, _london(sf)) is OPEN  # on the run date: not yet passed
    assert state_of(day, LEGACY, _london(sf + timedelta(days=1), 0)) is PROVISIONAL
    assert state_of(day, LEGACY, _london(rf, 23)) is PROVISIONAL
    assert state_of(day, LEGACY, _london(rf + timedelta(days=1), 0)) is HARD
    assert state_of(day, LEGACY, _london(df + timedelta(days=1))) is FROZEN
    assert HARD.is_hard and FROZEN.is_hard and not PROVISIONAL.is_hard


def test_the_boundary_is_the_local_date_of_the_regime():
    day = date(2024, 5, 10)
    rf = date(2025, 7, 10)
    assert LEGACY.run_on("RF", day) == rf
    # 23:30 UTC on the RF date is 00:30 BST the next day: hard in London already
    assert state_of(day, LEGACY, datetime(2025, 7, 10, 23, 30, tzinfo=UTC)) is HARD
    assert state_of(day, LEGACY, datetime(2025, 7, 10, 22, 59, tzinfo=UTC)) is PROVISIONAL
    au = TIMETABLES["AU_NEM"]
    final = au.run_on("FINAL", day)
    nem_midnight = datetime.combine(
        final + timedelta(days=1), datetime.min.time(), timezone(timedelta(hours=10))
    )
    assert state_of(day, au, nem_midnight) is HARD
    assert state_of(day, au, nem_midnight - timedelta(seconds=1)) is PROVISIONAL


def test_mhhs_hardens_in_four_months():
    day = date(2025, 11, 3)
    assert MHHS.run_on("RF", day) == date(2026, 3, 3)
    assert state_of(day, MHHS, _london(date(2026, 3, 4))) is HARD
    assert state_of(day, LEGACY, _london(date(2026, 3, 4))) is PROVISIONAL


def test_month_and_working_day_arithmetic():
    assert add_months(date(2023, 12, 31), 14) == date(2025, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_working_days(date(2024, 1, 12), 1, frozenset()) == date(2024, 1, 15)
    holiday = frozenset({date(2024, 1, 15)})
    assert add_working_days(date(2024, 1, 12), 1, holiday) == date(2024, 1, 16)


def test_an_imported_calendar_wins_over_the_offsets():
    day = date(2024, 1, 12)
    dated = LEGACY.with_calendar({day: {"RF": date(2025, 3, 20)}})
    assert dated.run_on("RF", day) == date(2025, 3, 20)
    assert dated.run_on("SF", day) == LEGACY.run_on("SF", day)
    assert state_of(day, dated, _london(date(2025, 3, 15))) is PROVISIONAL
    assert LEGACY.run_on("RF", day) == date(2025, 3, 12)  # the original is unchanged


def test_as_of_must_be_an_instant():
    with pytest.raises(DomainError, match="naive"):
        state_of(date(2024, 1, 1), LEGACY, datetime(2025, 1, 1))  # noqa: DTZ001


BROKEN = {
    "unknown key": "regimes:\n  X: {market: GB, zone: UTC, runs: {A: {days: 1}}, provisional_from: A, hard_from: A, colour: red}\n",
    "two counts": "regimes:\n  X: {market: GB, zone: UTC, runs: {A: {days: 1, months: 1}}, provisional_from: A, hard_from: A}\n",
    "unknown run": "regimes:\n  X: {market: GB, zone: UTC, runs: {A: {days: 1}}, provisional_from: A, hard_from: RF}\n",
    "out of order": "regimes:\n  X: {market: GB, zone: UTC, runs: {A: {days: 9}, B: {days: 1}}, provisional_from: A, hard_from: B}\n",
    "bad tag": "regimes:\n  X: {market: GB, zone: UTC, runs: {A: {days: 1, tag: Q}}, provisional_from: A, hard_from: A}\n",
    "bad zone": "regimes:\n  X: {market: GB, zone: Mars/Olympus, runs: {A: {days: 1}}, provisional_from: A, hard_from: A}\n",
    "no regimes": "regimes: {}\n",
    "not yaml": "regimes: [\n",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_bad_timetable_files_are_refused_with_where_and_why(tmp_path: Path, text: str):
    path = tmp_path / "timetables.yaml"
    path.write_text(text)
    with pytest.raises(HardeningError, match=r"timetables\.yaml"):
        load_timetables(path)


def test_a_valid_operator_file_loads(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "regimes:\n  X:\n    market: OTHER\n    zone: UTC\n    runs: {A: {days: 1}, B: {months: 2, tag: V}}\n"
        "    provisional_from: A\n    hard_from: B\n    holidays: [2024-12-25]\n"
    )
    regime = load_timetables(path)["X"]
    assert regime.holidays == frozenset({date(2024, 12, 25)})
    assert regime.transitions(date(2024, 1, 1)) == {
        PROVISIONAL: date(2024, 1, 2),
        HARD: date(2024, 3, 1),
    }
