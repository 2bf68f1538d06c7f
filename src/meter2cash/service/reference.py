"""Load reference data into the store: each supply point's next version, and what to re-interpret.

A reference file (YAML ``meter2cash-reference/1`` or bulk CSV, ``interpret/reference/README.md``)
is applied whole or not at all, in one transaction: a half-applied configuration would
misinterpret every read after the bad entry. A bad file is reported with its file and line and
the other files still load. Files are applied in the order their knowledge became true (the
file's ``known_from``; a CSV, which has none, counts as known when loaded), so a history and its
correction load in the right order whatever their names.

Loading the same knowledge again is a no-op (each entry's ``knowledge_key`` is stored with the
version it made), which is what lets ``meter2cash run`` load the reference directory every time.
A version that changes what is known reports the spans that read differently now
(``domain.configuration_changes.diff``) as :class:`ReinterpretRequest` s for the caller to act on.

GB Market Domain Data (an ``mdd/`` folder of Elexon CSV files) is not stored: it is market-wide
and versioned by Elexon, so it is read from the reference directory by the process that needs it
and handed back in the report (``ReferenceLoadReport.mdd``) for :class:`ReferenceView`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from meter2cash.domain.configuration_changes import ChangedSpan, diff
from meter2cash.domain.errors import DomainError
from meter2cash.domain.mdd import MarketDomainData
from meter2cash.domain.supply_point_model import ALWAYS, EffectiveSeries, SupplyPoint
from meter2cash.domain.time import require_utc, zone_named
from meter2cash.interpret.reference import (
    ReferenceData,
    ReferenceDataError,
    SupplyPointReference,
    load_mdd_directory,
    load_reference_csv,
    load_reference_yaml,
)
from meter2cash.ports import StoredReference, UnitOfWork, UnitOfWorkFactory
from meter2cash.reference_codec import knowledge_key, utc_text
from meter2cash.service.reference_view import ReferenceView, TouMapping

__all__ = [
    "FileLoad",
    "ReferenceLoadReport",
    "ReferenceView",
    "ReinterpretRequest",
    "SupplyPointLoad",
    "TouMapping",
    "error_line",
    "load_reference",
]

Outcome = Literal["new", "unchanged", "corrected"]
Kind = Literal["yaml", "csv", "mdd"]
_YAML = {".yaml", ".yml"}
_MDD_DIR = "mdd"
_LINE = re.compile(r"\bline (\d+)")


@dataclass(frozen=True, slots=True)
class ReinterpretRequest:
    """Local days ``[from_on, to_on)`` of a supply point whose reads must be interpreted again
    (``to_on=None``: onwards): the interval ``channels`` and the ``registers`` (meter serial,
    register id) named; ``channels=None`` means every channel and register of the supply point
    (it is new, or its attributes changed)."""

    supply_point_id: str
    from_on: date
    to_on: date | None
    channels: tuple[str, ...] | None = None
    registers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SupplyPointLoad:
    """What a load did to one supply point: ``version`` is its latest version afterwards."""

    supply_point_id: str
    outcome: Outcome
    version: int
    source_name: str
    changes: tuple[ChangedSpan, ...] = ()


@dataclass(frozen=True, slots=True)
class FileLoad:
    """One file (or MDD folder) of a load: loaded with ``supply_points`` entries, or failed."""

    path: str
    kind: Kind | None
    supply_points: int = 0
    error: ReferenceDataError | None = None


@dataclass
class ReferenceLoadReport:
    files: list[FileLoad] = field(default_factory=list)
    supply_points: list[SupplyPointLoad] = field(default_factory=list)
    reinterpret: list[ReinterpretRequest] = field(default_factory=list)
    mdd: MarketDomainData | None = None
    stored_supply_points: int = 0  # supply points with reference data in the store afterwards

    @property
    def errors(self) -> list[ReferenceDataError]:
        return [f.error for f in self.files if f.error is not None]

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    @property
    def new_versions(self) -> int:
        return sum(s.outcome != "unchanged" for s in self.supply_points)


def error_line(error: ReferenceDataError) -> int | None:
    """The line a loader error points at (``where`` is ``line N, ...``), if it names one."""
    found = _LINE.search(error.where)
    return int(found.group(1)) if found else None


def load_reference(
    paths: Iterable[Path], uow_factory: UnitOfWorkFactory, loaded_at: datetime
) -> ReferenceLoadReport:
    """Load reference files (or directories of them) into the store; see the module docstring."""
    loaded_at = require_utc(loaded_at, "loaded_at")
    report = ReferenceLoadReport()
    files, mdd_dirs = _discover(paths, report)
    for directory in mdd_dirs:
        try:
            report.mdd = load_mdd_directory(directory)
            report.files.append(FileLoad(str(directory), "mdd"))
        except ReferenceDataError as exc:
            report.files.append(FileLoad(str(directory), "mdd", error=exc))
    parsed: list[tuple[Path, ReferenceData]] = []
    for path in files:
        kind = _kind(path)
        try:
            data = load_reference_yaml(path) if kind == "yaml" else load_reference_csv(path)
        except ReferenceDataError as exc:
            report.files.append(FileLoad(str(path), kind, error=exc))
            continue
        parsed.append((path, data))
    parsed.sort(key=lambda item: (item[1].known_from or loaded_at, str(item[0])))
    for path, data in parsed:
        kind = _kind(path)
        try:
            with uow_factory() as uow:
                outcomes = _apply(uow, data, loaded_at)
                uow.commit()
        except ReferenceDataError as exc:
            report.files.append(FileLoad(str(path), kind, error=exc))
            continue
        report.files.append(FileLoad(str(path), kind, len(data.entries)))
        for outcome, requests in outcomes:
            report.supply_points.append(outcome)
            report.reinterpret.extend(requests)
    with uow_factory() as uow:
        report.stored_supply_points = len(uow.reference.supply_point_ids())
    return report


def _kind(path: Path) -> Kind:
    return "yaml" if path.suffix.lower() in _YAML else "csv"


def _discover(paths: Iterable[Path], report: ReferenceLoadReport) -> tuple[list[Path], list[Path]]:
    """Reference files named or found below named directories (sorted; hidden entries, Markdown
    and README files skipped), and the ``mdd`` folders among them. Anything else is an error."""
    files: list[Path] = []
    mdd_dirs: list[Path] = []
    for path in paths:
        if path.is_dir() and path.name == _MDD_DIR:
            mdd_dirs.append(path)
        elif path.is_dir():
            for found in sorted(path.rglob("*")):
                parts = found.relative_to(path).parts
                if any(part.startswith(".") for part in parts) or _MDD_DIR in parts[:-1]:
                    continue
                if found.is_dir():
                    if found.name == _MDD_DIR:
                        mdd_dirs.append(found)
                elif _is_notes(found):
                    continue
                else:
                    files.append(found)
        elif path.is_file():
            files.append(path)
        else:
            error = ReferenceDataError(str(path), "file", "no such file or directory")
            report.files.append(FileLoad(str(path), None, error=error))
    kept = []
    for path in files:
        if path.suffix.lower() in _YAML | {".csv"}:
            kept.append(path)
        else:
            reason = "not a reference file (want .yaml, .yml or .csv)"
            error = ReferenceDataError(str(path), "file", reason)
            report.files.append(FileLoad(str(path), None, error=error))
    return kept, mdd_dirs


def _is_notes(path: Path) -> bool:
    return path.suffix.lower() in {".md", ".markdown", ".txt"} or path.stem.upper() == "README"


def _apply(
    uow: UnitOfWork, data: ReferenceData, loaded_at: datetime
) -> list[tuple[SupplyPointLoad, list[ReinterpretRequest]]]:
    ids = [entry.supply_point_id for entry in data.entries]
    latest = uow.reference.latest(ids)
    keys = uow.reference.content_keys(ids)
    return [
        _apply_entry(uow, data, entry, latest.get(entry.supply_point_id), keys, loaded_at)
        for entry in data.entries
    ]


def _fail(data: ReferenceData, entry: SupplyPointReference, reason: str) -> ReferenceDataError:
    source = next((p.source for p in entry.periods if p.source is not None), None)
    where = f"supply point {entry.supply_point_id}"
    if source is not None:
        where = f"line {source.line}, {where}"
    return ReferenceDataError(data.source, where, reason)


def _apply_entry(
    uow: UnitOfWork,
    data: ReferenceData,
    entry: SupplyPointReference,
    current: StoredReference | None,
    keys: dict[str, frozenset[str]],
    loaded_at: datetime,
) -> tuple[SupplyPointLoad, list[ReinterpretRequest]]:
    sp = entry.supply_point_id
    key = knowledge_key(sp, entry.supply_point, entry.periods, entry.replaces, data.known_from)
    if current is not None and key in keys.get(sp, frozenset()):
        return SupplyPointLoad(sp, "unchanged", current.version, data.source), []
    known_from = data.known_from or loaded_at
    supply_point = entry.supply_point or (current.supply_point if current else None)
    if supply_point is None:
        raise _fail(data, entry, "a correction (replaces) of a supply point with no reference data")
    try:
        timeline = entry.timeline(current.timeline if current else None, known_from=known_from)
    except DomainError as exc:
        raise _fail(data, entry, str(exc)) from None
    if current is not None:
        if supply_point == current.supply_point and timeline.periods == current.timeline.periods:
            return SupplyPointLoad(sp, "unchanged", current.version, data.source), []
        if known_from < current.known_from:
            raise _fail(
                data,
                entry,
                f"this knowledge holds from {utc_text(known_from)}, but version "
                f"{current.version} is already known from {utc_text(current.known_from)}: "
                "load reference data in the order it became known",
            )
    stored = StoredReference(supply_point, timeline, loaded_at, data.source)
    if uow.reference.put(stored, key) is None:  # the same load, committed meanwhile elsewhere
        return SupplyPointLoad(sp, "unchanged", timeline.version, data.source), []
    if current is None:
        return SupplyPointLoad(sp, "new", timeline.version, data.source), whole_history(stored)
    changes = tuple(diff(current.timeline, timeline))
    requests = requests_for_changes(supply_point, changes)
    changed_from = _attributes_changed_from(current.supply_point, supply_point)
    if changed_from is not None:
        requests.append(ReinterpretRequest(sp, _local_on(changed_from, supply_point.zone), None))
    return SupplyPointLoad(sp, "corrected", timeline.version, data.source, changes), requests


def _local_on(instant: datetime, zone: str) -> date:
    return instant.astimezone(zone_named(zone)).date()


def requests_for_changes(
    supply_point: SupplyPoint, changes: Sequence[ChangedSpan]
) -> list[ReinterpretRequest]:
    zone = supply_point.zone
    requests = []
    for span in changes:
        to_on = None
        if span.end is not None:
            to_on = _local_on(span.end - timedelta(microseconds=1), zone) + timedelta(days=1)
        requests.append(
            ReinterpretRequest(
                supply_point.supply_point_id,
                _local_on(span.start, zone),
                to_on,
                span.channels,
                span.registers,
            )
        )
    return requests


def whole_history(stored: StoredReference) -> list[ReinterpretRequest]:
    """A new supply point: reads received before its configuration was known read differently
    now, from its first meter's install (or the first known attribute) onwards."""
    periods = stored.timeline.periods
    start = periods[0].start if periods else ALWAYS
    zone = stored.supply_point.zone
    return [ReinterpretRequest(stored.supply_point_id, _local_on(start, zone), None)]


def _attributes_changed_from(old: SupplyPoint, new: SupplyPoint) -> datetime | None:
    """The first instant at which the supply point's attributes differ, ``None`` if they don't."""
    if (old.market, old.zone, old.gb is None) != (new.market, new.zone, new.gb is None):
        return ALWAYS
    pairs: list[tuple[EffectiveSeries[Any], EffectiveSeries[Any]]] = [
        (old.settlement_regime, new.settlement_regime),
        (old.energisation, new.energisation),
    ]
    if old.gb is not None and new.gb is not None:
        pairs += [(getattr(old.gb, f.name), getattr(new.gb, f.name)) for f in fields(old.gb)]
    changes = [instant for a, b in pairs if (instant := _first_difference(a, b)) is not None]
    return min(changes, default=None)


def _first_difference(before: EffectiveSeries[Any], after: EffectiveSeries[Any]) -> datetime | None:
    """Entries are ordered by start: up to the first differing pair, the two series agree."""
    for old, new in itertools.zip_longest(before.entries, after.entries):
        if old != new:
            return min(e.start for e in (old, new) if e is not None)
    return None
