"""LOC+172 (Meldepunkt) -> the supply point id, validated where Germany has a rule.

Layout (MSCONS MIG 2.4c, SG6)::

    LOC+172+51481308448'                          DE3227 172 Meldepunkt : C517 DE3225 the id
    LOC+172+DE00014559929E00856996N5139699L01'    a 33-character Zählpunktbezeichnung
    LOC+Z04+H0'   LOC+107+...'   LOC+Z06+...'     profile, balancing area, profile family

The Meldepunkt is the id of a Marktlokation (MaLo-ID, 11 digits, check digit per BDEW,
``domain/supply_point.py``), a Messlokation (the 33-character Zählpunktbezeichnung: country (2
letters), network operator (6 digits), postcode (5 digits), meter point number (20 letters or
digits) [S: structure as used by the MIG examples and by msconsconverter's LOC split]), a Tranche
(11 digits, MaLo rules) or a MaBiS-ZP. An 11-digit id must pass the MaLo check; a 33-character id
of that shape is accepted as the DE market's free-form id without a check digit test (none is
modelled; the sample's ``US0001...`` id is anonymised and passes the shape). Anything else --
including technical-resource ids -- is rejected (``INVALID_SUPPLY_POINT``) rather than guessed.
Locations other than 172 describe profiles or balancing areas, not supply points
(``UNSUPPORTED_LOCATION``).
"""

from __future__ import annotations

import re

from meter2cash.domain.errors import InvalidSupplyPointError
from meter2cash.domain.supply_point import Market, SupplyPointId
from meter2cash.ingest.mscons.reasons import MsconsReason, Problem
from meter2cash.ingest.mscons.segments import Segment

MARKET = Market.DE.value
_METERING_POINT = re.compile(r"[A-Z]{2}[0-9]{11}[A-Z0-9]{20}")


def supply_point_of(loc: Segment) -> str | Problem:
    qualifier, text = loc.component(0), loc.component(1)
    if qualifier != "172":
        return Problem(
            MsconsReason.UNSUPPORTED_LOCATION,
            f"LOC+{qualifier[:10]} is not a Meldepunkt (LOC+172): profiles and balancing areas are "
            "not supply points",
        )
    if len(text) == 11 and text.isdigit():
        try:
            return SupplyPointId.parse(Market.DE, text).value
        except InvalidSupplyPointError as exc:
            return Problem(MsconsReason.INVALID_SUPPLY_POINT, str(exc))
    if _METERING_POINT.fullmatch(text):
        return text
    return Problem(
        MsconsReason.INVALID_SUPPLY_POINT,
        f"LOC+172 {text[:40]!r} is neither an 11-digit MaLo-ID nor a 33-character "
        "Zählpunktbezeichnung",
    )
