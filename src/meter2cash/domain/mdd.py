"""GB Market Domain Data: which Time Pattern Regime (register) a half-hour belongs to.

Model (market-rules.md §5.2, from Elexon MDD [D]): a Standard Settlement Configuration (SSC) has a
Measurement Requirement per settlement register, each naming a Time Pattern Regime (TPR); a TPR has
Clock Intervals (day of week 1-7, a start/end day-and-month range, a start/end time) and a GMT
indicator. ``Valid_MTC_SSC_Combination`` (per distributor, effective-dated) says which SSCs a meter
timeswitch class may have.

How a half-hour is matched follows ``WessexWater/chellow`` ``chellow/e/computer.py`` [V code], the
reference's independent implementation:

* a TPR with GMT indicator ``Y`` is evaluated on UTC wall-clock (date, day of week and time); any
  other on Europe/London clock time — so SSC 0151's night 00:30-07:30 GMT is 01:30-08:30 BST;
* MDD's day of the week 1 is Monday .. 7 Sunday (chellow matches ``day_of_week - 1`` against
  Python's ``weekday()``);
* a clock interval holds a time ``t`` when ``start <= t < end``, or, when ``start >= end``, when
  ``t >= start or t < end`` (it wraps midnight); ``24:00`` is the end of the day;
* the day-and-month range is inclusive at both ends;
* a half-hour is classified by its start instant.

A day-and-month range whose start is after its end is read as wrapping the year end — chellow
would match nothing there; no such row is known in MDD, so this is a team reading [T].
Teleswitched TPRs (indicator ``S``) are switched by radio signal: only their MDD clock intervals
are used here, which need not be when they actually switched.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from meter2cash.domain.errors import DomainError
from meter2cash.domain.settlement import iter_periods
from meter2cash.domain.time import UK_TIME, require_utc

MINUTES_PER_DAY = 24 * 60


class MddError(DomainError):
    """Market Domain Data is missing or inconsistent for what was asked."""


@dataclass(frozen=True, slots=True)
class StandardSettlementConfiguration:
    ssc_id: str  # four digits, e.g. "0151"
    effective_from: date  # settlement date
    effective_to: date | None  # inclusive settlement date; None = open
    description: str
    ssc_type: str  # "I" import / "E" export (MDD "Standard Settlement Configuration Type")
    teleswitch_user_id: str | None = None
    teleswitch_group_id: str | None = None


@dataclass(frozen=True, slots=True)
class TimePatternRegime:
    tpr_id: str  # five digits, e.g. "00210"
    teleswitch: bool  # "Tele-switch/Clock Indicator" == "S"
    gmt: bool  # "GMT Indicator" == "Y": clock intervals are in GMT (UTC) all year


@dataclass(frozen=True, slots=True)
class ClockInterval:
    """When a TPR's register records: minutes from midnight, ``end_minute`` up to 1440 (24:00)."""

    tpr_id: str
    day_of_week: int  # 1 = Monday .. 7 = Sunday
    start_day: int
    start_month: int
    end_day: int
    end_month: int
    start_minute: int
    end_minute: int

    def __post_init__(self) -> None:
        if not 1 <= self.day_of_week <= 7:
            raise MddError(f"TPR {self.tpr_id}: day of the week {self.day_of_week} is not 1..7")
        for day, month in ((self.start_day, self.start_month), (self.end_day, self.end_month)):
            if not (1 <= month <= 12 and 1 <= day <= 31):
                raise MddError(f"TPR {self.tpr_id}: day/month {day}/{month} is not a date")
        if not (0 <= self.start_minute < MINUTES_PER_DAY and 0 <= self.end_minute <= 1440):
            raise MddError(f"TPR {self.tpr_id}: times must lie within a day")

    def covers(self, wall: datetime) -> bool:
        """Whether this interval holds ``wall`` (a wall-clock time in the TPR's basis)."""
        if wall.isoweekday() != self.day_of_week:
            return False
        on = (wall.month, wall.day)
        first, last = (self.start_month, self.start_day), (self.end_month, self.end_day)
        in_dates = first <= on <= last if first <= last else (on >= first or on <= last)
        if not in_dates:
            return False
        minute = wall.hour * 60 + wall.minute
        if self.start_minute < self.end_minute:
            return self.start_minute <= minute < self.end_minute
        return minute >= self.start_minute or minute < self.end_minute


