"""Load GB Market Domain Data from Elexon's CSV extract (one file per table).

Elexon publishes MDD as one CSV file per table, named ``<Table>_<version>.csv`` (e.g.
``Measurement_Requirement_341.csv``), each with a header row of quoted column titles; dates are
``dd/mm/yyyy`` settlement dates and an empty "Effective To" means open-ended. The layouts below
are read from public mirrors, not from Elexon's own specification (which is behind a portal log-in):

* **verified** against files of the extract as mirrored in ``WessexWater/chellow-rates``:
  ``Standard_Settlement_Configuration`` (``2022/electricity/mdd/326/``, commit 31af60ba),
  ``Measurement_Requirement`` (``2023/electricity/mdd/341/``, commit b7cd5690) and
  ``Valid_MTC_SSC_Combination`` (``2026/electricity/mdd/376/``, commit dbe5fcf1);
* **unverified** — ``Time_Pattern_Regime`` and ``Clock_Interval``: no mirrored file was found.
  Their titles are those the older Java chellow (``net.sf.chellow.physical``) required of its
  bundled MDD CSVs ("Time Pattern Regime Id", "Tele-switch/Clock Indicator", "GMT Indicator";
  "Day of the Week Id", "Start Day", ..., "End Time"), and the current Python chellow
  (``chellow/e/mdd_importer.py``) reads the same columns in the same positions. Current extracts
  spell "ID" where the old files had "Id", so titles are compared case-insensitively.

Column titles are matched case- and whitespace-insensitively; extra columns are ignored; ids are
zero-padded to their MDD width as chellow does (SSC 4, TPR 5, MTC 3). Times are ``HH:MM`` (chellow
splits on ``:``); ``HH:MM:SS`` is accepted; ``24:00`` is the end of the day.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TypeVar

from meter2cash.domain.mdd import (
    ClockInterval,
    MarketDomainData,
    MddError,
    StandardSettlementConfiguration,
    TimePatternRegime,
    ValidMtcSscCombination,
)
from meter2cash.interpret.reference.model import ReferenceDataError

V = TypeVar("V")

SSC = "Standard_Settlement_Configuration"
MEASUREMENT_REQUIREMENT = "Measurement_Requirement"
TPR = "Time_Pattern_Regime"
CLOCK_INTERVAL = "Clock_Interval"
VALID_MTC_SSC = "Valid_MTC_SSC_Combination"

#: The columns read from each table, in the extract's order.
COLUMNS: Mapping[str, tuple[str, ...]] = {
    SSC: (
        "Standard Settlement Configuration ID", "Effective From Settlement Date (SSC)",
        "Effective To Settlement Date (SSC)", "Standard Settlement Configuration Description",
        "Standard Settlement Configuration Type", "Teleswitch User ID", "Teleswitch Group ID",
    ),
    MEASUREMENT_REQUIREMENT: ("Standard Settlement Configuration ID", "Time Pattern Regime ID"),
    TPR: ("Time Pattern Regime ID", "Tele-switch/Clock Indicator", "GMT Indicator"),
    CLOCK_INTERVAL: (
        "Time Pattern Regime ID", "Day of the Week ID", "Start Day", "Start Month", "End Day",
        "End Month", "Start Time", "End Time",
    ),
    VALID_MTC_SSC: (
        "Meter Timeswitch Class ID", "Effective From Settlement Date (MTC)", "Market Participant ID",
        "Effective From Settlement Date (MTCPA)", "Standard Settlement Configuration ID",
        "Effective From Settlement Date (VMTCSC)", "Effective To Settlement Date (VMTCSC)",
    ),
}  # fmt: skip
REQUIRED_TABLES = (MEASUREMENT_REQUIREMENT, TPR, CLOCK_INTERVAL)
OPTIONAL_TABLES = (SSC, VALID_MTC_SSC)
_FILE_NAME = re.compile(r"(?P<table>[A-Za-z_]+?)(?:_(?P<version>[0-9]+))?\.csv")


def _title(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Cell:
    def __init__(self, source: str, line: int, values: dict[str, str]) -> None:
        self.source, self.line, self.values = source, line, values

    def get(self, column: str, parse: Callable[[str], V], *, required: bool = True) -> V | None:
        text = self.values[_title(column)].strip()
        if not text:
            if required:
                raise ReferenceDataError(self.source, f"line {self.line}, column {column}", "empty")
            return None
        try:
            return parse(text)
        except (ValueError, MddError) as exc:
            where = f"line {self.line}, column {column}"
            raise ReferenceDataError(self.source, where, str(exc)) from None

    def need(self, column: str, parse: Callable[[str], V]) -> V:
        value = self.get(column, parse)
        assert value is not None  # required=True raised otherwise
        return value


def _settlement_date(text: str) -> date:
    match = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", text)
    try:
        if match is None:
            raise ValueError
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise ValueError(f"{text!r} is not a dd/mm/yyyy date") from None


def _minutes(text: str) -> int:
    match = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})(?::00)?", text)
    if match is None:
        raise ValueError(f"{text!r} is not an HH:MM time")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours * 60 + minutes > 1440:
        raise ValueError(f"{text!r} is not a time of day")
    return hours * 60 + minutes


def _padded(width: int) -> Callable[[str], str]:
    def pad(text: str) -> str:
        if not text.isalnum() or len(text) > width:
            raise ValueError(f"{text!r} is not an id of up to {width} characters")
        return text.zfill(width)

    return pad


def _flag(true: str, false: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        if text not in (true, false):
            raise ValueError(f"{text!r} is neither {true} nor {false}")
        return text == true

    return parse


def read_table(table: str, text: str, source: str) -> list[_Cell]:
    """The rows of one MDD table's CSV text, checked against the table's columns."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise ReferenceDataError(source, "line 1", "the file is empty; expected a header row")
    titles = [_title(h) for h in header]
    missing = [c for c in COLUMNS[table] if _title(c) not in titles]
    if missing:
        raise ReferenceDataError(
            source, "line 1", f"{table}: missing column(s) {missing}; found {header}"
        )
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(titles):
            raise ReferenceDataError(
                source, f"line {reader.line_num}", f"{len(cells)} cells for {len(titles)} columns"
            )
        rows.append(_Cell(source, reader.line_num, dict(zip(titles, cells, strict=True))))
    return rows


