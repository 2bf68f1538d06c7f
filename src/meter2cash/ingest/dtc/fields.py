"""Reading one group line's fields by its layout: valid sets, exact numbers, UK clock time.

Decisions where the catalogue's formats leave room (every one visible in a rejection, never a guess):

* A value that is empty or only spaces is blank; a blank mandatory field rejects the line. Text is
  otherwise kept verbatim, inner and outer spaces included (``F75A 00802`` is a meter serial).
* Numbers, dates and codes are strict: no padding, no exponent, ASCII digits only.
* A date-time (``CCYYMMDDHHMMSS``) is wall-clock time in the layout's zone (UK clock time for DTC
  flows) and becomes an aware UTC instant here, once. A wall time that the clocks skip (spring
  forward, 01:00-01:59 on the last Sunday of March) does not exist and rejects the line; a wall time
  that occurs twice (01:00-01:59 on the last Sunday of October) is taken at its first occurrence
  (BST): the catalogue gives no way to tell the two apart, and a register read an hour early is the
  smaller harm than losing it. NHH readings are at midnight, which is never ambiguous.
* A field marked ``date_only: midnight`` also accepts a bare date ``CCYYMMDD`` as local midnight:
  the D0010 reading date-time of NHH readings "is always midnight" (J0016), so a date alone names
  the same instant and nothing is invented.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import TypeAlias

from meter2cash.ingest.dtc.grammar import FieldSpec, FieldType, GroupSpec
from meter2cash.ingest.dtc.reasons import DtcReason, Problem
from meter2cash.ingest.reasons import Reason

Value: TypeAlias = str | Decimal | int | date | datetime | None

_DECIMAL = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_DIGITS = re.compile(r"[0-9]+")


def read_fields(spec: GroupSpec, values: Sequence[str], zone: tzinfo) -> dict[str, Value] | Problem:
    """The line's values by field name, or the first problem in field order.

    ``values`` are the pipe-separated fields after the group id, without the empty string that the
    line's closing ``|`` leaves. Missing trailing fields read as blank.
    """
    fields = spec.fields
    declared = len(fields)
    given = len(values)
    if given > declared and any(v.strip() for v in values[declared:]):
        return Problem(
            Reason.TOO_MANY_FIELDS,
            f"group {spec.id} has {declared} fields; this line has non-blank fields after them",
        )
    if given < declared:
        values = [*values, *[""] * (declared - given)]
    read: dict[str, Value] = {}
    for index, (field, text) in enumerate(zip(fields, values, strict=False)):
        if not text or text.isspace():
            if field.mandatory:
                return Problem(
                    Reason.MISSING_FIELDS,
                    f"group {spec.id}: mandatory {_label(field)} (field {index + 1}) is blank",
                )
            read[field.name] = None
        elif field.type is FieldType.TEXT and field.max_length is None:
            read[field.name] = text  # the common case, verbatim
        else:
            value = _read(field, text, zone)
            if isinstance(value, Problem):
                return Problem(value.reason, f"group {spec.id}: {_label(field)} {value.message}")
            read[field.name] = value
    return read


def _read(field: FieldSpec, text: str, zone: tzinfo) -> Value | Problem:
    kind = field.type
    if kind is FieldType.TEXT:
        if field.max_length is not None and len(text) > field.max_length:
            return Problem(
                DtcReason.FIELD_TOO_LONG,
                f"{text!r} is {len(text)} characters; at most {field.max_length}",
            )
        return text
    if kind is FieldType.ENUM:
        if text in field.values:
            return text
        return Problem(DtcReason.BAD_CODE, f"{text!r} is not one of {', '.join(field.values)}")
    if kind is FieldType.DATETIME:
        return _instant(text, zone, field.date_only_midnight)
    if kind is FieldType.DATE:
        return _date(text) or Problem(Reason.BAD_DATE, f"{text!r} is not a date CCYYMMDD")
    if kind is FieldType.DECIMAL:
        if _DECIMAL.fullmatch(text):
            return Decimal(text)
        return Problem(Reason.BAD_VALUE, f"{text!r} is not a decimal number")
    if _DIGITS.fullmatch(text):
        return int(text)
    return Problem(Reason.BAD_VALUE, f"{text!r} is not a whole number")


@lru_cache(maxsize=8192)
def _instant(text: str, zone: tzinfo, date_only: bool) -> datetime | Problem:
    """Cached: a file repeats the same few reading dates thousands of times."""
    if date_only and len(text) == 8:
        text += "000000"
    if len(text) != 14 or not _DIGITS.fullmatch(text):
        expected = "CCYYMMDDHHMMSS" + (" or CCYYMMDD" if date_only else "")
        return Problem(Reason.BAD_DATE, f"{text!r} is not a date-time {expected}")
    try:
        local = datetime(
            int(text[:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:]),
            tzinfo=zone,
        )
    except ValueError:
        return Problem(Reason.BAD_DATE, f"{text!r} is not a valid date-time")
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return Problem(
            Reason.BAD_DATE,
            f"{text!r} does not exist in {zone}: the clocks went forward over that time",
        )
    return instant


@lru_cache(maxsize=4096)
def _date(text: str) -> date | None:
    if len(text) != 8 or not _DIGITS.fullmatch(text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _label(field: FieldSpec) -> str:
    title = field.title or field.name
    return f"{title} ({field.item})" if field.item else title
