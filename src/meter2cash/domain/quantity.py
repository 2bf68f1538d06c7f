"""Exact energy quantities.

Energy is parsed from text into ``Decimal`` and never passes through a binary float. In columns and
stores, values are scaled integers of :data:`MICRO` (10^-6 of the canonical unit, i.e. milli-watt-hours
for kWh): exact, compact, and summable by vectorised engines. A value with more than six decimal places
of the canonical unit cannot be held exactly and is refused with :class:`PrecisionError`, never rounded.
"""

from __future__ import annotations

from decimal import Decimal, Inexact, InvalidOperation, localcontext
from enum import StrEnum

from meter2cash.domain.errors import DomainError, PrecisionError

MICRO = 1_000_000
_SCALE = Decimal(MICRO)


class Unit(StrEnum):
    """Canonical units. Active energy is kWh, reactive energy kvarh, apparent kVAh."""

    KWH = "kWh"
    KVARH = "kvarh"
    KVAH = "kVAh"


#: Source unit spellings (case-insensitive) -> (canonical unit, factor to multiply by).
_UNIT_FACTORS: dict[str, tuple[Unit, Decimal]] = {
    "wh": (Unit.KWH, Decimal("0.001")),
    "kwh": (Unit.KWH, Decimal(1)),
    "mwh": (Unit.KWH, Decimal(1000)),
    "varh": (Unit.KVARH, Decimal("0.001")),
    "kvarh": (Unit.KVARH, Decimal(1)),
    "mvarh": (Unit.KVARH, Decimal(1000)),
    "vah": (Unit.KVAH, Decimal("0.001")),
    "kvah": (Unit.KVAH, Decimal(1)),
    "mvah": (Unit.KVAH, Decimal(1000)),
}


def normalise_unit(source_unit: str) -> tuple[Unit, Decimal]:
    """Map a source's unit text to the canonical unit and the exact conversion factor."""
    try:
        return _UNIT_FACTORS[source_unit.strip().lower()]
    except KeyError:
        raise DomainError(f"unknown energy unit {source_unit!r}") from None


def parse_decimal(text: str) -> Decimal:
    """Parse a decimal number from text exactly; refuse NaN, infinities and exponents-only junk."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise DomainError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise DomainError(f"not a finite number: {text!r}")
    return value


def to_micro(value: Decimal) -> int:
    """Scale an exact decimal to integer micro-units, refusing anything that would need rounding."""
    if not value.is_finite():
        raise DomainError(f"not a finite quantity: {value}")
    with localcontext() as context:  # beyond 28 significant digits the product would be rounded
        context.traps[Inexact] = True
        try:
            scaled = value * _SCALE
        except Inexact:
            raise PrecisionError(f"{value} has too many significant digits") from None
    integral = scaled.to_integral_value()
    if scaled != integral:
        raise PrecisionError(f"{value} has more than 6 decimal places")
    return int(integral)


def from_micro(micro: int) -> Decimal:
    """The exact decimal for integer micro-units (normalised: no trailing zeros beyond the point)."""
    value = Decimal(micro) / _SCALE
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def format_micro(micro: int) -> str:
    """Render micro-units as a plain decimal string (never scientific notation) for JSON and CSV."""
    return format(from_micro(micro), "f")
