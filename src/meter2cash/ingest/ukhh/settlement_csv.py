"""UK settlement-period CSV: half-hourly kWh by MPAN core, settlement day and period.

There is no single public standard for such exports, so this is meter2cash's own documented layout,
recognised only by one of these exact header lines (UTF-8, comma-separated)::

    mpan_core,settlement_date,settlement_period,kwh            long form: one row per period
    mpan_core,settlement_date,settlement_period,kwh,quality    long form with a quality letter
    mpan_core,settlement_date,p1,p2,...,p48                    wide form: one row per day
    mpan_core,settlement_date,p1,p2,...,p50                    wide form that can hold 50 periods

* ``settlement_date`` is ISO ``YYYY-MM-DD``; ``settlement_period`` counts half-hours from local
  midnight, from 1, so a day has 46, 48 or 50 (BSC settlement periods, ``domain/settlement.py``):
  on 2024-10-27 periods 3-4 are 01:00-02:00 BST and 5-6 the repeated 01:00-02:00 GMT.
* ``kwh`` / ``pN`` are decimals with a point. Long form: an empty ``kwh`` is a delivered unknown
  (``Quality.NULL``); ``quality`` is a canonical letter A, E, S, F, N, D or U (absent: U). Wide
  form: an empty cell is a period not delivered (``Quality.MISSING``), and a value in a period the
  day does not have (``p47`` on a 46-period day) rejects the row: its writer ignored the clock
  change, so every value after 01:00 would be an hour out.
* Every value is active import energy: channel "AI", ``Direction.IMPORT``, kWh, Europe/London days.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import chain
from typing import IO

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, Quality
from meter2cash.ingest.csvmap.days import DayAssembler, Series, day_grid
from meter2cash.ingest.csvmap.mapping import Mapping
from meter2cash.ingest.csvmap.parser import NUMBER, parse_rows, valid_supply_point
from meter2cash.ingest.csvmap.reasons import CsvReason, Rejects
from meter2cash.ingest.items import BOM, ParsedItem, undecodable
from meter2cash.ingest.reasons import Reason
from meter2cash.ingest.textio import text_lines
from meter2cash.ingest.ukhh.reasons import UkhhReason

__all__ = ["HEADERS", "parse", "recognises"]

ZONE = "Europe/London"
_HALF_HOUR = timedelta(minutes=30)
LONG = "mpan_core,settlement_date,settlement_period,kwh"
LONG_Q = LONG + ",quality"
WIDE_48 = "mpan_core,settlement_date," + ",".join(f"p{k}" for k in range(1, 49))
WIDE_50 = WIDE_48 + ",p49,p50"
HEADERS = (LONG, LONG_Q, WIDE_48, WIDE_50)


def _long_mapping(with_quality: bool) -> Mapping:
    return Mapping(
        market="GB",
        timezone=ZONE,
        interval_minutes=30,
        supply_point="mpan_core",
        value="kwh",
        date="settlement_date",
        period="settlement_period",
        unit="kWh",
        channel="AI",
        direction=Direction.IMPORT,
        quality_column="quality" if with_quality else None,
        origin="uk-hh-csv layout",
    )


_MAPPINGS = {LONG: _long_mapping(False), LONG_Q: _long_mapping(True)}


def recognises(first_line: str, head: str, file_name: str) -> bool:
    """Only by one of the exact :data:`HEADERS`."""
    return first_line.strip().removeprefix(BOM) in HEADERS


def parse(
    binary: IO[bytes], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    with text_lines(binary) as lines:
        yield from parse_lines(lines, file_id, file_name, segment)


def parse_lines(
    lines: Iterable[str], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    """The items of the file's text lines; the header picks the long or the wide reading."""
    reject = Rejects(file_id, file_name, segment)
    stream = iter(lines)
    seen: list[str] = []
    header = ""
    for line in stream:
        seen.append(line)
        header = line.strip().removeprefix(BOM).strip()
        if header:
            break
    replay = chain(seen, stream)
    if not header:
        yield reject(1, Reason.EMPTY_FILE, "the file has no lines", "")
    elif header in _MAPPINGS:
        yield from parse_rows(_MAPPINGS[header], replay, reject)
    elif header in (WIDE_48, WIDE_50):
        yield from _wide(replay, reject)
    else:
        yield reject(
            len(seen),
            UkhhReason.BAD_HEADER,
            f"the header is none of the uk-hh-csv layouts (e.g. {LONG!r})",
            header,
        )


def _wide(lines: Iterable[str], reject: Rejects) -> Iterator[ParsedItem]:
    days = DayAssembler(ZONE, 30, reject)
    rows = csv.reader(lines)
    width = 0
    for fields in rows:
        line = rows.line_num
        text = ",".join(fields)
        if not "".join(fields).strip():
            continue
        if not width:
            width = len(fields)  # the header, already recognised
            continue
        if undecodable(text):
            yield reject(line, Reason.BAD_ENCODING, "line is not valid UTF-8", text)
            continue
        if len(fields) != width:
            reason = Reason.MISSING_FIELDS if len(fields) < width else Reason.TOO_MANY_FIELDS
            yield reject(line, reason, f"{len(fields)} fields; the header has {width}", text)
            continue
        core = valid_supply_point("GB", fields[0].strip())
        if not isinstance(core, str):
            yield reject(line, UkhhReason.INVALID_MPAN, str(core), text)
            continue
        problem, values = _wide_values(fields[1].strip(), fields[2:])
        if problem:
            yield reject(line, problem[0], problem[1], text)
            continue
        series = Series(core, "GB", "AI", Direction.IMPORT, Unit.KWH, "kWh")
        for start, value in values:
            yield from days.add(line, text, series, start, value, Quality.UNKNOWN, "")
    yield from days.finish()


def _wide_values(
    date_text: str, cells: list[str]
) -> tuple[tuple[str, str] | None, list[tuple[datetime, Decimal]]]:
    try:
        read_on = date.fromisoformat(date_text)
    except ValueError:
        return (Reason.BAD_DATE, f"settlement_date {date_text!r} is not YYYY-MM-DD"), []
    start, count = day_grid(read_on, ZONE, 30)
    values: list[tuple[datetime, Decimal]] = []
    for k, cell in enumerate(cells):
        text = cell.strip()
        if not text:
            continue
        if k >= count:
            return (
                CsvReason.BAD_PERIOD,
                f"p{k + 1} has a value but {read_on} has {count} settlement periods",
            ), []
        if not NUMBER.fullmatch(text):
            return (Reason.BAD_VALUE, f"p{k + 1} value {text!r} is not a decimal number"), []
        values.append((start + k * _HALF_HOUR, Decimal(text)))
    return None, values
