"""Field-level reading of the NEM12 records that carry interval values: 200 and 300.

Record layouts implemented (AEMO *Meter Data File Format Specification NEM12 & NEM13*, "MDFF"):

    200,NMI,NMIConfiguration,RegisterID,NMISuffix,MDMDataStreamIdentifier,MeterSerialNumber,UOM,
        IntervalLength,NextScheduledReadDate
    300,IntervalDate,IntervalValue1 . . . IntervalValueN,QualityMethod,ReasonCode,
        ReasonDescription,UpdateDateTime,MSATSLoadDateTime

A 300 record's N = 1440 / IntervalLength values tile its local day from 00:00 in NEM market time
(fixed UTC+10). Problems are returned as :class:`Problem` values, never raised: the parser turns
them into rejections and carries on with the next record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Context, Decimal, Inexact, InvalidOperation
from functools import lru_cache
from itertools import repeat

from meter2cash.domain.errors import DomainError, PrecisionError
from meter2cash.domain.quantity import Unit, normalise_unit, to_micro
from meter2cash.domain.reads import ChannelDay, Direction, SourceRef
from meter2cash.ingest.items import Problem
from meter2cash.ingest.nem12.quality import QUALITY_METHOD_SHAPE, QUALITY_METHODS_300, Event, Flags
from meter2cash.ingest.reasons import Reason

MINUTES_PER_DAY = 1440
INTERVAL_LENGTHS = frozenset({5, 10, 15, 30})

#: NMISuffix first letter -> direction. The common convention (E/B active import/export, Q/K
#: reactive import/export); not verified against AEMO's NMI Procedure here: anything else is OTHER.
DIRECTIONS = {
    "E": Direction.IMPORT,
    "B": Direction.EXPORT,
    "Q": Direction.REACTIVE_IMPORT,
    "K": Direction.REACTIVE_EXPORT,
}

# Interval values are MDFF "Numeric": digits, an optional point and sign. Deleting those characters
# from the joined values of a record leaves nothing when all are well-formed — one C-level pass per
# record, where Decimal alone would also accept "NaN", "1e3", "1_000" and Unicode digits.
_NOT_NUMERIC = str.maketrans("", "", "0123456789.-,")
# Context for exact unit conversion: traps rather than rounds if a value has absurdly many digits.
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])


@dataclass(frozen=True, slots=True)
class Block:
    """A 200 record: the data stream (NMI + suffix) that the 300 records after it belong to.

    A block with a ``problem`` yields no reads; its 300 records are still checked so that each gets
    its own precise reason, or ``BLOCK_REJECTED`` when the record itself is sound. Without a usable
    ``interval_minutes`` the 300 records cannot even be checked.
    """

    line: int
    nmi: str
    suffix: str
    meter_serial: str | None
    source_unit: str
    unit: Unit | None
    factor: Decimal | None
    interval_minutes: int | None
    problem: Problem | None

    @classmethod
    def rejected(cls, line: int, problem: Problem) -> Block:
        """A block known only to be unusable: its 300 records are rejected unchecked."""
        return cls(line, "", "", None, "", None, None, None, problem)

    @property
    def direction(self) -> Direction:
        return DIRECTIONS.get(self.suffix[:1], Direction.OTHER)


@dataclass(slots=True)
class Day:
    """A sound 300 record, held until the records after it show whether 400 events complete it."""

    line: int
    text: str
    read_on: date
    values: tuple[Decimal, ...]
    quality_method: str
    reason: str | None
    events: list[Event] = field(default_factory=list)


def parse_200(fields: list[str], line: int) -> Block:
    """Read a 200 record; checks run in field order and the first failure is the block's problem."""
    if len(fields) < 9:
        return Block.rejected(
            line,
            Problem(
                Reason.MISSING_FIELDS,
                f"200 record has {len(fields)} fields; NMI..IntervalLength need at least 9",
            ),
        )
    nmi, suffix = fields[1].strip(), fields[4].strip()
    source_unit, length_text = fields[7].strip(), fields[8].strip()
    problem: Problem | None = None
    if not (len(nmi) == 10 and nmi.isascii() and nmi.isalnum()):
        problem = Problem(Reason.INVALID_NMI, f"NMI {nmi!r} is not 10 letters or digits")
    elif not (len(suffix) == 2 and suffix.isascii() and suffix.isalnum()):
        problem = Problem(Reason.INVALID_SUFFIX, f"NMISuffix {suffix!r} is not 2 letters or digits")
    interval_minutes = _number(length_text)
    if interval_minutes not in INTERVAL_LENGTHS:
        interval_minutes = None
        problem = problem or Problem(
            Reason.INVALID_INTERVAL_LENGTH,
            f"IntervalLength {length_text!r} is not one of 5, 10, 15, 30 minutes",
        )
    try:
        unit, factor = normalise_unit(source_unit)
    except DomainError:
        unit, factor = None, None
        problem = problem or Problem(
            Reason.UNKNOWN_UNIT, f"UOM {source_unit!r} of suffix {suffix!r} is not an energy unit"
        )
    return Block(
        line,
        nmi,
        suffix,
        fields[6].strip() or None,
        source_unit,
        unit,
        factor,
        interval_minutes,
        problem,
    )


