"""What a LIN measures: the PIA+5 product (OBIS code or medium) and the unit of its QTY values.

Layouts (MSCONS MIG 2.4c)::

    PIA+5+1-1?:1.29.0:SRW'   DE4347 5 = product id; C212 = 7140 product number : 7143 type code
                             7143: SRW OBIS code, Z02 BDEW OBIS-like code, Z08 medium (e.g. AUA)
    QTY+220:4250.465:KWH'    C186 = 6063 qualifier : 6060 quantity : 6411 unit (optional)

"Die Einheiten (kWh, kvarh) sind implizit in der OBIS-Kennzahl enthalten" (MIG 2.4c, PIA DE7140):
a QTY without DE6411 takes its unit from the OBIS code. The decoding of OBIS value groups below
(A medium, C quantity, D processing) follows IEC 62056-61 as commonly tabulated [M: the standard and
the EDI@Energy OBIS code list were not read]:

* A = 1 electricity. Other media (7 gas, ...) get no implied unit and ``Direction.OTHER``.
* C = 1 active import (+A) -> ``IMPORT``; 2 active export (-A) -> ``EXPORT``; 3 reactive import
  (+R), 5 and 6 (quadrants I, II) -> ``REACTIVE_IMPORT``; 4 reactive export (-R), 7 and 8
  (quadrants III, IV) -> ``REACTIVE_EXPORT``; 9/10 apparent (kVAh, ``OTHER``); anything else
  ``OTHER`` with no implied unit. The brief's rule "1.x import, 2.x export, 3/4 reactive" [T].
* D = 8 (time integral 1, the cumulative register, e.g. 1.8.0, 2.8.1) -> a register: its QTY
  values become ``RegisterRead``. D = 0..7 (averages, maxima, minima, instantaneous values) are
  power/demand, not energy -> ``UNSUPPORTED_QUANTITY``. Every other D (9 energy amount, 29 load
  profile, and the sample's 10) carries energy per interval -> ``ChannelDay``/``IntervalRead``.

The channel name is the code as written after release characters are removed (``1-1:1.29.0``) or the
medium code (``AUA`` = Ausfallarbeit, Redispatch 2.0 curtailment energy: not a metered flow, so
``Direction.OTHER``).

Units (DE6411, UN/ECE Recommendation 20 codes; the MIG 2.4c lists D54, MTS, KWH, KWT): KWH, MWH,
WHR (Wh) and K3 (kvarh) are energy; KWT (kW), MAW (MW) and WTT (W) are power and D54 (W/m2) and
MTS (m/s) weather data -- all refused as ``UNSUPPORTED_QUANTITY``: the canonical ``Unit`` holds
energy only, and power is not energy (a maximum demand is no amount to bill per kWh). Any other
code is ``UNKNOWN_UNIT``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit, normalise_unit
from meter2cash.domain.reads import Direction
from meter2cash.ingest.mscons.reasons import MsconsReason, Problem
from meter2cash.ingest.mscons.segments import Segment
from meter2cash.ingest.reasons import Reason

_OBIS = re.compile(r"(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[.*]\d{1,3})?")
_DIRECTIONS = {
    1: Direction.IMPORT,
    2: Direction.EXPORT,
    3: Direction.REACTIVE_IMPORT,
    5: Direction.REACTIVE_IMPORT,
    6: Direction.REACTIVE_IMPORT,
    4: Direction.REACTIVE_EXPORT,
    7: Direction.REACTIVE_EXPORT,
    8: Direction.REACTIVE_EXPORT,
}
_IMPLIED_UNITS = {1: "kWh", 2: "kWh", 3: "kvarh", 4: "kvarh", 5: "kvarh", 6: "kvarh", 7: "kvarh"}
_IMPLIED_UNITS |= {8: "kvarh", 9: "kVAh", 10: "kVAh"}
_REGISTER_D = 8
_POWER_D = range(8)
#: DE6411 code -> the spelling ``normalise_unit`` knows.
_ENERGY_UNITS = {"KWH": "kWh", "MWH": "MWh", "WHR": "Wh", "K3": "kvarh"}
_NOT_ENERGY = {
    "KWT": "kW (power)",
    "MAW": "MW (power)",
    "WTT": "W (power)",
    "D54": "W/m2 (irradiance)",
    "MTS": "m/s (wind speed)",
}


@dataclass(frozen=True, slots=True)
class Product:
    """A LIN's PIA+5: its channel name, flow direction and how its values are to be read."""

    channel: str
    direction: Direction
    register: bool  # OBIS D = 8: cumulative register values, read at an instant
    implied_unit: str | None  # the unit its QTYs carry when DE6411 is absent
    power: str | None  # why its values are power/demand rather than energy, if they are


