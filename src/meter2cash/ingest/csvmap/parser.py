"""A generic CSV read through its :class:`~meter2cash.ingest.csvmap.mapping.Mapping`.

One row is one interval of one channel of one supply point. Rows become channel-days of the
mapping's zone through :class:`~meter2cash.ingest.csvmap.days.DayAssembler` (bounded memory; see
there for what row order costs). Decisions where a CSV leaves room:

* A row that cannot be used is rejected on its own (its CSV line number, the reason, the row); the
  header row missing a mapped column rejects the file at the header (``MISSING_COLUMN``).
* An empty value cell is delivered-but-unknown: value ``None`` with ``Quality.NULL`` (the row's own
  quality text is kept in ``source_flags``); an interval with no row at all is ``Quality.MISSING``.
* Naive times are wall-clock time in the stated zone, the repeated autumn hour resolved by row order
  (``csvmap/clock.py``); a time the spring change skips is rejected (``NONEXISTENT_LOCAL_TIME``).
* A timestamp carrying an offset must name the same instant the zone gives its wall-clock time
  (``ZONE_OFFSET_MISMATCH`` otherwise) — which also resolves the repeated hour exactly — unless the
  mapping's ``timestamp.use_offset`` lets the offset win. The day is always the stated zone's day.
* Decimal commas are honoured when the mapping says so; then a point in a value is a thousands
  separator, which is refused rather than guessed (``BAD_VALUE``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Context, Decimal, Inexact, InvalidOperation
from functools import lru_cache
from typing import IO

from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit, normalise_unit
from meter2cash.domain.reads import Direction, Quality
from meter2cash.domain.supply_point import Market, SupplyPointId
from meter2cash.ingest.csvmap.clock import Ambiguous, to_instant
from meter2cash.ingest.csvmap.days import DayAssembler, Series, day_grid
from meter2cash.ingest.csvmap.mapping import ISO, Mapping, parse_date
from meter2cash.ingest.csvmap.reasons import CsvReason, Rejects
from meter2cash.ingest.items import ParsedItem, undecodable
from meter2cash.ingest.reasons import Reason
from meter2cash.ingest.textio import text_lines

Parser = Callable[[IO[bytes], str, str, str | None], Iterator[ParsedItem]]

NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)")
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])


class RowProblem(Exception):
    """Why one row cannot be used; caught per row and turned into a rejection."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def parse_with(mapping: Mapping) -> Parser:
    """The standard ``parse(binary, file_id, file_name, segment)`` for CSVs laid out as ``mapping``."""

    def parse(
        binary: IO[bytes], file_id: str, file_name: str, segment: str | None = None
    ) -> Iterator[ParsedItem]:
        with text_lines(binary) as lines:
            yield from parse_rows(mapping, lines, Rejects(file_id, file_name, segment))

    return parse


def parse_rows(mapping: Mapping, lines: Iterable[str], reject: Rejects) -> Iterator[ParsedItem]:
    """The items of a CSV's text lines (newlines optional), read as ``mapping`` describes."""
    return _Reader(mapping, reject).read(lines)


@lru_cache(maxsize=65_536)
def valid_supply_point(market: str, text: str) -> str | DomainError:
    rule = Market.OTHER if market == "US" else Market(market)
    try:
        return SupplyPointId.parse(rule, text).value
    except DomainError as exc:
        return exc


@lru_cache(maxsize=65_536)
def _series(
    spid: str, market: str, channel: str, direction: Direction, unit: Unit, source_unit: str
) -> Series:
    return Series(spid, market, channel, direction, unit, source_unit)


@lru_cache(maxsize=64)
def _unit(text: str) -> tuple[Unit, Decimal] | None:
    try:
        return normalise_unit(text)
    except DomainError:
        return None


@lru_cache(maxsize=8192)
def _timestamp(text: str, pattern: str) -> datetime | None:
    try:
        if pattern == ISO:
            return datetime.fromisoformat(text)
        return datetime.strptime(text, pattern)  # noqa: DTZ007 - zone applied by the caller
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def _date(text: str, pattern: str) -> date | None:
    try:
        return parse_date(text, pattern)
    except ValueError:
        return None


