"""NEM12 QualityMethod and the 400 interval event record: the quality of each interval of a day.

Record layout implemented (AEMO *Meter Data File Format Specification NEM12 & NEM13*, "MDFF"):

    400,StartInterval,EndInterval,QualityMethod,ReasonCode,ReasonDescription

A 300 record's QualityMethod applies to its whole day unless it is ``V`` (variable): then the 400
records after it give each interval (numbered from 1) its quality, and together they must cover
every interval of the day exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from meter2cash.domain.reads import Quality
from meter2cash.ingest.items import Problem
from meter2cash.ingest.reasons import Reason

#: Quality flag (first character of QualityMethod) -> canonical quality. ``V`` (variable) is not a
#: quality of its own: it says the per-interval qualities follow in 400 records.
QUALITIES = {
    "A": Quality.ACTUAL,
    "E": Quality.ESTIMATED,
    "F": Quality.FINAL,
    "S": Quality.SUBSTITUTED,
    "N": Quality.NULL,
}

# QualityMethod is the quality flag plus a two-digit method flag. As we read the MDFF, the method
# flag is required for E, F and S (how the value was estimated/substituted) and does not apply to
# A, N and V; V may not appear in a 400 record. A set of every valid token makes the check O(1).
_METHODS = [f"{n:02d}" for n in range(100)]
QUALITY_METHODS_400 = frozenset(["A", "N"] + [f + m for f in "EFS" for m in _METHODS])
QUALITY_METHODS_300 = QUALITY_METHODS_400 | {"V"}
QUALITY_METHOD_SHAPE = re.compile(r"[AEFSNV]\d{0,2}")

Flags = tuple[tuple[Quality, ...], tuple[str | None, ...], tuple[str | None, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Event:
    """A 400 record: the quality of intervals ``start..end`` (1-based, inclusive) of a V day."""

    line: int
    start: int
    end: int
    quality_method: str
    reason: str | None


def parse_400(fields: list[str], line: int) -> Event | Problem:
    if len(fields) < 4:
        return Problem(
            Reason.MISSING_FIELDS,
            f"400 record has {len(fields)} fields; StartInterval..QualityMethod need 4",
        )
    if len(fields) > 6 and any(f.strip() for f in fields[6:]):
        return Problem(Reason.TOO_MANY_FIELDS, "400 record has fields after ReasonDescription")
    start_text, end_text, quality_method = fields[1].strip(), fields[2].strip(), fields[3].strip()
    plain = (start_text + end_text).isascii()  # isdecimal alone takes full-width digits too
    if not (plain and start_text.isdecimal() and end_text.isdecimal()):
        return Problem(
            Reason.BAD_400_RECORD,
            f"StartInterval {start_text!r} / EndInterval {end_text!r} are not interval numbers",
        )
    start, end = int(start_text), int(end_text)
    if not 1 <= start <= end:
        return Problem(Reason.BAD_400_RECORD, f"interval range {start}-{end} is empty or below 1")
    if quality_method not in QUALITY_METHODS_400:
        return Problem(
            Reason.BAD_400_RECORD,
            f"QualityMethod {quality_method!r} is not A, N or E/F/S with a 2-digit method",
        )
    reason = fields[4].strip() if len(fields) > 4 else ""
    return Event(line, start, end, quality_method, reason or None)


def interval_flags(
    quality_method: str, reason: str | None, events: list[Event], count: int, read_on: date
) -> Flags | Problem:
    """Per-interval (qualities, methods, reasons, source flags) of a 300 record and its 400s."""
    if quality_method != "V":
        flag, method = quality_method[0], quality_method[1:] or None
        return (
            (QUALITIES[flag],) * count,
            (method,) * count,
            (reason,) * count,
            (quality_method,) * count,
        )
    events = sorted(events, key=lambda event: event.start)
    problem = _coverage_problem(events, count, read_on)
    if problem:
        return problem
    qualities: tuple[Quality, ...] = ()
    methods: tuple[str | None, ...] = ()
    reasons: tuple[str | None, ...] = ()
    flags: tuple[str, ...] = ()
    for event in events:
        span = event.end - event.start + 1
        qualities += (QUALITIES[event.quality_method[0]],) * span
        methods += (event.quality_method[1:] or None,) * span
        reasons += (event.reason,) * span
        flags += (event.quality_method,) * span
    return qualities, methods, reasons, flags


def _coverage_problem(events: list[Event], count: int, read_on: date) -> Problem | None:
    """MDFF: the 400 records of a V day give every interval its quality exactly once."""

    def problem(detail: str) -> Problem:
        return Problem(Reason.BAD_400_COVERAGE, f"V (variable) day {read_on}: {detail}")

    if not events:
        return problem(f"no 400 records follow to give intervals 1-{count} their quality")
    expected = 1
    for event in events:
        if event.start > expected:
            return problem(f"intervals {expected}-{event.start - 1} are in no 400 record")
        if event.start < expected:
            return problem(
                f"400 record at line {event.line} ({event.start}-{event.end}) overlaps "
                "intervals already covered"
            )
        if event.end > count:
            return problem(
                f"400 record at line {event.line} ends at interval {event.end}; the day has {count}"
            )
        expected = event.end + 1
    if expected <= count:
        return problem(f"intervals {expected}-{count} are in no 400 record")
    return None
