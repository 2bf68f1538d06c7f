"""Field-level reading of the NEM13 250 record (accumulation meter data) and its Quantity check.

Record layout implemented (AEMO *Meter Data File Format Specification NEM12 & NEM13*, "MDFF")::

    250,NMI,NMIConfiguration,RegisterID,NMISuffix,MDMDataStreamIdentifier,MeterSerialNumber,
        DirectionIndicator,PreviousRegisterRead,PreviousRegisterReadDateTime,PreviousQualityMethod,
        PreviousReasonCode,PreviousReasonDescription,CurrentRegisterRead,
        CurrentRegisterReadDateTime,CurrentQualityMethod,CurrentReasonCode,
        CurrentReasonDescription,Quantity,UOM,NextScheduledReadDate,UpdateDateTime,MSATSLoadDateTime

The field order is verified against two independent readers (``nemreader`` 0.9.2
``parse_250_row``; ``alg0s/nem`` ``reader/parser/map.py``) and AEMO's 61 published NEM13 example
files; the spec text itself was not available, so the rules below that go beyond field order are
ours, each said where it is made. Read date-times are DateTime(14) ``CCYYMMDDhhmmss`` in NEM market
time (fixed UTC+10). UpdateDateTime and MSATSLoadDateTime are carried by no canonical field and are
not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Context, Decimal, Inexact, InvalidOperation
from functools import lru_cache

from meter2cash.domain.errors import DomainError, PrecisionError
from meter2cash.domain.quantity import Unit, normalise_unit, to_micro
from meter2cash.domain.supply_point import Market, SupplyPointId
from meter2cash.domain.time import NEM_TIME
from meter2cash.ingest.nem12.quality import QUALITY_METHODS_400
from meter2cash.ingest.nem13.reasons import Nem13Reason, Problem
from meter2cash.ingest.reasons import Reason

FIELDS = 23  # with MSATSLoadDateTime, which may be absent: 22 fields are enough
_REQUIRED = 22
#: A register reading: digits with an optional decimal point (a dial shows no sign).
_READING = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_QUANTITY = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])


@dataclass(frozen=True, slots=True)
class Read:
    """One side of a 250 record: the previous or the current register read."""

    text: str  # as written, leading zeros and all: they show how many dials the register has
    value: Decimal  # canonical unit
    read_at: datetime
    quality_method: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class Accumulation:
    """A sound 250 record."""

    line: int
    text: str
    nmi: str
    suffix: str
    register_id: str
    meter_serial: str
    direction: str  # "I" or "E"
    previous: Read | None
    current: Read
    quantity_text: str
    unit: Unit
    source_unit: str


def parse_250(fields: list[str], line: int, text: str) -> Accumulation | Problem:
    """Read a 250 record; the first problem found, in field order, is the record's rejection."""
    if len(fields) < _REQUIRED:
        return Problem(
            Reason.MISSING_FIELDS,
            f"250 record has {len(fields)} fields; RecordIndicator..UpdateDateTime need {_REQUIRED}",
        )
    if len(fields) > FIELDS and any(f.strip() for f in fields[FIELDS:]):
        return Problem(Reason.TOO_MANY_FIELDS, "250 record has fields after MSATSLoadDateTime")
    nmi_text, suffix = fields[1].strip(), fields[4].strip()
    try:
        nmi = SupplyPointId.parse(Market.AU, nmi_text).value
    except DomainError as exc:
        return Problem(Reason.INVALID_NMI, str(exc))
    if not (len(suffix) == 2 and suffix.isascii() and suffix.isalnum()):
        return Problem(Reason.INVALID_SUFFIX, f"NMISuffix {suffix!r} is not 2 letters or digits")
    direction = fields[7].strip()
    if direction not in ("I", "E"):
        return Problem(
            Nem13Reason.BAD_DIRECTION,
            f"DirectionIndicator {direction!r} is not I (import to the network) or E (export from it)",
        )
    source_unit = fields[19].strip()
    try:
        unit, factor = normalise_unit(source_unit)
    except DomainError:
        return Problem(Reason.UNKNOWN_UNIT, f"UOM {source_unit!r} is not an energy unit")
    previous: Read | None = None
    if any(f.strip() for f in fields[8:13]):  # a first read of a new register has no previous
        found = _read(fields[8:13], "Previous", factor)
        if isinstance(found, Problem):
            return found
        previous = found
    current = _read(fields[13:18], "Current", factor)
    if isinstance(current, Problem):
        return current
    quantity_text = fields[18].strip()
    if quantity_text and not _QUANTITY.fullmatch(quantity_text):
        return Problem(Reason.BAD_VALUE, f"Quantity {quantity_text!r} is not a decimal number")
    return Accumulation(
        line,
        text,
        nmi,
        suffix,
        fields[3].strip(),
        fields[6].strip(),
        direction,
        previous,
        current,
        quantity_text,
        unit,
        source_unit,
    )