class _Reader:
    def __init__(self, mapping: Mapping, reject: Rejects) -> None:
        self.m = mapping
        self.reject = reject
        self.days = DayAssembler(
            mapping.timezone, mapping.interval_minutes, reject, mapping.max_open_days
        )
        self.step = timedelta(minutes=mapping.interval_minutes)
        self.qualities = dict(mapping.quality_map)
        self.directions = dict(mapping.direction_map)
        self.index: dict[str, int] = {}
        self.raw = ""

    def _lines(self, lines: Iterable[str]) -> Iterator[str]:
        for line in lines:
            self.raw = line.rstrip("\r\n")
            yield line

    def read(self, lines: Iterable[str]) -> Iterator[ParsedItem]:
        rows = csv.reader(self._lines(lines), delimiter=self.m.delimiter)
        header_done = not self.m.header
        if header_done:
            self.index = {role: int(col) - 1 for role, col in self.m.columns().items()}
        width = max(self.index.values(), default=0) + 1
        while True:
            try:
                fields = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:  # e.g. a field over csv's size limit; the reader goes on
                yield self.reject(rows.line_num, CsvReason.BAD_CSV, f"CSV syntax: {exc}", self.raw)
                continue
            line, raw = rows.line_num, self.raw
            if not fields or not "".join(fields).strip():
                continue
            if undecodable(raw):
                yield self.reject(line, Reason.BAD_ENCODING, "line is not valid UTF-8", raw)
                continue
            if not header_done:
                header_done = True
                problem = self._header(fields)
                if problem:
                    yield self.reject(line, CsvReason.MISSING_COLUMN, problem, raw)
                    return
                width = max(self.index.values()) + 1
                continue
            if len(fields) < width:
                yield self.reject(
                    line,
                    Reason.MISSING_FIELDS,
                    f"row has {len(fields)} fields; the mapping reads column {width}",
                    raw,
                )
                continue
            try:
                yield from self._row(line, fields, raw)
            except RowProblem as problem:
                yield self.reject(line, problem.reason, problem.message, raw)
        yield from self.days.finish()

    def _header(self, fields: list[str]) -> str | None:
        names = [name.strip() for name in fields]
        for role, column in self.m.columns().items():
            if isinstance(column, int):
                self.index[role] = column - 1
            elif column.strip() in names:
                self.index[role] = names.index(column.strip())
            else:
                return (
                    f"the header has no column {column!r} (columns.{role} of {self.m.origin}); "
                    f"it has: {', '.join(names)[:120]}"
                )
        return None

    def _cell(self, fields: list[str], role: str) -> str:
        return fields[self.index[role]].strip()

    def _row(self, line: int, fields: list[str], raw: str) -> Iterator[ParsedItem]:
        m = self.m
        spid = valid_supply_point(m.market, self._cell(fields, "supply_point"))
        if isinstance(spid, DomainError):
            raise RowProblem(CsvReason.INVALID_SUPPLY_POINT, str(spid))
        channel = self._cell(fields, "channel") if m.channel is None else m.channel
        if not channel:
            raise RowProblem(CsvReason.BAD_CHANNEL, "the channel cell is empty")
        direction = self._direction(fields, channel)
        source_unit = self._cell(fields, "unit") if m.unit is None else m.unit
        unit = _unit(source_unit)
        if unit is None:
            raise RowProblem(Reason.UNKNOWN_UNIT, f"unit {source_unit!r} is not an energy unit")
        value_text = self._cell(fields, "value")
        quality, flag = self._quality(fields)
        value = None
        if value_text:
            value = self._number(value_text)
            if unit[1] != 1:
                value = _EXACT.multiply(value, unit[1])  # exact: Wh -> kWh only moves the point
        else:
            quality = Quality.NULL
        series = _series(spid, m.market, channel, direction, unit[0], source_unit)
        start = self._start(fields, series)
        yield from self.days.add(line, raw, series, start, value, quality, flag)

    def _direction(self, fields: list[str], channel: str) -> Direction:
        m = self.m
        if m.direction_column is not None:
            text = self._cell(fields, "direction")
        elif self.directions:
            text = channel
        else:
            assert m.direction is not None
            return m.direction
        found = self.directions.get(text)
        if found is None:
            raise RowProblem(
                CsvReason.BAD_DIRECTION, f"{text!r} is not in direction_map of {m.origin}"
            )
        return found

    def _quality(self, fields: list[str]) -> tuple[Quality, str]:
        if self.m.quality_column is None:
            return self.m.quality, ""
        text = self._cell(fields, "quality")
        found = self.qualities.get(text)
        if found is None:
            known = ", ".join(repr(k) for k in self.qualities)
            raise RowProblem(CsvReason.BAD_QUALITY, f"quality {text!r} is not mapped ({known})")
        return found, text

    def _number(self, text: str) -> Decimal:
        if self.m.decimal_separator == ",":
            if "." in text:
                raise RowProblem(
                    Reason.BAD_VALUE,
                    f"value {text!r}: a point in a decimal-comma file is ambiguous",
                )
            text = text.replace(",", ".")
        if not NUMBER.fullmatch(text):
            raise RowProblem(Reason.BAD_VALUE, f"value {text!r} is not a decimal number")
        try:
            return _EXACT.create_decimal(text)
        except (Inexact, InvalidOperation):
            raise RowProblem(Reason.BAD_VALUE, f"value {text!r} has too many digits") from None

    def _start(self, fields: list[str], series: Series) -> datetime:
        m = self.m
        if m.timestamp is None:
            return self._period_start(fields)
        text = self._cell(fields, "timestamp")
        stamp = _timestamp(text, m.timestamp_format)
        if stamp is None:
            raise RowProblem(
                CsvReason.BAD_TIMESTAMP, f"{text!r} is not a timestamp ({m.timestamp_format})"
            )
        marks_end = m.timestamp_marks == "end"
        shift = self.step if marks_end else timedelta(0)
        if stamp.tzinfo is not None:
            instant = stamp.astimezone(UTC)
            if not m.use_timestamp_offset and not self._agrees(stamp, instant, marks_end):
                raise RowProblem(
                    CsvReason.ZONE_OFFSET_MISMATCH,
                    f"{text!r} is not a wall-clock time of {m.timezone} (timestamp.use_offset is "
                    "false: the stated zone wins)",
                )
            return instant - shift
        found = to_instant(stamp, self.days.zone, marks_end=marks_end)
        if found is None:
            raise RowProblem(
                CsvReason.NONEXISTENT_LOCAL_TIME,
                f"{text!r} does not exist in {m.timezone}: the clocks skip it",
            )
        if isinstance(found, Ambiguous):
            latest = self.days.latest_start(series, stamp.date())
            found = found.pick(None if latest is None else latest + shift)
        return found - shift

    def _agrees(self, stamp: datetime, instant: datetime, marks_end: bool) -> bool:
        zone = self.days.zone
        wall = stamp.replace(tzinfo=None)
        if instant.astimezone(zone).replace(tzinfo=None) == wall:
            return True
        # An end label at the spring jump ("01:00+00:00" in London) is the end of the last GMT half-hour.
        minute = timedelta(minutes=1)
        return (
            marks_end and (instant - minute).astimezone(zone).replace(tzinfo=None) == wall - minute
        )

    def _period_start(self, fields: list[str]) -> datetime:
        m = self.m
        date_text, period_text = self._cell(fields, "date"), self._cell(fields, "period")
        read_on = _date(date_text, m.date_format)
        if read_on is None:
            raise RowProblem(Reason.BAD_DATE, f"{date_text!r} is not a date ({m.date_format})")
        if not (period_text.isascii() and period_text.isdecimal()):
            raise RowProblem(CsvReason.BAD_PERIOD, f"period {period_text!r} is not a number")
        start, count = day_grid(read_on, m.timezone, m.interval_minutes)
        period = int(period_text)
        if not 1 <= period <= count:
            raise RowProblem(
                CsvReason.BAD_PERIOD,
                f"{read_on} has periods 1-{count} in {m.timezone}; got {period}",
            )
        return start + (period - 1) * self.step
