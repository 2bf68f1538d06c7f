"""What rating consumes and produces: days of usage in, rated lines out.

:class:`DayUsage` is the bill determinant at its finest grain — one local day of one supply point:
import per time-of-use band, export, maximum demand, and the channel-day versions behind it. Bills,
partial periods and corrections are all sums of days, so any period can be rated from the same rows
and a re-rating after a correction differs only where the days differ.

:class:`RatedLine` is one priced line before a bill is issued; issuing (``service/billing``) gives it
an id and links corrections to the lines they correct.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class CustomerClass(StrEnum):
    DOMESTIC = "domestic"
    CHARITY = "charity"  # non-business charitable use: qualifying use for reduced-rate VAT
    BUSINESS = "business"


@dataclass(frozen=True, slots=True)
class TaxStatus:
    """The account facts GB VAT and CCL depend on (market-rules.md §6.2).

    ``qualifying_use_fraction``: the share of supply that is qualifying use (domestic/charity
    non-business); 60 % or more makes the whole supply reduced-rate. ``ccl_exempt`` records a
    certificate or other exemption beyond the domestic/de minimis ones the engine derives itself.
    """

    customer_class: CustomerClass
    qualifying_use_fraction: Decimal = Decimal(1)
    ccl_exempt: bool = False


@dataclass(frozen=True, slots=True)
class DayUsage:
    """One local day of supply at one supply point, as rating sees it.

    ``import_kwh`` maps each band of the schedule in force to exact kWh (every band present, zero
    when none); ``half_hours_kwh`` are the day's import values in time order starting at
    ``first_interval_start`` (UTC), kept for dynamic (half-hourly priced) tariffs;
    ``max_kw``/``max_kva`` are the day's highest half-hourly demand (kWh x 2), by band where
    ``max_kw_by_band`` is given. ``actual``/``estimated`` count the day's import values by quality
    so a bill can say which reads it used. ``channel_day_ids`` are the curated versions behind it.
    """

    supply_point_id: str
    on: date
    import_kwh: dict[str, Decimal]
    export_kwh: Decimal = Decimal(0)
    max_kw: Decimal | None = None
    max_kva: Decimal | None = None
    max_kw_by_band: dict[str, Decimal] = field(default_factory=dict)
    first_interval_start: datetime | None = None
    interval_minutes: int = 30
    half_hours_kwh: tuple[Decimal, ...] = ()
    actual: int = 0
    estimated: int = 0
    channel_day_ids: tuple[int, ...] = ()
    adjustment_ids: tuple[int, ...] = ()  # hardened-data adjustments applied to this day

    @property
    def total_import_kwh(self) -> Decimal:
        return sum(self.import_kwh.values(), Decimal(0))


class LineKind(StrEnum):
    STANDING_CHARGE = "standing_charge"
    ENERGY = "energy"  # import, per band / block / dynamic price
    EXPORT = "export"  # generation credit (negative amount)
    DEMAND = "demand"
    CAPACITY = "capacity"
    LEVY = "levy"  # e.g. GB Climate Change Levy
    TAX = "tax"  # VAT / GST / sales tax, on the taxable lines
    CORRECTION = "correction"  # a delta (credit/debit) against an issued line
    BACK_BILLING = "back_billing"  # under-charge written off by the GB back-billing rule


@dataclass(frozen=True, slots=True)
class RatedLine:
    """``quantity x rate`` (rate in ``rate_unit``) = ``amount`` in major units, rounded once.

    ``key`` identifies "the same line" across re-ratings of one period — kind, band, part of the
    period, component — so a correction can pair a new line with the issued one it changes.
    ``days`` are the days of usage behind the line (lineage to channel-day versions through them);
    ``tax_rate`` is the VAT/GST rate the line's amount is taxed at (``None``: not taxable / a tax).
    """

    kind: LineKind
    key: str
    description: str
    period_from: date
    period_to: date
    quantity: Decimal
    quantity_unit: str
    rate: Decimal
    rate_unit: str
    amount: Decimal
    band: str | None = None
    supply_point_id: str | None = None
    tariff_id: str | None = None
    tariff_version: int | None = None
    tax_rate: Decimal | None = None
    days: tuple[date, ...] = ()
