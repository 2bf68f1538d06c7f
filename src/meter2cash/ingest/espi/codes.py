"""ESPI code lists mapped to the canonical model.

Source for every code below: the NAESB REQ.21 ESPI schema as published by the Green Button Alliance,
``usage.xsd`` version 3.3 (GreenButtonAlliance/OpenESPI-Common-java,
``src/main/resources/schemas/v3.3/usage.xsd``): simple types ``UnitSymbolKind``,
``QualityOfReading``, ``FlowDirectionKind`` and ``AccumulationKind``. Where the mapping to the
canonical model is a decision rather than a translation, the comment beside it says why.
"""

from __future__ import annotations

from collections.abc import Iterable

from meter2cash.domain.reads import Direction, Quality

#: UnitSymbolKind codes of energy that the canonical model holds (kWh, kvarh, kVAh), with the text
#: ``normalise_unit`` understands.
ENERGY_UNITS: dict[int, str] = {72: "Wh", 73: "VArh", 71: "VAh"}

#: Valid UnitSymbolKind codes that are not canonical energy, and why they cannot be converted.
_NO_EXACT_CONVERSION = "an energy unit with no exact decimal conversion to kWh"
_VOLUME = "a volume: converting it to energy needs a calorific value the file does not carry"
_POWER = "a power (demand) unit, not an energy"
UNSUPPORTED_UNITS: dict[int, tuple[str, str]] = {
    169: ("therm", _NO_EXACT_CONVERSION),
    132: ("BTU", _NO_EXACT_CONVERSION),
    31: ("J", _NO_EXACT_CONVERSION),
    42: ("m3", _VOLUME),
    119: ("ft3", _VOLUME),
    120: ("ft3 (compensated)", _VOLUME),
    166: ("m3 (uncompensated)", _VOLUME),
    167: ("m3 (compensated)", _VOLUME),
    128: ("US gallon", _VOLUME),
    130: ("imperial gallon", _VOLUME),
    134: ("litre", _VOLUME),
    38: ("W", _POWER),
    61: ("VA", _POWER),
    63: ("VAr", _POWER),
}

#: AccumulationKind: which ReadingTypes carry interval consumption and which a register (dial).
#: 0 none and an absent element are read as interval data: every sample without the element is
#: consumption per interval. 1 bulkQuantity, 2 continuousCumulative, 3 cumulative and 9 summation
#: accumulate over all time, so their readings are register reads.
INTERVAL_ACCUMULATIONS = frozenset({0, 4})  # none, deltaData
REGISTER_ACCUMULATIONS = frozenset({1, 2, 3, 9})

#: FlowDirectionKind -> (channel tag, direction of active energy, direction of reactive energy).
#: 1 forward is "delivered"/"imported", 19 reverse "received"/"exported" (usage.xsd). Net (4) and
#: total (20) are neither; an absent direction (0 = "not applicable") is not guessed to be import.
FLOWS: dict[int, tuple[str, Direction, Direction]] = {
    1: ("fwd", Direction.IMPORT, Direction.REACTIVE_IMPORT),
    19: ("rev", Direction.EXPORT, Direction.REACTIVE_EXPORT),
    4: ("net", Direction.OTHER, Direction.OTHER),
    20: ("total", Direction.OTHER, Direction.OTHER),
}

#: QualityOfReading -> canonical quality.
#:
#: * ACTUAL: 0 valid (passed every check), 14 raw (measured, not yet validated: validation is
#:   interpret's job), 18 verified (failed a check but determined to be actual usage).
#: * ESTIMATED: 8 reference day, 9 linear interpolation, 12 projected, 15 normalised for weather,
#:   and 13 mixed (some of the interval is not measured, so it cannot be billed as actual).
#: * SUBSTITUTED: 7 manually edited ("replaced or approved by a human").
#: * UNKNOWN: 10 questionable, 11 derived, 16 other, and 17 validated / 19 revenue-quality, whose
#:   definitions ("possibly edited and/or estimated", "acceptable for billing") do not say whether
#:   the value was measured. The code is kept verbatim beside the value for rules that need it.
QUALITIES: dict[int, Quality] = {
    0: Quality.ACTUAL,
    14: Quality.ACTUAL,
    18: Quality.ACTUAL,
    8: Quality.ESTIMATED,
    9: Quality.ESTIMATED,
    12: Quality.ESTIMATED,
    13: Quality.ESTIMATED,
    15: Quality.ESTIMATED,
    7: Quality.SUBSTITUTED,
    10: Quality.UNKNOWN,
    11: Quality.UNKNOWN,
    16: Quality.UNKNOWN,
    17: Quality.UNKNOWN,
    19: Quality.UNKNOWN,
}

# When one reading carries several ReadingQuality codes, the least trustworthy wins.
_PRECEDENCE = (Quality.ESTIMATED, Quality.SUBSTITUTED, Quality.UNKNOWN, Quality.ACTUAL)


def canonical_quality(codes: Iterable[int]) -> Quality:
    """The canonical quality of a reading's QualityOfReading codes (none at all: UNKNOWN).

    A code outside the list is UNKNOWN: the schema's union with UInt16 allows other values.
    """
    found = {QUALITIES.get(code, Quality.UNKNOWN) for code in codes}
    if not found:
        return Quality.UNKNOWN
    return next(quality for quality in _PRECEDENCE if quality in found)
