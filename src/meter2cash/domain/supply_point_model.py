"""A supply point as interpretation needs it: market, local zone, settlement regime and attributes.

Identity lives in :mod:`meter2cash.domain.supply_point`; this module adds what the rules and the
hardening watermark need to know about a supply point *at an instant*. Several attributes change
over a supply point's life — its energisation status, its settlement regime (a GB MPAN migrates
from legacy NHH/HH settlement to MHHS on its own date, market-rules.md §4.2-4.3: "choose by the
MPAN's settlement regime on that settlement day"), and the GB Market Domain Data codes in its full
MPAN (profile class, MTC, LLFC — market-rules.md §5.1 — and its SSC, §5.2), and its annual
consumption (GB EAC, AU "annual consumption", §3.4) — so each is an :class:`EffectiveSeries`: a
value from an instant until the next change, never an overwrite.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from meter2cash.domain.errors import DomainError, PrecisionError
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.supply_point import Market, SupplyPointId
from meter2cash.domain.time import require_utc, zone_named

T = TypeVar("T")

#: The start given to a value that holds "for all known time" (a reference file's plain value).
ALWAYS = datetime(1900, 1, 1, tzinfo=UTC)


class SettlementRegime(StrEnum):
    """How a supply point's consumption is settled in its market, on a given day.

    GB values follow market-rules.md §4.1-4.2 (legacy SVA NHH and HH, and MHHS after migration);
    ``nem`` is AEMO's NEM. The DE values name the two German load-measurement regimes (SLP:
    standard load profile; RLM: registering load measurement) — team naming [T], not a spec code.
    """

    LEGACY_NHH = "legacy-nhh"
    LEGACY_HH = "legacy-hh"
    MHHS = "mhhs"
    NEM = "nem"
    DE_SLP = "de-slp"
    DE_RLM = "de-rlm"
    OTHER = "other"


class Energisation(StrEnum):
    """Whether the supply is energised: a de-energised supply legitimately records nothing
    (exempt from the zero-consumption check C7, market-rules.md §2.8; CP0789/CP1417)."""

    ENERGISED = "energised"
    DE_ENERGISED = "de-energised"


@dataclass(frozen=True, slots=True)
class Effective(Generic[T]):
    """``value`` is in force from ``start`` (UTC) until the next change of its series."""

    start: datetime
    value: T

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", require_utc(self.start, "start"))


@dataclass(frozen=True, slots=True)
class EffectiveSeries(Generic[T]):
    """An effective-dated value: each entry holds from its start until the next entry's start.

    Before the first entry the value is unknown (``None``). Starts must strictly increase, so an
    instant has exactly one value and a change is a new entry, never an edit of an old one.
    """

    entries: tuple[Effective[T], ...] = ()
    _starts: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries = tuple(self.entries)
        object.__setattr__(self, "entries", entries)
        starts = tuple(entry.start for entry in entries)
        for earlier, later in itertools.pairwise(starts):
            if later <= earlier:
                raise DomainError(
                    f"effective-dated values must have increasing starts: {later.isoformat()} "
                    f"does not follow {earlier.isoformat()}"
                )
        object.__setattr__(self, "_starts", starts)

    @classmethod
    def of(cls, pairs: Iterable[tuple[datetime, T]]) -> EffectiveSeries[T]:
        return cls(tuple(Effective(start, value) for start, value in pairs))

    @classmethod
    def constant(cls, value: T, start: datetime) -> EffectiveSeries[T]:
        return cls((Effective(start, value),))

    def value_at(self, instant: datetime) -> T | None:
        """The value in force at ``instant``; ``None`` before the first entry."""
        index = bisect.bisect_right(self._starts, require_utc(instant)) - 1
        return self.entries[index].value if index >= 0 else None

    def values_over(self, start: datetime, end: datetime) -> tuple[T | None, ...]:
        """Every value in force at some instant of ``[start, end)``, in order (``None`` = unknown)."""
        start, end = require_utc(start, "start"), require_utc(end, "end")
        values: list[T | None] = [self.value_at(start)]
        values.extend(e.value for e in self.entries if start < e.start < end)
        return tuple(values)

    def changes_within(self, start: datetime, end: datetime) -> tuple[datetime, ...]:
        """Instants in ``(start, end)`` at which the value changes."""
        start, end = require_utc(start, "start"), require_utc(end, "end")
        return tuple(s for s in self._starts if start < s < end)

    def __len__(self) -> int:
        return len(self.entries)


# Formats of the GB codes as they appear in a full MPAN (limejump/mpan regex, market-rules.md §5.1
# [V]) and of an SSC id (four digits in MDD, §5.2 [D]).
_GB_CODE_FORMATS = {
    "profile_class": re.compile(r"[0-9]{2}"),
    "meter_timeswitch_code": re.compile(r"[0-9]{3}"),
    "line_loss_factor_class": re.compile(r"[A-Z0-9]{3}"),
    "standard_settlement_configuration": re.compile(r"[0-9]{4}"),
}


@dataclass(frozen=True, slots=True)
class GbAttributes:
    """The GB Market Domain Data codes of a supply point, each effective-dated.

    Profile class, MTC and LLFC are the full MPAN's top line (§5.1); the SSC decides which TPRs
    (registers) the meter must have (§5.2, rule C13). Empty series mean "not known".
    """

    profile_class: EffectiveSeries[str] = EffectiveSeries()
    meter_timeswitch_code: EffectiveSeries[str] = EffectiveSeries()
    line_loss_factor_class: EffectiveSeries[str] = EffectiveSeries()
    standard_settlement_configuration: EffectiveSeries[str] = EffectiveSeries()

    def __post_init__(self) -> None:
        for name, pattern in _GB_CODE_FORMATS.items():
            series: EffectiveSeries[str] = getattr(self, name)
            for entry in series.entries:
                if not isinstance(entry.value, str) or not pattern.fullmatch(entry.value):
                    raise DomainError(
                        f"{name} {entry.value!r} (from {entry.start.isoformat()}) must match "
                        f"{pattern.pattern}"
                    )


@dataclass(frozen=True, slots=True)
class SupplyPoint:
    """A supply point with the context interpretation needs, effective-dated where it changes.

    ``zone`` is where its local days are counted: an IANA name (``Europe/London`` for GB
    settlement days) or ``NEM`` (AEMO market time, a fixed UTC+10).

    ``annual_consumption_kwh`` is the expected active *import* energy of the whole supply over a
    year, in kWh (GB: the EAC summed over the supply's import settlement registers; AU: the
    annual consumption) [T: one figure per supply, not per register or channel]. Estimation uses
    it, with a profile, for an import kWh channel when no like day exists (``market-rules.md``
    §3.4). Each value is positive, finite and exact to at most six decimals (the stores'
    micro-unit scale), so nothing is rounded on the way in.
    """

    supply_point_id: str
    market: Market
    zone: str
    settlement_regime: EffectiveSeries[SettlementRegime] = EffectiveSeries()
    energisation: EffectiveSeries[Energisation] = EffectiveSeries()
    gb: GbAttributes | None = None
    annual_consumption_kwh: EffectiveSeries[Decimal] = EffectiveSeries()

    def __post_init__(self) -> None:
        # Re-validates the identifier by its market's rule (check digits) and normalises the market.
        identity = SupplyPointId(Market(self.market), self.supply_point_id)
        object.__setattr__(self, "market", identity.market)
        zone_named(self.zone)  # raises DomainError for an unknown zone
        if self.gb is not None and identity.market is not Market.GB:
            raise DomainError(f"{self.supply_point_id}: GB attributes on a {self.market} supply")
        for entry in self.settlement_regime.entries:
            SettlementRegime(entry.value)
        for energisation in self.energisation.entries:
            Energisation(energisation.value)
        for annual in self.annual_consumption_kwh.entries:
            if problem := annual_consumption_problem(annual.value):
                raise DomainError(
                    f"{self.supply_point_id}: annual consumption {annual.value} (from "
                    f"{annual.start.isoformat()}) {problem}"
                )

    def settlement_regime_at(self, instant: datetime) -> SettlementRegime | None:
        return self.settlement_regime.value_at(instant)

    def annual_consumption_at(self, instant: datetime) -> Decimal | None:
        """The annual consumption (kWh a year) in force at ``instant``; ``None`` if none is known."""
        return self.annual_consumption_kwh.value_at(instant)

    def energised_at(self, instant: datetime) -> bool | None:
        """``None`` when no energisation status is known for the instant."""
        status = self.energisation.value_at(instant)
        return None if status is None else status is Energisation.ENERGISED


def annual_consumption_problem(value: Decimal) -> str | None:
    """Why ``value`` is not a usable annual consumption (kWh a year), or ``None`` if it is: it
    must be positive (a zero or negative EAC is cleansed to a default upstream, CP1311, never
    used), finite, and exact in micro-units (at most six decimals)."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return "must be a finite decimal number of kWh"
    if value <= 0:
        return "must be positive"
    try:
        to_micro(value)
    except PrecisionError as exc:
        return f"cannot be held exactly (at most six decimals): {exc}"
    return None
