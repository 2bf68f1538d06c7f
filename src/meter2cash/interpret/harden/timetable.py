"""Market settlement timetables and the hardening state of a settlement day.

A settlement day moves OPEN → PROVISIONAL → HARD (→ FROZEN) as the market's settlement runs for it
pass (``market-rules.md`` §4.3, team model [T]): PROVISIONAL once the first run with cash has
used it, HARD once the final reconciliation run has (legacy GB: RF ≈ 14 months [V]; MHHS ≈ 4
months [M]), FROZEN once the dispute-final run has (after it nothing moves settlement). The
timetables are data (``timetables.yaml``): offsets per run, plus an optional imported settlement
calendar of real run dates that wins over the offsets (§4.1: "never compute run dates by formula
in production"). A state changes once its run date has *passed*: on the run date the day is
still in the earlier state. ``as_of`` is passed in; nothing here reads a clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from meter2cash.domain.time import require_utc, zone_named
from meter2cash.interpret.harden.calendar import add_months, add_working_days
from meter2cash.interpret.harden.errors import HardeningError


class HardeningState(StrEnum):
    """How settled a day is: what a correction to it may do (restate, or adjust)."""

    OPEN = "open"
    PROVISIONAL = "provisional"
    HARD = "hard"
    FROZEN = "frozen"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @property
    def is_hard(self) -> bool:
        """Settlement is not restated any more: corrections become adjustments."""
        return self.rank >= _RANK[HardeningState.HARD]


_RANK = {state: rank for rank, state in enumerate(HardeningState)}


@dataclass(frozen=True, slots=True)
class Offset:
    """When a run happens, relative to the settlement day; exactly one of the counts is set."""

    days: int = 0
    months: int = 0
    working_days: int = 0
    tag: str = "T"

    def __post_init__(self) -> None:
        counts = [c for c in (self.days, self.months, self.working_days) if c]
        if len(counts) != 1 or counts[0] < 0:
            raise HardeningError(f"an offset has exactly one positive count, got {self}")

    def after(self, day: date, holidays: frozenset[date]) -> date:
        if self.months:
            return add_months(day, self.months)
        if self.working_days:
            return add_working_days(day, self.working_days, holidays)
        return day + timedelta(days=self.days)


@dataclass(frozen=True)
class Timetable:
    """One settlement regime's runs and which of them harden a day."""

    regime: str
    market: str
    zone: str
    source: str
    runs: Mapping[str, Offset]
    provisional_from: str
    hard_from: str
    frozen_from: str | None = None
    holidays: frozenset[date] = frozenset()
    #: Imported run dates: settlement day -> run name -> date of the run (wins over offsets).
    calendar: Mapping[date, Mapping[str, date]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        zone_named(self.zone)  # refuses an unknown zone now, not at the first state_of
        named = [self.provisional_from, self.hard_from]
        named += [self.frozen_from] if self.frozen_from else []
        unknown = [run for run in named if run not in self.runs]
        if unknown:
            raise HardeningError(f"regime {self.regime}: runs {unknown} are not in its run list")
        for sample in (date(2024, 1, 31), date(2024, 2, 29), date(2025, 12, 31)):
            dates = list(self.transitions(sample).values())
            if dates != sorted(dates):
                raise HardeningError(f"regime {self.regime}: its runs harden a day out of order")

    def run_on(self, run: str, day: date) -> date:
        """The date of ``run`` for settlement ``day``: from the calendar, else from the offset."""
        dated = self.calendar.get(day, {}).get(run)
        if dated is not None:
            return dated
        try:
            return self.runs[run].after(day, self.holidays)
        except KeyError:
            raise HardeningError(f"regime {self.regime} has no run {run!r}") from None

    def transitions(self, day: date) -> dict[HardeningState, date]:
        """The run date after which the day enters each state (OPEN has none)."""
        found = {
            HardeningState.PROVISIONAL: self.run_on(self.provisional_from, day),
            HardeningState.HARD: self.run_on(self.hard_from, day),
        }
        if self.frozen_from:
            found[HardeningState.FROZEN] = self.run_on(self.frozen_from, day)
        return found

    def local_date(self, as_of: datetime) -> date:
        return require_utc(as_of, "as_of").astimezone(zone_named(self.zone)).date()

    def with_calendar(self, calendar: Mapping[date, Mapping[str, date]]) -> Timetable:
        """This timetable with imported run dates (e.g. the Elexon SVAA Settlement Calendar)."""
        merged = {day: dict(runs) for day, runs in self.calendar.items()}
        for day, runs in calendar.items():
            merged.setdefault(day, {}).update(runs)
        frozen = {day: MappingProxyType(runs) for day, runs in merged.items()}
        return replace(self, calendar=MappingProxyType(frozen))


def state_of(day: date, regime: Timetable, as_of: datetime) -> HardeningState:
    """The hardening state of settlement ``day`` under ``regime`` at the instant ``as_of``."""
    today = regime.local_date(as_of)
    state = HardeningState.OPEN
    for candidate, run_date in regime.transitions(day).items():
        if today > run_date:
            state = candidate
    return state
