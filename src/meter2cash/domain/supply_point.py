"""Supply point identity, validated by the rules of its market.

The canonical model names a supply point by ``(market, value)``. Each market's identifier carries a
check digit that catches the typing and transcription errors identifiers suffer in flat files, so an
identifier is validated once, where it enters, and every :class:`SupplyPointId` holds a normalised,
valid value (constructing one directly re-checks it).

* **GB** — MPAN core (13 digits): distributor id (2) + unique number (10) + check digit (1).
  Structure, check digit and distributor ids as implemented in ``limejump/mpan`` and
  ``WessexWater/chellow`` (two independent implementations; team reference ``market-rules.md``
  §5.1). The authoritative, growing distributor list is Elexon Market Domain Data.
* **AU** — NMI (10 characters) with an optional 11th checksum character, per AEMO's *National
  Metering Identifier Procedure* (checksum appendix). See :func:`nmi_checksum`.
* **DE** — MaLo-ID (Marktlokations-ID, 11 digits), per BDEW's *Anwendungshilfe MaLo-ID*. See
  :func:`malo_id_check_digit`.
* **OTHER** — free-form text, for markets without a modelled rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from meter2cash.domain.errors import InvalidSupplyPointError


class Market(StrEnum):
    """The market whose identifier rules a supply point follows."""

    GB = "GB"
    AU = "AU"
    DE = "DE"
    OTHER = "OTHER"


def _invalid(market: Market, text: object, reason: str) -> InvalidSupplyPointError:
    return InvalidSupplyPointError(f"{market} supply point id {text!r} is invalid: {reason}")


# --- GB: MPAN -----------------------------------------------------------------------------------

#: Check-digit weights: the primes 3..43 without 11, which would vanish under ``mod 11``.
MPAN_WEIGHTS = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)
_MPAN_CORE = re.compile(r"[0-9]{13}")
_MPAN_FIRST12 = re.compile(r"[0-9]{12}")
#: Full MPAN ("S" box, top line + core), as ``limejump/mpan``: PC(2) MTC(3) LLFC(3) core(13).
_FULL_MPAN = re.compile(r"([0-9]{2})([0-9]{3})([A-Z0-9]{3})([0-9]{13})")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Distributor:
    """A GB distribution network operator (DNO area) or independent one (IDNO)."""

    distributor_id: str
    kind: str  # "DNO" | "IDNO"
    name: str  # DNO: licence area; IDNO: network name
    participant_id: str  # DNO market participant id / IDNO MPAS operator id
    gsp_group_id: str | None  # DNO areas only


def _dno(distributor_id: str, area: str, participant_id: str, gsp_group_id: str) -> Distributor:
    return Distributor(distributor_id, "DNO", area, participant_id, gsp_group_id)


def _idno(distributor_id: str, name: str, mpas_operator_id: str) -> Distributor:
    return Distributor(distributor_id, "IDNO", name, mpas_operator_id, None)


#: Distributor ids 10-23 (DNO areas) and 24-36 (IDNOs): areas, GSP groups and ids per
#: ``market-rules.md`` §5.1 [V limejump/mpan ``distributor.py``]; DNO participant ids and IDNO
#: names from that same file. New IDNOs appear over time: the MDD list is the authority.
DISTRIBUTORS: Mapping[str, Distributor] = MappingProxyType(
    {
        d.distributor_id: d
        for d in (
            _dno("10", "Eastern", "EELC", "_A"),
            _dno("11", "East Midlands", "EMEB", "_B"),
            _dno("12", "London", "LOND", "_C"),
            _dno("13", "Merseyside and North Wales", "MANW", "_D"),
            _dno("14", "Midlands", "MIDE", "_E"),
            _dno("15", "Northern", "NEEB", "_F"),
            _dno("16", "North Western", "NORW", "_G"),
            _dno("17", "North Scotland", "HYDE", "_P"),
            _dno("18", "South Scotland", "SPOW", "_N"),
            _dno("19", "South Eastern", "SEEB", "_J"),
            _dno("20", "Southern", "SOUT", "_H"),
            _dno("21", "South Wales", "SWAE", "_K"),
            _dno("22", "South Western", "SWEB", "_L"),
            _dno("23", "Yorkshire", "YELG", "_M"),
            _idno("24", "Envoy (Independent Power Networks)", "IPNL"),
            _idno("25", "ESP Electricity", "LENG"),
            _idno("26", "Last Mile Electricity", "GUCL"),
            _idno("27", "GTC (The Electricity Network Company)", "ETCL"),
            _idno("28", "UK Power Networks (IDNO)", "EDFI"),
            _idno("29", "Harlaxton Energy Networks", "HARL"),
            _idno("30", "Leep Electricity Networks", "PENL"),
            _idno("31", "UK Power Distribution", "UKPD"),
            _idno("32", "Energy Assets Networks", "UDNL"),
            _idno("33", "Eclipse Power Networks", "GGEN"),
            _idno("34", "Murphy Power", "MPDL"),
            _idno("35", "Fulcrum Electricity Assets", "FEAL"),
            _idno("36", "Vattenfall Networks", "VATT"),
        )
    }
)


def mpan_check_digit(first12: str) -> int:
    """The MPAN core check digit: ``(sum of weight[i] * digit[i], i = 0..11) mod 11 mod 10``."""
    if not _MPAN_FIRST12.fullmatch(first12):
        raise _invalid(Market.GB, first12, "the check digit needs exactly 12 leading digits")
    return sum(w * int(d) for w, d in zip(MPAN_WEIGHTS, first12, strict=True)) % 11 % 10


def distributor_of(core: str) -> Distributor:
    """The distributor named by an MPAN core's first two digits."""
    try:
        return DISTRIBUTORS[_WHITESPACE.sub("", core)[:2]]
    except KeyError:
        raise _invalid(Market.GB, core, "unknown distributor id (known: 10-36)") from None


