"""Rate a month of determinants with a flat tariff: standing charge + unit rate + one sales tax.

Every line is ``quantity x rate`` computed exactly and rounded once by ``LINE_ROUNDING``; the tax line
is the tax rate applied to the sum of the rounded charge lines (the taxable amount shown on the bill),
itself rounded once. The bill total is the sum of its lines, so lines always add up to the total.
Rates are in minor units (pence/cents), amounts in major units.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from meter2cash.domain.billing import (
    Bill,
    BillLine,
    Determinant,
    DeterminantKind,
    FlatTariff,
    LineKind,
)
from meter2cash.domain.money import LINE_ROUNDING, minor_exponent, round_line
from meter2cash.domain.quantity import MICRO, from_micro
from meter2cash.domain.time import next_month


def rate_month(
    supply_point_id: str,
    month_on: date,
    determinants: Sequence[tuple[int, Determinant]],
    tariff: FlatTariff,
    *,
    version: int = 1,
    supersedes: str | None = None,
) -> Bill | None:
    """The bill for one supply point and month, or ``None`` when there is no day of supply."""
    currency = tariff.currency
    per_major = Decimal(10) ** minor_exponent(currency)
    days = [(i, d) for i, d in determinants if d.kind is DeterminantKind.MONTHLY_DAYS]
    if not days:
        return None
    lines: list[BillLine] = []
    days_id, days_det = days[0]
    day_count = Decimal(days_det.quantity_micro // MICRO)
    standing = tariff.standing_charge_minor_per_day
    lines.append(
        BillLine(
            1,
            LineKind.STANDING_CHARGE,
            "Standing charge",
            day_count,
            "day",
            standing,
            f"{currency} minor/day",
            round_line(day_count * standing / per_major, currency),
            (days_id,),
        )
    )
    energy = sorted(
        ((i, d) for i, d in determinants if d.kind is DeterminantKind.MONTHLY_IMPORT),
        key=lambda item: item[1].channel,
    )
    unit_rate = tariff.unit_rate_minor_per_kwh
    for det_id, det in energy:
        kwh = from_micro(det.quantity_micro)
        lines.append(
            BillLine(
                len(lines) + 1,
                LineKind.ENERGY,
                f"Energy {det.channel}",
                kwh,
                "kWh",
                unit_rate,
                f"{currency} minor/kWh",
                round_line(kwh * unit_rate / per_major, currency),
                (det_id,),
            )
        )
    taxable = sum((line.amount for line in lines), Decimal(0))
    charge_ids = tuple(i for line in lines for i in line.determinant_ids)
    lines.append(
        BillLine(
            len(lines) + 1,
            LineKind.TAX,
            f"{tariff.tax_name} {tariff.tax_rate:%}",
            taxable,
            currency,
            tariff.tax_rate,
            "fraction",
            round_line(taxable * tariff.tax_rate, currency),
            charge_ids,
        )
    )
    return Bill(
        supply_point_id=supply_point_id,
        period_on=month_on,
        period_end_on=next_month(month_on),
        version=version,
        currency=currency,
        tariff_id=tariff.tariff_id,
        tariff_version=tariff.version,
        rounding_rule=LINE_ROUNDING,
        lines=tuple(lines),
        supersedes=supersedes,
    )
