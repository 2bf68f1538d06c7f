"""QTY qualifiers and STS statuses -> canonical quality, method and reason.

Layouts (MSCONS MIG 2.4c, SG10)::

    QTY+67:4250.465'       DE6063 qualifier: how trustworthy the value is
    STS+Z32++Z88'          C601 category : C555 status (not used) : C556 reason code
    STS+10+Z36'            category 10 uses C555 (basis of an energy amount)

Code lists as printed in the MIG 2.4c (Stand 26.07.2024) segment layouts [V], read from a public
Markdown transcription of the BDEW PDF (the PDF itself is in h2nguyen/mscons-restify,
``docs/MSCONS_MIG_2_4c_20231024.pdf``). The German names are BDEW's; the canonical column is the
team's mapping [T] -- BDEW defines no such mapping:

====  ======================================================  ===============
6063  MIG name                                                canonical
====  ======================================================  ===============
220   Wahrer Wert (true value)                                ACTUAL
67    Ersatzwert (substitute value)                           SUBSTITUTED
Z18   Vorläufiger Wert (provisional value)                    ESTIMATED
201   Vorschlagswert (proposed value)                         ESTIMATED
187   Prognosewert (forecast value)                           ESTIMATED
20    Nicht verwendbarer Wert (unusable value)                NULL
Z30   Fehlender Wert (missing value)                          NULL
79    Energiemenge summiert (summed energy, balancing sum)    UNKNOWN
Z31   Angabe für Lieferschein (delivery-note figure)          UNKNOWN
Z47   Grundlage POG-Ermittlung (basis for the POG)            UNKNOWN
====  ======================================================  ===============

A NULL value keeps the number the file carries (as NEM12 "N" does): the quality says it is no read.
Any other qualifier is rejected (``UNKNOWN_QTY_QUALIFIER``).

STS categories (DE9015) [V names; use T]:

* ``Z32`` Ersatzwertbildungsverfahren (substitution method, e.g. Z88 comparison metering, Z92
  interpolation) -> ``method`` = the DE9013 code.
* ``Z40`` Grund der Ersatzwertbildung (why a substitute was made), ``Z34`` Korrekturgrund
  (correction reason) and ``Z33`` Plausibilisierungshinweis (why an odd value is plausible, e.g.
  Z84 vacancy) -> ``reason`` = ``"<category>:<code>"`` joined by ``;`` in file order (the category
  stays because the same code means different things under Z40 and Z34).
* ``10`` Grundlage der Energiemenge, ``Z31`` Gasqualität and unknown categories change nothing but
  are kept in the verbatim source flag like every STS.
"""

from __future__ import annotations

from dataclasses import dataclass

from meter2cash.domain.reads import Quality
from meter2cash.ingest.mscons.segments import Segment

QUALITIES: dict[str, Quality] = {
    "220": Quality.ACTUAL,
    "67": Quality.SUBSTITUTED,
    "Z18": Quality.ESTIMATED,
    "201": Quality.ESTIMATED,
    "187": Quality.ESTIMATED,
    "20": Quality.NULL,
    "Z30": Quality.NULL,
    "79": Quality.UNKNOWN,
    "Z31": Quality.UNKNOWN,
    "Z47": Quality.UNKNOWN,
}
_METHOD = "Z32"
_REASONS = frozenset({"Z40", "Z34", "Z33"})


@dataclass(frozen=True, slots=True)
class Flags:
    """A QTY group's canonical flags and its source text verbatim."""

    quality: Quality
    method: str | None
    reason: str | None
    source_flag: str  # "67 STS+Z32++Z92 STS+Z40++Z74": the qualifier and each STS as sent


def flags_of(qualifier: str, quality: Quality, statuses: list[Segment]) -> Flags:
    method = None
    reasons = []
    for sts in statuses:
        category, code = sts.component(0), sts.component(2)
        if category == _METHOD and code:
            method = code
        elif category in _REASONS and code:
            reasons.append(f"{category}:{code}")
    source = " ".join([qualifier, *(sts.text for sts in statuses)])
    return Flags(quality, method, ";".join(reasons) or None, source)
