"""Exact energy quantities.

Energy is parsed from text into ``Decimal`` and never passes through a binary float. In columns and
stores, values are scaled integers of :data:`MICRO` (10^-6 of the canonical unit, i.e. milli-watt-hours
for kWh): exact, compact, and summable by vectorised engines. A value with more than six decimal places
of the canonical unit cannot be held exactly and is refused with :class:`PrecisionError`, never rounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context, Decimal, Inexact, InvalidOperation
from enum import StrEnum

from meter2cash.domain.errors import DomainError, PrecisionError, QuantityRangeError

MICRO = 1_000_000
_SCALE = Decimal(MICRO)

#: Largest magnitude a store can hold, in micro-units: the signed 64-bit range of the stores'
#: integer columns (9,223,372,036,854.775807 units). A larger value is refused, never wrapped.
MAX_ABS_MICRO = 2**63 - 1

#: Largest magnitude of one *interval* value: 10^10 units (10 TWh in an interval, far beyond any
#: meter), so a day total of up to 288 values (5-minute data) still fits a 64-bit column.
#: Register values are cumulative readings (a real NEM13 sample holds 999999999999.00) and are
#: bounded only by :data:`MAX_ABS_MICRO`. Team default, not a market rule.
MAX_INTERVAL_MICRO = 10**16


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

    Also refuses magnitudes a 64-bit column cannot hold (``QuantityRangeError``): every parser and
    the ingest service call this, so such a value is rejected with its line, never stored.
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
    if not -MAX_ABS_MICRO - 1 <= integral <= MAX_ABS_MICRO:
        raise QuantityRangeError(f"{value} is beyond the 64-bit range a store can hold")
    return integral


def check_interval_micro(values: Iterable[int | None]) -> None:
    """Refuse interval values beyond :data:`MAX_INTERVAL_MICRO` (see there for why)."""
    for micro in values:
        if micro is not None and not -MAX_INTERVAL_MICRO <= micro <= MAX_INTERVAL_MICRO:
            raise QuantityRangeError(
                f"interval value {from_micro(micro)} is beyond the accepted magnitude of 10^10"
            )


def from_micro(micro: int) -> Decimal:
    """The exact decimal for integer micro-units (normalised: no trailing zeros beyond the point)."""
    value = Decimal(micro) / _SCALE
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def format_micro(micro: int) -> str:
    """Render micro-units as a plain decimal string (never scientific notation) for JSON and CSV."""
    return format(from_micro(micro), "f")
