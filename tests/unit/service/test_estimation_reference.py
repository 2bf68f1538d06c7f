"""estimate_stored_days with reference data and register reads: the profile step from the annual
consumption (EAC) in force, and scaling to a register advance over exactly the day."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from tests.factories import channel_day
from tests.unit.service.estimation_builders import TARGET_ON, finding, key, store

from meter2cash import codec
from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.configuration import (
    ChannelConfig,
    ConfigurationPeriod,
    ConfigurationTimeline,
    RegisterConfig,
)
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, RegisterRead, SourceRef
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import ALWAYS, EffectiveSeries, SupplyPoint
from meter2cash.domain.validation import Severity, ValidationIssue
from meter2cash.ports import StoredReference, UnitOfWork
from meter2cash.service.estimation import EstimateOutcome, estimate_stored_days
from meter2cash.service.pipeline import run_chain

SP = "2000000000006"
AT = datetime(2024, 11, 2, 9, tzinfo=UTC)
LOADED = datetime(2024, 1, 1, tzinfo=UTC)
AI = ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 30)
TOTAL = RegisterConfig("1", 5, channel="AI", direction=Direction.IMPORT)
DAY_START = datetime(2024, 3, 13, tzinfo=UTC)  # GMT: local midnight is UTC midnight
DAY_END = datetime(2024, 3, 14, tzinfo=UTC)


@pytest.fixture
def uow_factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory(MemoryDatabase())


def given_reference(
    uow: UnitOfWork,
    eac: str | EffectiveSeries[Decimal] | None = None,
    registers: tuple[RegisterConfig, ...] = (TOTAL,),
    channels: tuple[ChannelConfig, ...] = (AI,),
) -> None:
    series = EffectiveSeries.constant(Decimal(eac), ALWAYS) if isinstance(eac, str) else eac
    supply_point = SupplyPoint(
        SP, Market.GB, "Europe/London", annual_consumption_kwh=series or EffectiveSeries()
    )
    period = ConfigurationPeriod(
        SP, "M1", datetime(2023, 1, 1, tzinfo=UTC), None, registers, channels
    )
    timeline = ConfigurationTimeline(SP, (period,), 1, LOADED)
    assert uow.reference.put(StoredReference(supply_point, timeline, LOADED, "test"), "k") == 1


def given_read(
    uow: UnitOfWork, at: datetime, value: str, register: str = "1", quality: str = "A"
) -> None:
    uow.register_reads.put(
        RegisterRead(
            SP, "M1", register, at, Decimal(value), Unit.KWH, Quality(quality), None, None, None,
            SourceRef("r" * 64, 1),
        )
    )  # fmt: skip


def day_of(
    values: list[str | None], read_on: date = TARGET_ON, channel: str = "AI",
    direction: Direction = Direction.IMPORT,
) -> ChannelDay:  # fmt: skip
    return channel_day(
        values, supply_point_id=SP, channel=channel, direction=direction, read_on=read_on,
        zone="Europe/London", market="GB",
        qualities="".join("N" if v is None else "A" for v in values),
    )  # fmt: skip


def gap_day() -> ChannelDay:
    """46 kWh actual; intervals 10-12 missing between 1.0 and 2.0 (linear: 1.25, 1.5, 1.75)."""
    values: list[str | None] = ["1.0"] * 48
    values[10:13] = [None, None, None]
    values[13] = "2.0"
    return day_of(values)


def estimate(uow: UnitOfWork, *days: ChannelDay, **options: Any) -> list[EstimateOutcome]:
    return estimate_stored_days(uow, [key(d) for d in days], reason=None, as_of=AT, **options)


def micro(value: Decimal | None) -> int:
    assert value is not None
    return int(value * 1_000_000)


# --- profile (EAC) ----------------------------------------------------------------------------


class CountingReference:
    """The memory reference store, counting ``latest`` calls (one per estimation call)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls = 0

    def latest(self, *args, **kwargs):
        self.calls += 1
        return self.inner.latest(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


@pytest.mark.parametrize(
    ("read_on", "intervals"),
    [(TARGET_ON, 48), (date(2024, 3, 31), 46), (date(2024, 10, 27), 50)],
)
def test_a_day_without_history_is_filled_by_a_flat_profile_of_the_eac(
    uow_factory, read_on: date, intervals: int
) -> None:
    # 2024 is a leap year: 3660 kWh a year is 10 kWh a day, also on the 23- and 25-hour days.
    day = day_of([None] * intervals, read_on)
    with uow_factory() as uow:
        given_reference(uow, eac="3660")
        [issue_id] = store(uow, day, finding(day, "C2", 0, intervals - 1))
        counting = CountingReference(uow.reference)
        uow.reference = counting
        [outcome] = estimate(uow, day)
        [audit] = uow.audit.for_issue(issue_id)
    assert counting.calls == 1
    assert outcome.methods == ("PROFILE",) and outcome.eac == Decimal("3660")
    assert outcome.channel_day is not None and outcome.version == 2
    new = outcome.channel_day
    assert sum(micro(v) for v in new.values) == 10_000_000  # the day's share, exactly
    share, _ = divmod(10_000_000, intervals)
    assert {micro(v) for v in new.values} <= {share, share + 1}  # within a micro-unit each
    assert set(new.qualities) == {Quality.ESTIMATED} and set(new.methods) == {"PROFILE"}
    assert set(new.reasons) == {"no usable value (C2)"}
    assert "EAC 3660 x flat profile [T]" in outcome.steps[-1].detail
    assert audit.result["eac"] == "3660" and audit.result["methods"] == ["PROFILE"]


def test_like_days_win_over_the_eac(uow_factory) -> None:
    day = day_of([None] * 48)
    with uow_factory() as uow:
        given_reference(uow, eac="3660")
        store(uow, day_of(["2.0"] * 48, date(2024, 3, 6)))  # the Wednesday before
        store(uow, day, finding(day, "C2", 0, 47))
        [outcome] = estimate(uow, day)
    assert outcome.methods == ("LIKE_DAY",) and outcome.channel_day is not None
    assert set(outcome.channel_day.values) == {Decimal("2")}


def test_two_days_of_two_channels_read_the_reference_once(uow_factory) -> None:
    first, second = day_of([None] * 48), day_of([None] * 48, date(2024, 3, 20))
    with uow_factory() as uow:
        given_reference(uow, eac="3660")
        for day in (first, second):
            store(uow, day, finding(day, "C2", 0, 47))
        counting = CountingReference(uow.reference)
        uow.reference = counting
        outcomes = estimate(uow, first, second)
    assert counting.calls == 1 and [o.methods for o in outcomes] == [("PROFILE",)] * 2


@pytest.mark.parametrize(
    ("setup", "channel", "direction", "why"),
    [
        ("none", "AI", Direction.IMPORT, f"no annual consumption: no reference data for {SP}"),
        ("later", "AI", Direction.IMPORT, "no annual consumption in force on 2024-03-13"),
        (
            "eac", "AE", Direction.EXPORT,
            "annual consumption 3660 kWh is for the import kWh channel, not AE (export kWh)",
        ),
        ("two-imports", "AI", Direction.IMPORT, "channels AI, E2 all import kWh on 2024-03-13"),
    ],
)  # fmt: skip
def test_without_a_usable_eac_the_day_stays_open_and_says_why(
    uow_factory, setup: str, channel: str, direction: Direction, why: str
) -> None:
    day = day_of([None] * 48, channel=channel, direction=direction)
    with uow_factory() as uow:
        if setup == "later":
            given_reference(uow, eac=EffectiveSeries.of([(DAY_END, Decimal("3660"))]))
        elif setup == "two-imports":
            second = ChannelConfig("E2", Direction.IMPORT, Unit.KWH, 30)
            given_reference(uow, eac="3660", channels=(AI, second))
        elif setup == "eac":
            given_reference(uow, eac="3660")
        store(uow, day, finding(day, "C2", 0, 47))
        [outcome] = estimate(uow, day)
        versions = uow.intervals.versions(*key(day))
    assert outcome.put is None and outcome.eac is None and len(versions) == 1
    assert outcome.unestimated == tuple(range(48))
    assert outcome.why is not None and why in outcome.why, outcome.why
    assert why in " ".join(outcome.notes)


# --- scaling to a register advance --------------------------------------------------------------


def test_estimates_are_scaled_so_the_day_adds_up_to_the_register_advance(uow_factory) -> None:
    day = gap_day()
    with uow_factory() as uow:
        given_reference(uow)
        given_read(uow, DAY_START, "01000.0")
        given_read(uow, DAY_END, "01052.0")
        [issue_id] = store(uow, day, finding(day, "C2", 10, 12))
        [outcome] = estimate(uow, day)
        [audit] = uow.audit.for_issue(issue_id)
        note = uow.issues.get(issue_id).note
    assert outcome.advance == Decimal("52.0") and outcome.channel_day is not None
    new = outcome.channel_day
    assert sum(micro(v) for v in new.values) == 52_000_000  # fixed 46 + estimates 6, exactly
    # linear 1.25, 1.5, 1.75 scaled by 6 / 4.5; the micro-unit left over goes to the largest
    # remainder
    assert new.values[10:13] == (Decimal("1.666667"), Decimal("2"), Decimal("2.333333"))
    assert new.methods[10:13] == ("SCALED_TO_ADVANCE",) * 3
    assert new.values[9] == Decimal("1.0") and new.methods[9] is None  # actuals untouched
    assert [s.method for s in outcome.steps] == ["LINEAR", "SCALED_TO_ADVANCE"]
    assert outcome.steps[-1].detail == "advance 52: estimates 4.5 -> 6"
    assert (
        outcome.advance_from
        == audit.result["advance_from"]
        == (
            "register M1/1: 1000 at 2024-03-13T00:00:00+00:00 to 1052 at "
            "2024-03-14T00:00:00+00:00, x 1 = 52"
        )
    )  # the store reads values back normalised (1000.0 as 1000)
    assert audit.result["advance"] == "52" and "eac" not in audit.result
    assert note == "estimated as version 2 (SCALED_TO_ADVANCE)"


def test_a_profile_estimate_is_scaled_to_the_advance(uow_factory) -> None:
    day = day_of([None] * 48)
    with uow_factory() as uow:
        given_reference(uow, eac="3660")
        given_read(uow, DAY_START, "00100")
        given_read(uow, DAY_END, "00112")
        store(uow, day, finding(day, "C2", 0, 47))
        [outcome] = estimate(uow, day)
    assert outcome.channel_day is not None and outcome.methods == ("SCALED_TO_ADVANCE",)
    assert sum(micro(v) for v in outcome.channel_day.values) == 12_000_000  # not the EAC's 10
    # the flat shape kept: 10/48 kWh (each within a micro-unit) scaled by 12/10
    assert {micro(v) for v in outcome.channel_day.values} <= {249_999, 250_000, 250_001}


@pytest.mark.parametrize(("digits", "advance"), [(4, Decimal(52)), (5, Decimal(360052))])
def test_a_rollover_is_by_the_configured_digits(uow_factory, digits: int, advance) -> None:
    # 9995 -> 0008 is 13 units on a 4-dial register, 90013 on a 5-dial one: never inferred.
    register = RegisterConfig("1", digits, Decimal(4), channel="AI", direction=Direction.IMPORT)
    day = gap_day()
    with uow_factory() as uow:
        given_reference(uow, registers=(register,))
        given_read(uow, DAY_START, "9995")
        given_read(uow, DAY_END, "0008")
        store(uow, day, finding(day, "C2", 10, 12))
        [outcome] = estimate(uow, day)
    assert outcome.advance == advance and outcome.channel_day is not None
    assert sum(micro(v) for v in outcome.channel_day.values) == micro(advance)
    assert outcome.advance_from is not None
    assert outcome.advance_from.endswith(f"rolled over at 10^{digits}, x 4 = {advance}")


def _unscaled(outcome: EstimateOutcome) -> None:
    assert outcome.advance is None and outcome.methods == ("LINEAR",)
    assert outcome.channel_day is not None
    assert outcome.channel_day.values[10:13] == (Decimal("1.25"), Decimal("1.5"), Decimal("1.75"))


def test_no_scaling_when_the_reads_are_not_at_the_day_boundaries(uow_factory) -> None:
    day = gap_day()
    with uow_factory() as uow:
        given_reference(uow)
        given_read(uow, DAY_START + timedelta(minutes=30), "01000.0")
        given_read(uow, DAY_END, "01052.0")
        store(uow, day, finding(day, "C2", 10, 12))
        [outcome] = estimate(uow, day)
    _unscaled(outcome)
    assert (
        "no register advance for M1/1: no read at 2024-03-13T00:00:00+00:00 (tolerance 0:00:00)"
        in outcome.notes
    )


def test_a_tolerance_lets_a_read_near_the_boundary_count(uow_factory) -> None:
    day = gap_day()
    with uow_factory() as uow:
        given_reference(uow)
        given_read(uow, DAY_START - timedelta(minutes=10), "00990.0")  # nearest wins
        given_read(uow, DAY_START + timedelta(minutes=5), "01000.0")
        given_read(uow, DAY_END, "01052.0")
        store(uow, day, finding(day, "C2", 10, 12))
        [outcome] = estimate(uow, day, advance_tolerance=timedelta(minutes=15))
    assert outcome.advance == Decimal("52.0") and outcome.methods == ("SCALED_TO_ADVANCE",)


@pytest.mark.parametrize("problem", ["estimated read", "open error", "register unmapped"])
def test_a_doubtful_or_unmapped_register_gives_no_advance(uow_factory, problem: str) -> None:
    day = gap_day()
    with uow_factory() as uow:
        register = TOTAL if problem != "register unmapped" else RegisterConfig("1", 5)
        given_reference(uow, registers=(register,))
        given_read(uow, DAY_START, "01000.0")
        given_read(uow, DAY_END, "01052.0", quality="E" if problem == "estimated read" else "A")
        if problem == "open error":
            uow.issues.add(
                ValidationIssue(
                    rule="C5", rule_version=1, severity=Severity.ERROR, supply_point_id=SP,
                    channel="register:M1/1", read_on=DAY_END.date(), first_interval=0,
                    last_interval=0, detail="negative advance", values=(),
                    source=SourceRef("r" * 64, 1), channel_day_version=1,
                )
            )  # fmt: skip
        store(uow, day, finding(day, "C2", 10, 12))
        [outcome] = estimate(uow, day)
    _unscaled(outcome)
    expected = {
        "estimated read": "the read at 2024-03-14T00:00:00+00:00 is not actual (E)",
        "open error": "the read at 2024-03-14T00:00:00+00:00 has an open ERROR issue",
        "register unmapped": "no register advance: no register maps to channel AI",
    }[problem]
    assert any(expected in n for n in outcome.notes), outcome.notes


def test_tou_registers_scale_only_through_their_total() -> None:
    day_register = RegisterConfig("2", 5, time_pattern="00043", channel="AI")
    night_register = RegisterConfig("3", 5, time_pattern="00210", channel="AI")
    outcomes = []
    for registers in [(day_register, night_register), (TOTAL, day_register, night_register)]:
        with MemoryUnitOfWorkFactory(MemoryDatabase())() as uow:
            given_reference(uow, registers=registers)
            given_read(uow, DAY_START, "01000.0")
            given_read(uow, DAY_END, "01052.0")
            day = gap_day()
            store(uow, day, finding(day, "C2", 10, 12))
            outcomes.extend(estimate(uow, day))
    tou_only, with_total = outcomes
    _unscaled(tou_only)
    assert any("none is the one total" in n for n in tou_only.notes), tou_only.notes
    assert with_total.advance == Decimal("52.0")
    assert with_total.methods == ("SCALED_TO_ADVANCE",)


# --- in the pipeline ------------------------------------------------------------------------------


def test_the_interpret_stage_fills_a_long_gap_without_history_from_the_eac(tmp_path) -> None:
    nmi = "NCDE000001"
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    with uow_factory() as uow:
        supply_point = SupplyPoint(
            nmi,
            Market.AU,
            "NEM",
            annual_consumption_kwh=EffectiveSeries.constant(Decimal(3660), ALWAYS),
        )
        e1 = ChannelConfig("E1", Direction.IMPORT, Unit.KWH, 30)
        period = ConfigurationPeriod(nmi, "M1", datetime(2023, 7, 1, tzinfo=UTC), None, (), (e1,))
        timeline = ConfigurationTimeline(nmi, (period,), 1, LOADED)
        uow.reference.put(StoredReference(supply_point, timeline, LOADED, "test"), "k")
        uow.commit()
    values: list[str | None] = ["0.5"] * 48
    values[10:30] = [None] * 20  # five times the longest linear gap, and no like day stored
    gappy = channel_day(values, read_on=date(2024, 1, 2), qualities="A" * 10 + "N" * 20 + "A" * 18)
    path = tmp_path / "day.jsonl"
    path.write_text(json.dumps(codec.to_builtins(gappy)) + "\n")
    run_chain([path], uow_factory, FileArchive(tmp_path / "archive"), {}, AT)
    with uow_factory() as uow:
        raw, estimated = uow.intervals.versions(nmi, "E1", date(2024, 1, 2))
        [c2] = [s for s in uow.issues.for_day(nmi, "E1", date(2024, 1, 2)) if s.issue.rule == "C2"]
    assert (raw.billable, estimated.billable) == (False, True)
    assert c2.resolution is not None and str(c2.resolution) == "estimated"
    day = estimated.channel_day
    assert set(day.methods[10:30]) == {"PROFILE"} and {str(q) for q in day.qualities[10:30]} == {
        "S"
    }
    # 20 of the day's 48 shares of 3660 / 366 = 10 kWh, rounded once: 4.166667 kWh in all
    assert sum(micro(v) for v in day.values[10:30]) == 4_166_667
    assert day.values[:10] == gappy.values[:10] and day.values[30:] == gappy.values[30:]