def _gb(text: str) -> str:
    core = _WHITESPACE.sub("", text)
    if not _MPAN_CORE.fullmatch(core):
        raise _invalid(Market.GB, text, "an MPAN core is exactly 13 digits")
    distributor_of(core)
    expected = mpan_check_digit(core[:12])
    if int(core[12]) != expected:
        raise _invalid(Market.GB, text, f"check digit is {core[12]}, expected {expected}")
    return core


@dataclass(frozen=True, slots=True)
class FullMpan:
    """A full 21-character MPAN: profile class, meter timeswitch code, line loss factor class, core.

    Only the structure is checked here (plus the core's own rules); whether a profile class, MTC or
    LLFC exists, or may be combined, is Market Domain Data, effective-dated.
    """

    profile_class: str
    meter_timeswitch_code: str
    line_loss_factor_class: str
    core: str

    @classmethod
    def parse(cls, text: str) -> FullMpan:
        compact = _WHITESPACE.sub("", text)
        match = _FULL_MPAN.fullmatch(compact)
        if match is None:
            raise _invalid(
                Market.GB,
                text,
                "a full MPAN is profile class (2 digits), MTC (3 digits), LLFC (3 of A-Z0-9) "
                "and the 13-digit core",
            )
        profile_class, mtc, llfc, core = match.groups()
        return cls(profile_class, mtc, llfc, _gb(core))

    @property
    def supply_point_id(self) -> SupplyPointId:
        return SupplyPointId(Market.GB, self.core)

    @property
    def distributor(self) -> Distributor:
        return distributor_of(self.core)


# --- AU: NMI ------------------------------------------------------------------------------------

#: NMI characters: digits and upper-case letters except I and O (read as 1 and 0).
_NMI = re.compile(r"[0-9A-HJ-NP-Z]{10}")


def nmi_checksum(nmi: str) -> int:
    """AEMO's NMI checksum ("Luhn 10 on ASCII codes") over the 10-character NMI.

    From the right, the ASCII code of every other character, starting with the rightmost, is
    doubled; the decimal digits of all the resulting numbers are summed; the checksum is
    ``(10 - sum mod 10) mod 10``. Confirmed against the worked examples of the NMI Procedure's
    checksum appendix as reproduced by several independent implementations (tests hold them).
    """
    if not _NMI.fullmatch(nmi):
        raise _invalid(Market.AU, nmi, "an NMI is 10 of 0-9 and A-Z without I and O")
    total = 0
    for position, char in enumerate(reversed(nmi)):
        code = ord(char) * (2 if position % 2 == 0 else 1)
        total += sum(int(digit) for digit in str(code))
    return (10 - total % 10) % 10