@dataclass(frozen=True, slots=True)
class ValidMtcSscCombination:
    """One row of ``Valid_MTC_SSC_Combination``: an MTC may have this SSC in this distributor."""

    meter_timeswitch_class: str  # three digits
    mtc_effective_from: date
    participant_id: str  # the distributor's market participant id, e.g. "LOND"
    mtc_participant_effective_from: date
    ssc_id: str
    effective_from: date
    effective_to: date | None  # inclusive settlement date

    def in_force_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class MarketDomainData:
    """The MDD tables this platform uses, indexed for lookup. ``version`` is MDD's release number."""

    sscs: tuple[StandardSettlementConfiguration, ...] = ()
    tprs: tuple[TimePatternRegime, ...] = ()
    measurement_requirements: tuple[tuple[str, str], ...] = ()  # (SSC id, TPR id)
    clock_intervals: tuple[ClockInterval, ...] = ()
    valid_mtc_ssc: tuple[ValidMtcSscCombination, ...] = ()
    version: str | None = None
    _tprs_of: dict[str, tuple[TimePatternRegime, ...]] = field(
        init=False, repr=False, compare=False
    )
    _intervals_of: dict[str, tuple[ClockInterval, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        tprs = {t.tpr_id: t for t in self.tprs}
        tprs_of: dict[str, list[TimePatternRegime]] = {}
        for ssc_id, tpr_id in self.measurement_requirements:
            if tpr_id not in tprs:
                raise MddError(f"SSC {ssc_id} measures TPR {tpr_id}, which is not in the TPR table")
            tprs_of.setdefault(ssc_id, []).append(tprs[tpr_id])
        intervals_of: dict[str, list[ClockInterval]] = {}
        for interval in self.clock_intervals:
            intervals_of.setdefault(interval.tpr_id, []).append(interval)
        object.__setattr__(self, "_tprs_of", {k: tuple(v) for k, v in tprs_of.items()})
        object.__setattr__(self, "_intervals_of", {k: tuple(v) for k, v in intervals_of.items()})

    def tprs_of(self, ssc_id: str) -> tuple[str, ...]:
        """The TPRs (one per settlement register) an SSC's Measurement Requirement lists."""
        return tuple(t.tpr_id for t in self._regimes(ssc_id))

    def _regimes(self, ssc_id: str) -> tuple[TimePatternRegime, ...]:
        try:
            return self._tprs_of[ssc_id]
        except KeyError:
            raise MddError(f"SSC {ssc_id} has no Measurement Requirement in this MDD") from None

    def tpr_at(self, ssc_id: str, instant: datetime) -> str | None:
        """The TPR of ``ssc_id`` whose clock intervals hold ``instant`` (any aware datetime).

        ``None`` when no TPR's clock intervals hold it; :class:`MddError` when several do (the
        MDD is inconsistent for this SSC) or the SSC is unknown.
        """
        at_utc = require_utc(instant)
        found = []
        for tpr in self._regimes(ssc_id):
            wall = at_utc if tpr.gmt else at_utc.astimezone(UK_TIME)
            if any(ci.covers(wall) for ci in self._intervals_of.get(tpr.tpr_id, ())):
                found.append(tpr.tpr_id)
        if len(found) > 1:
            raise MddError(
                f"SSC {ssc_id}: TPRs {', '.join(found)} all hold {at_utc.astimezone(UTC)}"
            )
        return found[0] if found else None

    def half_hours_by_tpr(self, ssc_id: str, day: date) -> dict[str | None, int]:
        """How many Settlement Periods of the GB settlement day fall in each TPR (None: none)."""
        return dict(
            Counter(self.tpr_at(ssc_id, interval.start) for _, interval in iter_periods(day))
        )

    def ssc(self, ssc_id: str, on: date) -> StandardSettlementConfiguration | None:
        """The SSC row in force on settlement date ``on``."""
        for row in self.sscs:
            in_force = row.effective_from <= on and (
                row.effective_to is None or on <= row.effective_to
            )
            if row.ssc_id == ssc_id and in_force:
                return row
        return None

    def is_valid_mtc_ssc(
        self, meter_timeswitch_class: str, ssc_id: str, on: date, participant_id: str | None = None
    ) -> bool:
        """Whether MDD allows the MTC with the SSC on ``on`` (in the distributor, if given)."""
        return any(
            row.meter_timeswitch_class == meter_timeswitch_class
            and row.ssc_id == ssc_id
            and (participant_id is None or row.participant_id == participant_id)
            and row.in_force_on(on)
            for row in self.valid_mtc_ssc
        )
