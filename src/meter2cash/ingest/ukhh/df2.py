"""Stark DF2: a UK half-hourly data collector export, one file per delivery, text lines.

Layout implemented, as read by the only public implementation found, WessexWater/chellow
``chellow/e/hh_parser_df2.py`` and its test ``test/e/test_hh_parser_df2.py`` (no Stark
specification was available; everything below is from that code and must be read as such)::

    #F2                                   format marker, first line
    #O <MPAN core>[-<anything>]           outstation: the MPAN core of the rows that follow
    #S <sensor>                           sensor (channel) 1-4 of the rows that follow
    dd/mm/yyyy,HH:MM[:SS],<value>,<status>   one half-hour, labelled by its END time

* Times are period-ending (chellow subtracts 30 minutes for the start) and, in chellow, **UTC**:
  its test reads ``16/04/2024,00:30`` (a BST date) as 00:00-00:30 UTC. That matches the BSC Codes
  of Practice, which keep half-hourly meter clocks on UTC, so UTC is this parser's default. A
  writer that uses UK clock time instead can be read with ``df2_parser(clock="Europe/London")``;
  then the autumn hour that happens twice is told apart by row order (``csvmap/clock.py``: the
  first "01:30" of 27/10/2024 is BST, one after it GMT) and a time inside the skipped spring hour
  is rejected. [UNVERIFIED which clock Stark writes; the October behaviour is ours.]
* Sensors, per chellow's map ``{1: ACTIVE, 2: ACTIVE, 3: REACTIVE_IMP, 4: REACTIVE_EXP}``, where
  chellow takes import/export of active energy from the MPAN (a GB export has its own MPAN). Read
  here as the usual four-channel half-hourly meter order: 1 active import ("AI", kWh), 2 active
  export ("AE", kWh), 3 reactive import ("RI", kVArh), 4 reactive export ("RE", kVArh).
  [UNVERIFIED: sensor 2 as export, and the units, which a DF2 file does not state.]
* Status: chellow keeps the last character; ``A`` -> ``Quality.ACTUAL``, ``E`` ->
  ``Quality.ESTIMATED`` (chellow's two statuses); anything else is rejected (``BAD_STATUS``). The
  whole status text is kept in ``source_flags``.
* ``#O`` and ``#S`` set state for the rows after them; a new ``#O`` keeps the sensor (as chellow).
  A row under an invalid ``#O``/``#S`` is rejected (``BLOCK_REJECTED``) naming that line.

Rows become Europe/London channel-days (46/48/50 half-hours) through the shared day assembler:
half-hours a file does not deliver are ``None``/``Quality.MISSING``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import IO

from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, Quality
from meter2cash.domain.supply_point import Market, SupplyPointId
from meter2cash.domain.time import UK_TIME, zone_named
from meter2cash.ingest.csvmap.clock import Ambiguous, to_instant
from meter2cash.ingest.csvmap.days import DayAssembler, Series
from meter2cash.ingest.csvmap.parser import Parser
from meter2cash.ingest.csvmap.reasons import Rejects
from meter2cash.ingest.items import BOM, ParsedItem, undecodable
from meter2cash.ingest.reasons import Reason
from meter2cash.ingest.textio import text_lines
from meter2cash.ingest.ukhh.reasons import UkhhReason

__all__ = ["SENSORS", "df2_parser", "parse", "recognises"]

ZONE = "Europe/London"
HALF_HOUR = timedelta(minutes=30)
#: DF2 sensor -> (channel, direction, unit, unit text); see the module docstring for the evidence.
SENSORS: dict[int, tuple[str, Direction, Unit, str]] = {
    1: ("AI", Direction.IMPORT, Unit.KWH, "kWh"),
    2: ("AE", Direction.EXPORT, Unit.KWH, "kWh"),
    3: ("RI", Direction.REACTIVE_IMPORT, Unit.KVARH, "kVArh"),
    4: ("RE", Direction.REACTIVE_EXPORT, Unit.KVARH, "kVArh"),
}
_STATUSES = {"A": Quality.ACTUAL, "E": Quality.ESTIMATED}
_ROW = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")


def recognises(first_line: str, head: str, file_name: str) -> bool:
    """A DF2 file's first line is exactly ``#F2``."""
    return first_line.strip().removeprefix(BOM).upper() == "#F2"


def df2_parser(clock: str = "UTC") -> Parser:
    """A DF2 parser whose times are in ``clock``: "UTC" (default) or "Europe/London"."""
    zone = zone_named(clock)

    def parse(
        binary: IO[bytes], file_id: str, file_name: str, segment: str | None = None
    ) -> Iterator[ParsedItem]:
        with text_lines(binary) as lines:
            yield from parse_lines(lines, file_id, file_name, segment, zone)

    return parse


def parse_lines(
    lines: Iterable[str],
    file_id: str,
    file_name: str,
    segment: str | None = None,
    clock: tzinfo = UTC,
) -> Iterator[ParsedItem]:
    """The items of a DF2 file's text lines (line numbers from 1, blank lines counted)."""
    return _Reader(Rejects(file_id, file_name, segment), clock).read(lines)


parse = df2_parser()