def parse_tables(
    texts: Mapping[str, tuple[str, str]], version: str | None = None
) -> MarketDomainData:
    """Build MDD from ``{table: (csv text, source name)}``; the required tables must be present."""
    if missing := [t for t in REQUIRED_TABLES if t not in texts]:
        raise ReferenceDataError("MDD", "tables", f"missing table(s): {', '.join(missing)}")
    rows = {table: read_table(table, *texts[table]) for table in texts if table in COLUMNS}
    ssc_id, tpr_id, mtc_id = _padded(4), _padded(5), _padded(3)
    sscs = tuple(
        StandardSettlementConfiguration(
            r.need("Standard Settlement Configuration ID", ssc_id),
            r.need("Effective From Settlement Date (SSC)", _settlement_date),
            r.get("Effective To Settlement Date (SSC)", _settlement_date, required=False),
            r.need("Standard Settlement Configuration Description", str),
            r.need("Standard Settlement Configuration Type", str),
            r.get("Teleswitch User ID", str, required=False),
            r.get("Teleswitch Group ID", str, required=False),
        )
        for r in rows.get(SSC, ())
    )
    requirements = tuple(
        (
            r.need("Standard Settlement Configuration ID", ssc_id),
            r.need("Time Pattern Regime ID", tpr_id),
        )
        for r in rows[MEASUREMENT_REQUIREMENT]
    )
    tprs = tuple(
        TimePatternRegime(
            r.need("Time Pattern Regime ID", tpr_id),
            r.need("Tele-switch/Clock Indicator", _flag("S", "C")),
            r.need("GMT Indicator", _flag("Y", "N")),
        )
        for r in rows[TPR]
    )
    intervals = tuple(_interval(r, tpr_id) for r in rows[CLOCK_INTERVAL])
    combinations = tuple(
        ValidMtcSscCombination(
            r.need("Meter Timeswitch Class ID", mtc_id),
            r.need("Effective From Settlement Date (MTC)", _settlement_date),
            r.need("Market Participant ID", str),
            r.need("Effective From Settlement Date (MTCPA)", _settlement_date),
            r.need("Standard Settlement Configuration ID", ssc_id),
            r.need("Effective From Settlement Date (VMTCSC)", _settlement_date),
            r.get("Effective To Settlement Date (VMTCSC)", _settlement_date, required=False),
        )
        for r in rows.get(VALID_MTC_SSC, ())
    )
    try:
        return MarketDomainData(sscs, tprs, requirements, intervals, combinations, version)
    except MddError as exc:
        raise ReferenceDataError(texts[MEASUREMENT_REQUIREMENT][1], "table", str(exc)) from None


def _interval(r: _Cell, tpr_id: Callable[[str], str]) -> ClockInterval:
    try:
        return ClockInterval(
            r.need("Time Pattern Regime ID", tpr_id),
            r.need("Day of the Week ID", int),
            r.need("Start Day", int),
            r.need("Start Month", int),
            r.need("End Day", int),
            r.need("End Month", int),
            r.need("Start Time", _minutes),
            r.need("End Time", _minutes),
        )
    except MddError as exc:
        raise ReferenceDataError(r.source, f"line {r.line}", str(exc)) from None


def load_mdd_directory(directory: Path | str) -> MarketDomainData:
    """Load the MDD tables from ``directory``: ``<Table>.csv`` or ``<Table>_<version>.csv`` each.

    All versioned files must carry the same version (as chellow's importer insists); the tables in
    ``REQUIRED_TABLES`` must be there, those in ``OPTIONAL_TABLES`` are loaded when present.
    """
    directory = Path(directory)
    found: dict[str, Path] = {}
    versions: set[str] = set()
    for path in sorted(directory.glob("*.csv")):
        match = _FILE_NAME.fullmatch(path.name)
        if match is None or match["table"] not in COLUMNS:
            continue
        if match["table"] in found:
            raise ReferenceDataError(str(path), "file", f"a second file for {match['table']}")
        found[match["table"]] = path
        if match["version"]:
            versions.add(match["version"])
    if len(versions) > 1:
        raise ReferenceDataError(str(directory), "files", f"mixed MDD versions {sorted(versions)}")
    texts = {}
    for table, path in found.items():
        try:
            texts[table] = (path.read_text(encoding="utf-8-sig"), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise ReferenceDataError(str(path), "file", f"cannot be read: {exc}") from None
    return parse_tables(texts, next(iter(versions), None))