def parse_300(fields: list[str], block: Block, line: int, text: str) -> Day | Problem:
    """Read a 300 record of ``block`` (its interval length known) into exact canonical values."""
    assert block.interval_minutes is not None
    count = MINUTES_PER_DAY // block.interval_minutes
    at = count + 2  # index of QualityMethod
    n_fields = len(fields)
    quality_method = fields[at] if n_fields > at else ""
    if quality_method not in QUALITY_METHODS_300:
        return _misplaced_quality(fields, count, block.interval_minutes)
    read_on = _date8(fields[1])
    if read_on is None:
        return Problem(Reason.BAD_DATE, f"IntervalDate {fields[1]!r} is not a date YYYYMMDD")
    if n_fields - at < 4:
        return Problem(
            Reason.MISSING_FIELDS,
            f"300 record for {read_on} ends after {n_fields - at} of QualityMethod, ReasonCode, "
            "ReasonDescription, UpdateDateTime (MSATSLoadDateTime optional)",
        )
    if n_fields - at > 5 and any(f.strip() for f in fields[at + 5 :]):
        return Problem(
            Reason.TOO_MANY_FIELDS, f"300 record for {read_on} has fields after MSATSLoadDateTime"
        )
    raw = fields[2:at]
    joined = ",".join(raw)
    try:
        if joined.translate(_NOT_NUMERIC):
            raise InvalidOperation
        values = tuple(map(Decimal, raw))
        if block.factor is not None and block.factor != 1:
            values = tuple(map(_EXACT.multiply, values, repeat(block.factor)))
    except (InvalidOperation, Inexact):
        return _bad_value(raw, read_on)
    if block.factor is not None and _too_many_decimals(block.factor).search(joined):
        problem = _precision_problem(values, raw, read_on, block)
        if problem:
            return problem
    reason = fields[at + 1].strip() or None
    return Day(line, text, read_on, values, quality_method, reason)


def channel_day(day: Day, flags: Flags, block: Block, source: SourceRef) -> ChannelDay:
    """The canonical channel-day of a sound day in a sound block."""
    assert block.unit is not None and block.interval_minutes is not None
    qualities, methods, reasons, source_flags = flags
    return ChannelDay(
        supply_point_id=block.nmi,
        market="AU",
        channel=block.suffix,
        direction=block.direction,
        unit=block.unit,
        read_on=day.read_on,
        zone="NEM",
        interval_minutes=block.interval_minutes,
        values=day.values,
        qualities=qualities,
        methods=methods,
        reasons=reasons,
        source=source,
        source_unit=block.source_unit,
        source_flags=source_flags,
        meter_serial=block.meter_serial,
    )


def _misplaced_quality(fields: list[str], count: int, minutes: int) -> Problem:
    """Say why QualityMethod is not where ``count`` values put it (only runs on bad records)."""
    found = next(
        (i for i in range(2, len(fields)) if QUALITY_METHOD_SHAPE.fullmatch(fields[i])), None
    )
    at = count + 2
    if found is None and len(fields) > at and fields[at].translate(_NOT_NUMERIC):
        found = at  # not a value where QualityMethod belongs: a bad flag rather than a count
    if found is None:
        return Problem(
            Reason.MISSING_FIELDS,
            f"300 record has no QualityMethod after its values (expected {count} values for "
            f"{minutes}-minute intervals)",
        )
    if found == at:
        return Problem(
            Reason.BAD_QUALITY_METHOD,
            f"QualityMethod {fields[found]!r} is not A, N, V or E/F/S with a 2-digit method",
        )
    return Problem(
        Reason.INTERVAL_COUNT_MISMATCH,
        f"expected {count} interval values for {minutes}-minute intervals, found {found - 2}",
    )


def _bad_value(raw: list[str], read_on: date) -> Problem:
    for k, text in enumerate(raw, start=1):
        if text.translate(_NOT_NUMERIC) or not _is_decimal(text):
            return Problem(
                Reason.BAD_VALUE,
                f"300 record for {read_on}: interval {k} value {text!r} is not a decimal number",
            )
    return Problem(Reason.BAD_VALUE, f"300 record for {read_on}: a value has too many digits")


def _is_decimal(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _precision_problem(
    values: tuple[Decimal, ...], raw: list[str], read_on: date, block: Block
) -> Problem | None:
    """The exact check behind the textual pre-check: "1.0000000" kWh has 7 digits but is exact."""
    for k, value in enumerate(values):
        try:
            to_micro(value)
        except PrecisionError:
            return Problem(
                Reason.PRECISION_EXCEEDED,
                f"300 record for {read_on}: interval {k + 1} value {raw[k]} {block.source_unit} "
                f"has more than 6 decimal places of {block.unit}",
            )
    return None


@lru_cache(maxsize=8)
def _too_many_decimals(factor: Decimal) -> re.Pattern[str]:
    """A pattern that finds a value with more source decimals than 6 canonical ones allow."""
    allowed = max(6 + factor.adjusted(), 0)
    return re.compile(rf"\.\d{{{allowed + 1}}}")


def _number(text: str) -> int | None:
    """A plain ASCII integer (``isdecimal`` alone would also take full-width and other digits)."""
    return int(text) if text.isascii() and text.isdecimal() else None


@lru_cache(maxsize=4096)
def _date8(text: str) -> date | None:
    """MDFF Date(8), ``CCYYMMDD``; cached because a file repeats the same few dates per NMI."""
    if len(text) != 8 or not text.isdecimal() or not text.isascii():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
