"""Exact energy quantities.

Energy is parsed from text into ``Decimal`` and never passes through a binary float. In columns and
stores, values are scaled integers of :data:`MICRO` (10^-6 of the canonical unit, i.e. milli-watt-hours
for kWh): exact, compact, and summable by vectorised engines. A value with more than six decimal places
of the canonical unit cannot be held exactly and is refused with :class:`PrecisionError`, never rounded.
"""

from __future__ import annotations

from decimal import Context, Decimal, Inexact, InvalidOperation
from enum import StrEnum

from meter2cash.domain.errors import DomainError, PrecisionError, QuantityRangeError

MICRO = 1_000_000
_SCALE = Decimal(MICRO)

#: Largest magnitude accepted, in micro-units: 10^9 kWh (a terawatt-hour) in one value. No meter
#: records that much in an interval or on a register, so a larger value is a corrupt field; and the
#: bound keeps every stored value *and* every day total (at most 288 values) inside a signed 64-bit
#: column (9.2 * 10^18), so no store can overflow. Team default, not a market rule.
MAX_ABS_MICRO = 10**15


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


#: Multiplies exactly or raises ``Inexact``: beyond 28 significant digits a product would be
#: rounded. A prebuilt context is ~4x cheaper than entering ``localcontext()`` per value, and this is
#: called for every interval value on the hot path.
_EXACT = Context(prec=28, traps=[Inexact, InvalidOperation])


def to_micro(value: Decimal) -> int:
    """Scale an exact decimal to integer micro-units, refusing anything that would need rounding.

    Also refuses magnitudes beyond :data:`MAX_ABS_MICRO` (``QuantityRangeError``): every parser
    and the ingest service call this, so an absurd value is rejected with its line, not stored.
    """
    if not value.is_finite():
        raise DomainError(f"not a finite quantity: {value}")
    try:
        scaled = _EXACT.multiply(value, _SCALE)
    except Inexact:
        raise PrecisionError(f"{value} has too many significant digits") from None
    integral = int(scaled)
    if scaled != integral:
        raise PrecisionError(f"{value} has more than 6 decimal places")
    if not -MAX_ABS_MICRO <= integral <= MAX_ABS_MICRO:
        raise QuantityRangeError(f"{value} is beyond the accepted magnitude of 10^9")
    return integral


def from_micro(micro: int) -> Decimal:
    """The exact decimal for integer micro-units (normalised: no trailing zeros beyond the point)."""
    value = Decimal(micro) / _SCALE
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def format_micro(micro: int) -> str:
    """Render micro-units as a plain decimal string (never scientific notation) for JSON and CSV."""
    return format(from_micro(micro), "f")
