"""Per supply point: the settlement regime in force on each day, and the hardening watermark.

A supply point's regime can change over time (GB: migration from legacy SVA to MHHS, one MPAN at
a time from October 2025 [V/S ``market-rules.md`` §4.2]); a day hardens on the timetable of the
regime in force *on that settlement day*, not today's (§4.3). So days after a migration can
harden before days just before it, and the watermark — "the latest settlement day D such that
every day <= D is HARD" (§4.3 [T]) — waits for the older days.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from meter2cash.domain.time import require_utc
from meter2cash.interpret.harden.errors import HardeningError
from meter2cash.interpret.harden.timetable import HardeningState, Timetable, state_of


@dataclass(frozen=True, slots=True)
class RegimeTimeline:
    """Which regime applies from which settlement day on: ``((from_on, regime), ...)``."""

    periods: tuple[tuple[date, str], ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.periods))
        starts = [start for start, _ in ordered]
        if not ordered or len(set(starts)) != len(starts):
            raise HardeningError("a regime timeline has one regime per start day, at least one")
        object.__setattr__(self, "periods", ordered)

    @classmethod
    def single(cls, regime: str, from_on: date = date.min) -> RegimeTimeline:
        return cls(((from_on, regime),))

    def regime_on(self, day: date) -> str:
        index = bisect.bisect_right([start for start, _ in self.periods], day) - 1
        if index < 0:
            raise HardeningError(f"no settlement regime is known for {day}")
        return self.periods[index][1]


def _timetable(timetables: Mapping[str, Timetable], regime: str) -> Timetable:
    try:
        return timetables[regime]
    except KeyError:
        raise HardeningError(f"no timetable for regime {regime!r}") from None


def state_for(
    day: date, timeline: RegimeTimeline, timetables: Mapping[str, Timetable], as_of: datetime
) -> HardeningState:
    """The state of ``day`` under the regime in force on that day."""
    return state_of(day, _timetable(timetables, timeline.regime_on(day)), as_of)


def watermark(
    states: Iterable[tuple[date, HardeningState]],
    at_least: HardeningState = HardeningState.HARD,
) -> date | None:
    """The last day of the leading run of consecutive days at ``at_least`` or beyond.

    A day missing from ``states`` breaks the run (an unknown day is not known to be hard).
    ``None`` when the first day is not there yet.
    """
    last: date | None = None
    for day, state in sorted(states):
        if state.rank < at_least.rank:
            break
        if last is not None and day != last and day != last + timedelta(days=1):
            break
        last = day
    return last


def hard_through(
    first_on: date,
    timeline: RegimeTimeline,
    timetables: Mapping[str, Timetable],
    as_of: datetime,
    at_least: HardeningState = HardeningState.HARD,
) -> date | None:
    """The watermark of a supply point whose settlement days start at ``first_on``."""
    horizon = require_utc(as_of, "as_of").date() + timedelta(days=1)  # no future day is settled
    last: date | None = None
    day = first_on
    while day <= horizon and state_for(day, timeline, timetables, as_of).rank >= at_least.rank:
        last = day
        day += timedelta(days=1)
    return last