def parse_product(pia: Segment) -> Product | Problem:
    """The product of a ``PIA+5`` segment."""
    code, kind = pia.component(1, 0), pia.component(1, 1)
    if pia.component(0) != "5" or not code:
        return Problem(
            MsconsReason.BAD_PRODUCT_ID, "PIA must be PIA+5+<OBIS code or medium>:<type code>"
        )
    if kind == "Z08":
        return Product(code, Direction.OTHER, register=False, implied_unit=None, power=None)
    match = _OBIS.fullmatch(code)
    if match is None:
        if kind == "Z02":  # "OBIS-ähnliche Kennzahl": named, but its groups are BDEW's own
            return Product(code, Direction.OTHER, register=False, implied_unit=None, power=None)
        return Problem(MsconsReason.BAD_PRODUCT_ID, f"{code!r} is not an OBIS code (A-B:C.D.E)")
    medium, _channel, quantity, processing, _tariff = (int(group) for group in match.groups())
    if medium != 1:
        return Product(code, Direction.OTHER, register=False, implied_unit=None, power=None)
    power = None
    if processing in _POWER_D:
        power = f"OBIS {code} (value group D = {processing}) is a power or demand value, not energy"
    return Product(
        code,
        _DIRECTIONS.get(quantity, Direction.OTHER),
        register=processing == _REGISTER_D,
        implied_unit=_IMPLIED_UNITS.get(quantity),
        power=power,
    )


@dataclass(frozen=True, slots=True)
class Measure:
    """The canonical unit of a QTY value and the exact factor to it; ``source`` is DE6411 verbatim."""

    unit: Unit
    factor: Decimal
    source: str


def measure_of(unit_code: str, product: Product) -> Measure | Problem:
    """Resolve a QTY's DE6411 (or, absent, the OBIS code's implied unit) to a canonical unit."""
    if unit_code in _NOT_ENERGY:
        return Problem(
            MsconsReason.UNSUPPORTED_QUANTITY,
            f"unit {unit_code} is {_NOT_ENERGY[unit_code]}: only energy is taken",
        )
    if product.power is not None:
        return Problem(MsconsReason.UNSUPPORTED_QUANTITY, product.power)
    if unit_code:
        spelling = _ENERGY_UNITS.get(unit_code)
        if spelling is None:
            return Problem(
                Reason.UNKNOWN_UNIT,
                f"unit code {unit_code[:20]!r} is not an energy unit this parser knows "
                f"({', '.join(sorted(_ENERGY_UNITS))})",
            )
    elif product.implied_unit is not None:
        spelling = product.implied_unit
    else:
        return Problem(
            Reason.UNKNOWN_UNIT,
            f"the QTY has no unit and {product.channel!r} implies none (only electricity OBIS "
            "codes do)",
        )
    try:
        unit, factor = normalise_unit(spelling)
    except DomainError as exc:  # the tables above only name units normalise_unit knows
        return Problem(Reason.UNKNOWN_UNIT, str(exc))
    return Measure(unit, factor, unit_code)
