"""Tariffs as effective-dated data: the vocabulary rating and determinants share.

A :class:`Tariff` is a sequence of :class:`TariffVersion` s, each in force over a half-open range of
local dates ``[effective_from, effective_to)``. A price change inside a bill period splits the period
at the change: each part is rated with the version in force on its days.

Time-of-use bands are defined at half-hour resolution (a :class:`BandSchedule`), either on the
supply point's local clock or on GMT all year — both exist in GB (SSC 0151's night 00:30-07:30 is
GMT, so 01:30-08:30 BST; SSC 0154 is clock time). A schedule can also be built from GB Market Domain
Data time pattern regimes (TPRs) by the loader; here it is always explicit windows.

Rates are in minor units (pence, cents) per unit, as tariff sheets publish them; amounts become
major units only when a line is rated (``rate/``). Everything is ``Decimal``: a published 24.50p
never passes through a binary float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

from meter2cash.domain.errors import DomainError

MINUTES_PER_DAY = 24 * 60


class TariffError(DomainError):
    """A tariff is inconsistent (overlapping versions, unknown band, no version in force)."""


class DayType(StrEnum):
    """Which kind of day a half-hour falls on; bank holidays come from a calendar."""

    WEEKDAY = "weekday"
    WEEKEND = "weekend"
    BANK_HOLIDAY = "bank_holiday"


class TimeBasis(StrEnum):
    """The clock band windows are written in."""

    LOCAL = "local"  # the supply point's local clock (shifts with daylight saving)
    GMT = "gmt"  # UTC all year (GB TPRs with GMT indicator Y)


@dataclass(frozen=True, slots=True)
class BandWindow:
    """``[start, end)`` minutes after midnight on the schedule's clock, on the given day types.

    ``start >= end`` wraps midnight (23:00-07:00); ``end == 1440`` is the end of the day. Both are
    multiples of 30: bands are defined at half-hour resolution. No day types means every day.
    """

    start: int
    end: int
    day_types: frozenset[DayType] = frozenset()

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if not 0 <= value <= MINUTES_PER_DAY or value % 30:
                raise TariffError(f"band window bound {value} is not a half-hour boundary")
        if self.start == MINUTES_PER_DAY:
            raise TariffError("a band window cannot start at 24:00")

    def covers(self, minute: int, day_type: DayType) -> bool:
        """Whether a half-hour starting ``minute`` after midnight on a ``day_type`` day is inside."""
        if self.day_types and day_type not in self.day_types:
            return False
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end


@dataclass(frozen=True, slots=True)
class Band:
    name: str
    windows: tuple[BandWindow, ...] = ()


@dataclass(frozen=True, slots=True)
class BandSchedule:
    """Named time-of-use bands; the first band whose window covers a half-hour wins, and a
    half-hour no window covers belongs to ``default_band`` (e.g. E7 "day" = everything not night).
    """

    basis: TimeBasis
    bands: tuple[Band, ...]
    default_band: str

    def __post_init__(self) -> None:
        names = [b.name for b in self.bands]
        if len(set(names)) != len(names):
            raise TariffError(f"band names repeat: {names}")
        if self.default_band not in names:
            raise TariffError(f"default band {self.default_band!r} is not one of {names}")

    @property
    def band_names(self) -> tuple[str, ...]:
        return tuple(b.name for b in self.bands)

    def band_at(self, wall: datetime, day_type: DayType) -> str:
        """The band of the half-hour starting at ``wall`` (already on the schedule's clock).

        Reference implementation, one half-hour at a time; determinants use a vectorised one that
        must agree with it (a property test checks they do).
        """
        minute = wall.hour * 60 + wall.minute
        for band in self.bands:
            if any(w.covers(minute, day_type) for w in band.windows):
                return band.name
        return self.default_band


#: The band name used when a tariff has no time-of-use schedule: all energy is one quantity.
ALL_DAY = "all"


@dataclass(frozen=True, slots=True)
class UnitRate:
    """Minor units per kWh of import in ``band`` (``ALL_DAY`` for a flat rate)."""

    band: str
    minor_per_kwh: Decimal


@dataclass(frozen=True, slots=True)
class Block:
    """One step of a tiered (block) rate: kWh up to ``up_to_kwh_per_day`` x days of supply in the
    rated part of the period are charged at ``minor_per_kwh``; ``None`` is the open last block.

    Block sizes are per day of supply so that a part of a period (a price change, a final bill)
    gets its pro-rata share of each block. Blocks replace unit rates for a flat (``ALL_DAY``)
    quantity; they do not combine with time-of-use bands.
    """

    up_to_kwh_per_day: Decimal | None
    minor_per_kwh: Decimal


class DemandMeasure(StrEnum):
    KW = "kW"
    KVA = "kVA"


class DemandBasis(StrEnum):
    MAX_IN_PERIOD = "max_in_period"  # highest half-hourly demand in the rated part, x rate
    AGREED_CAPACITY = "agreed_capacity"  # agreed capacity (from the account) x rate x days


@dataclass(frozen=True, slots=True)
class DemandCharge:
    """A demand or capacity charge in minor units per kW/kVA.

    ``MAX_IN_PERIOD``: per kW(kVA) of the maximum half-hourly demand (kWh x 2) in the rated part
    of the period, optionally only in ``band``. ``AGREED_CAPACITY``: per kVA of agreed capacity per
    day of supply (GB "availability charge").
    """

    name: str
    measure: DemandMeasure
    basis: DemandBasis
    minor_per_unit: Decimal
    band: str | None = None


@dataclass(frozen=True, slots=True)
class TariffVersion:
    """The prices of one tariff over ``[effective_from, effective_to)`` (local dates).

    ``unit_rates`` name every band of ``bands`` (or the single ``ALL_DAY`` band); ``blocks``, when
    given, price the ``ALL_DAY`` quantity instead. ``price_series_id`` names a half-hourly price
    series (a dynamic tariff): import is priced half-hour by half-hour at series price +
    ``price_adder_minor_per_kwh`` and unit rates are not used.
    """

    tariff_id: str
    version: int
    effective_from: date
    effective_to: date | None
    market: str
    currency: str
    standing_charge_minor_per_day: Decimal
    unit_rates: tuple[UnitRate, ...] = ()
    bands: BandSchedule | None = None
    blocks: tuple[Block, ...] = ()
    price_series_id: str | None = None
    price_adder_minor_per_kwh: Decimal = Decimal(0)
    export_minor_per_kwh: Decimal | None = None
    demand_charges: tuple[DemandCharge, ...] = ()
    description: str = ""

    def in_force_on(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    @property
    def band_names(self) -> tuple[str, ...]:
        return self.bands.band_names if self.bands is not None else (ALL_DAY,)


@dataclass(frozen=True, slots=True)
class Tariff:
    """All versions of one tariff, ordered and non-overlapping."""

    tariff_id: str
    versions: tuple[TariffVersion, ...] = field(default=())

    def __post_init__(self) -> None:
        ordered = sorted(self.versions, key=lambda v: v.effective_from)
        for before, after in pairwise(ordered):
            if before.effective_to is None or before.effective_to > after.effective_from:
                raise TariffError(
                    f"tariff {self.tariff_id}: version {before.version} overlaps version "
                    f"{after.version} from {after.effective_from}"
                )
        object.__setattr__(self, "versions", tuple(ordered))

    def in_force_on(self, on: date) -> TariffVersion | None:
        for version in self.versions:
            if version.in_force_on(on):
                return version
        return None

    def split(self, start: date, end: date) -> list[tuple[date, date, TariffVersion]]:
        """``[start, end)`` cut at every price change: ``(from, to, version)`` parts in order.

        Raises when a day of the range has no version in force: rating must never guess a price.
        """
        parts: list[tuple[date, date, TariffVersion]] = []
        for version in self.versions:
            lo = max(start, version.effective_from)
            hi = end if version.effective_to is None else min(end, version.effective_to)
            if lo < hi:
                parts.append((lo, hi, version))
        covered = sum((hi - lo).days for lo, hi, _ in parts)
        if covered != (end - start).days:
            raise TariffError(
                f"tariff {self.tariff_id} has no version in force for part of {start}..{end}"
            )
        return parts