def _au(text: str) -> str:
    nmi = text.strip().upper()
    if len(nmi) not in (10, 11) or not _NMI.fullmatch(nmi[:10]):
        raise _invalid(
            Market.AU, text, "an NMI is 10 of 0-9 and A-Z without I or O, then an optional checksum"
        )
    if len(nmi) == 11:
        expected = nmi_checksum(nmi[:10])
        if nmi[10] != str(expected):
            raise _invalid(Market.AU, text, f"NMI checksum is {nmi[10]!r}, expected {expected}")
    # The identity is the 10-character NMI (as NEM12/13 files carry it): checked, then dropped.
    return nmi[:10]


# --- DE: MaLo-ID --------------------------------------------------------------------------------

_MALO_ID = re.compile(r"[1-9][0-9]{10}")


def malo_id_check_digit(first10: str) -> int:
    """The MaLo-ID check digit (BDEW): odd positions summed, even positions summed and doubled.

    With 1-based positions over the first ten digits,
    ``total = sum(d[1], d[3], d[5], d[7], d[9]) + 2 * sum(d[2], d[4], d[6], d[8], d[10])``
    and the check digit is ``(10 - total mod 10) mod 10``. Note the even-position *sum* is doubled,
    not each digit with its digits summed as in Luhn. Confirmed against ``bo4e`` (which quotes the
    BDEW Anwendungshilfe MaLo-ID v1.0) and BDEW's worked example 41373559241; the BDEW document
    itself was not read.
    """
    if not re.fullmatch(r"[0-9]{10}", first10):
        raise _invalid(Market.DE, first10, "the check digit needs exactly 10 leading digits")
    digits = [int(d) for d in first10]
    total = sum(digits[0::2]) + 2 * sum(digits[1::2])
    return (10 - total % 10) % 10


def _de(text: str) -> str:
    malo_id = _WHITESPACE.sub("", text)
    if not _MALO_ID.fullmatch(malo_id):
        raise _invalid(Market.DE, text, "a MaLo-ID is 11 digits, the first not 0")
    expected = malo_id_check_digit(malo_id[:10])
    if int(malo_id[10]) != expected:
        raise _invalid(Market.DE, text, f"check digit is {malo_id[10]}, expected {expected}")
    return malo_id


# --- OTHER --------------------------------------------------------------------------------------

MAX_OTHER_LENGTH = 64


def _other(text: str) -> str:
    value = text.strip()
    if not value:
        raise _invalid(Market.OTHER, text, "must not be empty")
    if len(value) > MAX_OTHER_LENGTH:
        raise _invalid(Market.OTHER, text, f"longer than {MAX_OTHER_LENGTH} characters")
    if not value.isprintable():
        raise _invalid(Market.OTHER, text, "contains non-printable characters")
    return value


_NORMALISERS: Mapping[Market, Callable[[str], str]] = MappingProxyType(
    {
        Market.GB: _gb,
        Market.AU: _au,
        Market.DE: _de,
        Market.OTHER: _other,
    }
)


@dataclass(frozen=True, slots=True)
class SupplyPointId:
    """A supply point's identity: its market and its normalised, valid identifier."""

    market: Market
    value: str

    def __post_init__(self) -> None:
        try:
            market = Market(self.market)
        except ValueError:
            raise InvalidSupplyPointError(f"unknown market {self.market!r}") from None
        object.__setattr__(self, "market", market)
        if not isinstance(self.value, str):
            raise _invalid(market, self.value, "must be text")
        if _NORMALISERS[market](self.value) != self.value:
            raise _invalid(market, self.value, "not in normal form (use SupplyPointId.parse)")

    @classmethod
    def parse(cls, market: Market | str, text: str) -> SupplyPointId:
        """Normalise ``text`` by the rules of ``market`` and validate it."""
        try:
            known = Market(market)
        except ValueError:
            raise InvalidSupplyPointError(f"unknown market {market!r} for {text!r}") from None
        if not isinstance(text, str):
            raise _invalid(known, text, "must be text")
        return cls(known, _NORMALISERS[known](text))

    def __str__(self) -> str:
        return self.value