def _read(fields: list[str], side: str, factor: Decimal) -> Read | Problem:
    """``fields``: RegisterRead, RegisterReadDateTime, QualityMethod, ReasonCode, Description."""
    text, when, quality_method, reason = (f.strip() for f in fields[:4])
    if not _READING.fullmatch(text):
        return Problem(Reason.BAD_VALUE, f"{side}RegisterRead {text!r} is not a register reading")
    read_at = _datetime14(when)
    if read_at is None:
        return Problem(
            Reason.BAD_DATE, f"{side}RegisterReadDateTime {when!r} is not CCYYMMDDhhmmss"
        )
    if quality_method not in QUALITY_METHODS_400:
        return Problem(
            Reason.BAD_QUALITY_METHOD,
            f"{side}QualityMethod {quality_method!r} is not A, N or E/F/S with a 2-digit method",
        )
    try:
        value = _EXACT.multiply(Decimal(text), factor)
        to_micro(value)
    except (Inexact, InvalidOperation, PrecisionError):
        return Problem(
            Reason.PRECISION_EXCEEDED,
            f"{side}RegisterRead {text} has more than 6 decimal places of the canonical unit",
        )
    return Read(text, value, read_at, quality_method, reason or None)


@lru_cache(maxsize=4096)
def _datetime14(text: str) -> datetime | None:
    """DateTime(14) in NEM time as UTC; cached, as a file's reads share a few read times."""
    if len(text) != 14 or not (text.isascii() and text.isdecimal()):
        return None
    try:
        local = datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:]),
            tzinfo=NEM_TIME,
        )
    except ValueError:
        return None
    return local.astimezone(UTC)


def quantity_problem(record: Accumulation) -> str | None:
    """Why Quantity does not follow from the two reads, or None when it does (or cannot be checked).

    Quantity is checked in the file's own unit, exactly, with no rounding allowed. Explained are:
    ``Current - Previous``; for a register that passed its maximum, that plus ``10**dials``, where
    ``dials`` is the digits before the point in the wider of the two reads as written (MDFF zero-pads
    reads to the register's dials; the dial count is not otherwise in the file, so this is an
    inference); and, for an ``I`` register, the same magnitudes with Quantity negative: AEMO's own
    scenario-12 samples write energy imported to the network as a negative Quantity whether the
    register counts up (CNRGYMDP, ETSAMDP, TCAUSTM) or down (INTEGM, AGILITY, UNITEDDP).
    """
    previous = record.previous
    if previous is None or not record.quantity_text:
        return None  # nothing to check against (a first read; a null Quantity)
    quantity = Decimal(record.quantity_text)
    current = record.current
    advance = Decimal(current.text) - Decimal(previous.text)
    dials = max(_dials(previous.text), _dials(current.text))
    wrap = Decimal(10) ** dials
    explained = {advance}
    if advance < 0:
        explained.add(advance + wrap)  # rolled over its maximum, counting up
    if record.direction == "I":
        explained.add(-advance)
        if advance < 0:
            explained.add(-(advance + wrap))
        else:
            explained.add(advance - wrap)  # counting down, rolled under zero
    if quantity in explained:
        return None
    rollover = f", or {advance + wrap} after a {dials}-dial rollover" if advance < 0 else ""
    sign = " (or their negatives for an I register)" if record.direction == "I" else ""
    return (
        f"Quantity {record.quantity_text} {record.source_unit} is not CurrentRegisterRead "
        f"{current.text} - PreviousRegisterRead {previous.text} = {advance}{rollover}{sign}; "
        "both reads are kept"
    )


def _dials(text: str) -> int:
    return len(text.split(".", 1)[0])