class _Reader:
    def __init__(self, reject: Rejects, clock: tzinfo) -> None:
        self.reject = reject
        self.clock = clock
        self.days = DayAssembler(ZONE, 30, reject)
        self.core: str | None = None
        self.core_line = 0  # line of the #O in force (0: none yet)
        self.sensor: int | None = None
        self.sensor_line = 0

    def read(self, lines: Iterable[str]) -> Iterator[ParsedItem]:
        reject = self.reject
        records = rows = 0
        for line_no, line in enumerate(lines, start=1):
            text = line.strip()
            if line_no == 1:
                text = text.removeprefix(BOM).strip()
            if not text:
                continue
            records += 1
            upper = text.upper()
            if records == 1 and upper != "#F2":
                yield reject(
                    line_no,
                    Reason.MISSING_HEADER,
                    "the file does not start with #F2; its lines are read as DF2",
                    text,
                )
            if undecodable(text):
                rows += not upper.startswith("#")
                yield self._undecodable(line_no, upper, text)
            elif upper.startswith("#F2"):
                continue  # the marker; chellow skips a repeated one too
            elif upper.startswith("#O"):
                problem = self._outstation(line_no, text)
                if problem:
                    yield reject(line_no, UkhhReason.INVALID_MPAN, problem, text)
            elif upper.startswith("#S"):
                problem = self._sensor(line_no, text)
                if problem:
                    yield reject(line_no, UkhhReason.BAD_SENSOR, problem, text)
            elif upper.startswith("#"):
                yield reject(
                    line_no, Reason.UNKNOWN_RECORD, "DF2 lines start #F2, #O, #S or a date", text
                )
            else:
                rows += 1
                yield from self._row(line_no, text)
        yield from self.days.finish()
        if records == 0:
            yield reject(1, Reason.EMPTY_FILE, "the file has no lines", "")
        elif rows == 0:
            yield reject(1, Reason.NO_DATA, "no half-hour rows in the file", "")

    def _outstation(self, line: int, text: str) -> str | None:
        self.core_line = line
        candidate = text[2:].split("-", 1)[0].strip()
        try:
            self.core = SupplyPointId.parse(Market.GB, candidate).value
        except DomainError as exc:
            self.core = None
            return str(exc)
        return None

    def _sensor(self, line: int, text: str) -> str | None:
        self.sensor_line = line
        number = text[2:].strip()
        if number.isascii() and number.isdecimal() and int(number) in SENSORS:
            self.sensor = int(number)
            return None
        self.sensor = None
        return f"sensor {number!r} is not 1-4 (active import/export, reactive import/export)"

    def _undecodable(self, line: int, upper: str, text: str) -> ParsedItem:
        if upper.startswith("#O"):
            self.core, self.core_line = None, line
        elif upper.startswith("#S"):
            self.sensor, self.sensor_line = None, line
        return self.reject(line, Reason.BAD_ENCODING, "line is not valid UTF-8", text)

    def _row(self, line: int, text: str) -> Iterator[ParsedItem]:
        reject = self.reject
        if self.core_line == 0 or self.sensor_line == 0:
            yield reject(line, Reason.ORPHAN_RECORD, "a row before its #O and #S lines", text)
            return
        if self.core is None or self.sensor is None:
            which = self.core_line if self.core is None else self.sensor_line
            yield reject(
                line, Reason.BLOCK_REJECTED, f"the line {which} it belongs to was rejected", text
            )
            return
        fields = [field.strip() for field in text.split(",")]
        if len(fields) != 4:
            reason = Reason.MISSING_FIELDS if len(fields) < 4 else Reason.TOO_MANY_FIELDS
            yield reject(line, reason, f"{len(fields)} fields; date,time,value,status are 4", text)
            return
        date_text, time_text, value_text, status = fields
        end = _end(date_text, time_text, self.clock)
        if isinstance(end, tuple):
            yield reject(line, end[0], end[1], text)
            return
        if not _NUMBER.fullmatch(value_text):
            yield reject(line, Reason.BAD_VALUE, f"value {value_text!r} is not a number", text)
            return
        quality = _STATUSES.get(status[-1:].upper())
        if quality is None:
            yield reject(line, UkhhReason.BAD_STATUS, f"status {status!r} is not A or E", text)
            return
        series = _series(self.core, self.sensor)
        if isinstance(end, datetime):
            start = end - HALF_HOUR
        else:
            latest = self.days.latest_start(series, end.first.astimezone(UK_TIME).date())
            start = end.pick(None if latest is None else latest + HALF_HOUR) - HALF_HOUR
        yield from self.days.add(line, text, series, start, Decimal(value_text), quality, status)


@lru_cache(maxsize=65_536)
def _series(core: str, sensor: int) -> Series:
    channel, direction, unit, unit_text = SENSORS[sensor]
    return Series(core, "GB", channel, direction, unit, unit_text)


@lru_cache(maxsize=65_536)
def _end(date_text: str, time_text: str, clock: tzinfo) -> datetime | Ambiguous | tuple[str, str]:
    """The UTC end of a half-hour, the two it may be (UK clock), or (reason, message); cached:
    every MPAN of a file repeats the same labels."""
    day = _ROW.fullmatch(date_text)
    hhmm = _TIME.fullmatch(time_text)
    if day is None:
        return Reason.BAD_DATE, f"date {date_text!r} is not dd/mm/yyyy"
    if hhmm is None or (hhmm[3] or "00") != "00":
        return UkhhReason.BAD_TIME, f"time {time_text!r} is not HH:MM (seconds, if given, zero)"
    try:
        naive = datetime(int(day[3]), int(day[2]), int(day[1]))  # noqa: DTZ001 - zone below
    except ValueError:
        return Reason.BAD_DATE, f"date {date_text!r} is not a calendar date"
    hour, minute = int(hhmm[1]), int(hhmm[2])
    if hour > 23 or minute > 59:
        return UkhhReason.BAD_TIME, f"time {time_text!r} is not a time of day (00:00-23:59)"
    naive = naive.replace(hour=hour, minute=minute)
    if clock is UTC:
        return naive.replace(tzinfo=UTC)
    found = to_instant(naive, clock, marks_end=True)
    if found is None:
        return (
            UkhhReason.BAD_TIME,
            f"time {time_text!r} on {date_text} does not exist in UK clock time (spring change)",
        )
    return found
