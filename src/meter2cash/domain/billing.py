"""Determinants, flat tariffs, bills and bill lines — the money end of the chain.

Lineage is part of the model: a determinant names the channel-day versions it was computed from, and a
bill line names its determinants, so any line can be explained down to source file records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from meter2cash.domain.keys import stable_key


class DeterminantKind(StrEnum):
    DAILY_IMPORT = "daily_import_kwh"  # kWh imported on one local day, per channel
    DAILY_EXPORT = "daily_export_kwh"  # kWh exported on one local day, per channel
    MONTHLY_IMPORT = "monthly_import_kwh"  # kWh imported in one local-calendar month, per channel
    MONTHLY_EXPORT = "monthly_export_kwh"  # kWh exported in one local-calendar month, per channel
    MONTHLY_DAYS = "monthly_days"  # days of supply in the month (drives standing charges)


@dataclass(frozen=True, slots=True)
class Determinant:
    """A billable quantity for a supply point, channel and period, with the versions behind it.

    ``quantity_micro`` is in micro-units of ``unit`` (kWh, or days x 10^6 for day counts, to keep one
    exact integer column).
    """

    supply_point_id: str
    channel: str
    kind: DeterminantKind
    period_on: date
    quantity_micro: int
    unit: str
    channel_day_ids: tuple[int, ...]

    @property
    def natural_key(self) -> str:
        return stable_key("det", self.supply_point_id, self.channel, self.kind, self.period_on)

    @property
    def content_key(self) -> str:
        return stable_key(self.natural_key, self.quantity_micro, self.unit, self.channel_day_ids)


@dataclass(frozen=True, slots=True)
class FlatTariff:
    """The walking skeleton's tariff: a standing charge per day, one unit rate, one sales tax.

    Rates are in minor units (pence, cents) so that tariff sheets can be copied as published.
    """

    tariff_id: str
    version: int
    market: str
    currency: str
    standing_charge_minor_per_day: Decimal
    unit_rate_minor_per_kwh: Decimal
    tax_name: str
    tax_rate: Decimal


class LineKind(StrEnum):
    STANDING_CHARGE = "standing_charge"
    ENERGY = "energy"
    TAX = "tax"


@dataclass(frozen=True, slots=True)
class BillLine:
    """One line of a bill: quantity x rate = amount, rounded once by the line rounding rule."""

    line_no: int
    kind: LineKind
    description: str
    quantity: Decimal
    quantity_unit: str
    rate: Decimal
    rate_unit: str
    amount: Decimal
    determinant_ids: tuple[int, ...]

    def line_id(self, bill_id: str) -> str:
        return f"{bill_id}-L{self.line_no}"


@dataclass(frozen=True, slots=True)
class Bill:
    """An issued bill: immutable. A changed rating issues a new version that supersedes it."""

    supply_point_id: str
    period_on: date
    period_end_on: date
    version: int
    currency: str
    tariff_id: str
    tariff_version: int
    rounding_rule: str
    lines: tuple[BillLine, ...]
    supersedes: str | None = None

    @property
    def bill_id(self) -> str:
        return f"B-{self.supply_point_id}-{self.period_on:%Y%m}-v{self.version}"

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def content_key(self) -> str:
        """Equal when a re-rating gives the same lines: then nothing is issued again."""
        return stable_key(
            self.supply_point_id,
            self.period_on,
            self.period_end_on,
            self.currency,
            self.tariff_id,
            self.tariff_version,
            *((ln.kind, ln.quantity, ln.rate, ln.amount, ln.determinant_ids) for ln in self.lines),
        )
