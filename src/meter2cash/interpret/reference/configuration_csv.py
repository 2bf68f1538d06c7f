"""Load the bulk CSV reference-data format: one row per channel or register of a meter.

Meant for many supply points with simple histories (installs and removals; reconfigurations and
corrections need the YAML format). Rows with the same supply point, meter serial and
``installed_at`` form one meter period; a supply point's attributes must agree on all its rows
(blank cells take the value from the others). The columns are documented in README.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationPeriod,
    RegisterConfig,
)
from meter2cash.domain.configuration_changes import supersede
from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, SourceRef
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import (
    ALWAYS,
    EffectiveSeries,
    Energisation,
    SettlementRegime,
    SupplyPoint,
)
from meter2cash.interpret.reference.model import (
    ReferenceData,
    ReferenceDataError,
    SupplyPointReference,
)
from meter2cash.interpret.reference.values import (
    ValueProblem,
    annual_kwh,
    choice,
    decimal,
    instant,
    integer,
)

V = TypeVar("V")
E = TypeVar("E", bound=StrEnum)

REQUIRED_COLUMNS = ("supply_point_id", "market", "zone", "meter_serial", "installed_at", "kind")
OPTIONAL_COLUMNS = (
    "settlement_regime", "energisation", "removed_at", "channel", "direction", "unit",
    "interval_minutes", "register_id", "digits", "multiplier", "time_pattern", "initial_read",
    "final_read", "annual_consumption",
)  # fmt: skip
_SUPPLY_POINT_COLUMNS = (
    "market",
    "zone",
    "settlement_regime",
    "energisation",
    "annual_consumption",
)


@dataclass
class _Meter:
    line: int
    removed_at: datetime | None
    channels: list[ChannelConfig] = field(default_factory=list)
    registers: list[RegisterConfig] = field(default_factory=list)


class _Row:
    def __init__(self, source: str, line: int, cells: dict[str, str]) -> None:
        self.source, self.line, self.cells = source, line, cells

    def fail(self, column: str | None, reason: str) -> ReferenceDataError:
        where = f"line {self.line}" + (f", column {column}" if column else "")
        return ReferenceDataError(self.source, where, reason)

    def get(self, column: str, parse: Callable[[str], V]) -> V | None:
        text = (self.cells.get(column) or "").strip()
        if not text:
            return None
        try:
            return parse(text)
        except ValueProblem as exc:
            raise self.fail(column, str(exc)) from None

    def need(self, column: str, parse: Callable[[str], V]) -> V:
        value = self.get(column, parse)
        if value is None:
            raise self.fail(column, "must not be empty")
        return value

    def need_text(self, column: str, text: str, parse: Callable[[str], V]) -> V:
        """``parse(text)`` of a value this row gave for ``column``; a problem names the row."""
        try:
            return parse(text)
        except ValueProblem as exc:
            raise self.fail(column, str(exc)) from None

    def build(self, factory: Callable[..., V], *args: object) -> V:
        try:
            return factory(*args)
        except DomainError as exc:
            raise self.fail(None, str(exc)) from None


def load_reference_csv(
    path: Path | str, *, known_from: datetime | None = None, file_id: str | None = None
) -> ReferenceData:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(str(path), "file", f"cannot be read: {exc}") from None
    return parse_reference_csv(text, str(path), known_from=known_from, file_id=file_id)


def parse_reference_csv(
    text: str, source: str, *, known_from: datetime | None = None, file_id: str | None = None
) -> ReferenceData:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    if missing := [c for c in REQUIRED_COLUMNS if c not in header]:
        raise ReferenceDataError(source, "line 1", f"missing column(s): {', '.join(missing)}")
    if unknown := [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]:
        raise ReferenceDataError(source, "line 1", f"unknown column(s): {', '.join(unknown)}")
    reader.fieldnames = header
    attributes: dict[str, dict[str, tuple[str, int]]] = {}
    meters: dict[str, dict[tuple[str, datetime], _Meter]] = {}
    for cells in reader:
        row = _Row(source, reader.line_num, {k: v for k, v in cells.items() if k is not None})
        if None in cells:
            raise row.fail(None, "more cells than columns")
        if not any((value or "").strip() for value in row.cells.values()):
            continue
        supply_point_id = row.need("supply_point_id", str)
        known = attributes.setdefault(supply_point_id, {})
        for column in _SUPPLY_POINT_COLUMNS:
            value = row.get(column, str)
            if value is None:
                continue
            if column in known and known[column][0] != value:
                raise row.fail(
                    column,
                    f"{value!r} differs from {known[column][0]!r} on line {known[column][1]} "
                    f"for supply point {supply_point_id}",
                )
            known.setdefault(column, (value, row.line))
        key = (row.need("meter_serial", str), row.need("installed_at", instant))
        removed_at = row.get("removed_at", instant)
        meter = meters.setdefault(supply_point_id, {}).setdefault(key, _Meter(row.line, removed_at))
        if meter.removed_at != removed_at:
            raise row.fail("removed_at", f"differs from line {meter.line} for meter {key[0]}")
        kind = row.need("kind", str)
        if kind == "channel":
            meter.channels.append(_channel(row))
        elif kind == "register":
            meter.registers.append(_register(row))
        else:
            raise row.fail("kind", f"{kind!r} is not one of: channel, register")
    entries = [
        _entry(source, file_id or source, spid, attributes[spid], meters[spid]) for spid in meters
    ]
    return ReferenceData(source, known_from, tuple(entries))


def _channel(row: _Row) -> ChannelConfig:
    return row.build(
        ChannelConfig,
        row.need("channel", str),
        row.need("direction", lambda t: choice(t, Direction)),
        row.need("unit", lambda t: choice(t, Unit)),
        row.need("interval_minutes", integer),
    )


def _register(row: _Row) -> RegisterConfig:
    return row.build(
        RegisterConfig,
        row.need("register_id", str),
        row.need("digits", integer),
        _default(row.get("multiplier", decimal), Decimal(1)),
        row.get("time_pattern", str),
        row.get("channel", str),
        row.get("direction", lambda t: choice(t, Direction)),
        row.get("initial_read", decimal),
        row.get("final_read", decimal),
    )


def _default(value: Decimal | None, default: Decimal) -> Decimal:
    return default if value is None else value


def _entry(
    source: str,
    file_id: str,
    supply_point_id: str,
    attributes: dict[str, tuple[str, int]],
    meters: dict[tuple[str, datetime], _Meter],
) -> SupplyPointReference:
    first_line = min(meter.line for meter in meters.values())
    row = _Row(source, first_line, {})
    for column in ("market", "zone"):
        if column not in attributes:
            raise row.fail(column, f"no row of supply point {supply_point_id} gives its {column}")
    regime = attributes.get("settlement_regime")
    energisation = attributes.get("energisation")
    annual = attributes.get("annual_consumption")
    supply_point = row.build(
        SupplyPoint,
        supply_point_id,
        _choice(row, "market", attributes["market"][0], Market),
        attributes["zone"][0],
        _constant(row, "settlement_regime", regime, SettlementRegime),
        _constant(row, "energisation", energisation, Energisation),
        None,
        _constant_of(row, "annual_consumption", annual, annual_kwh),
    )
    periods = [
        row.build(
            ConfigurationPeriod,
            supply_point_id,
            serial,
            installed_at,
            meter.removed_at,
            tuple(meter.registers),
            tuple(meter.channels),
            ChangeKind.INSTALL,
            SourceRef(file_id, meter.line),
        )
        for (serial, installed_at), meter in meters.items()
    ]
    row.build(supersede, None, supply_point_id, periods)  # overlapping meters: refused here
    return SupplyPointReference(supply_point_id, supply_point, tuple(periods))


def _choice(row: _Row, column: str, text: str, enum: type[E]) -> E:
    try:
        return choice(text, enum)
    except ValueProblem as exc:
        raise row.fail(column, str(exc)) from None


def _constant(
    row: _Row, column: str, value: tuple[str, int] | None, enum: type[E]
) -> EffectiveSeries[E]:
    """A CSV attribute holds for all time (the YAML format carries effective-dated changes)."""
    return _constant_of(row, column, value, lambda text: choice(text, enum))


def _constant_of(
    row: _Row, column: str, value: tuple[str, int] | None, parse: Callable[[str], V]
) -> EffectiveSeries[V]:
    if value is None:
        return EffectiveSeries()
    text, line = value
    return EffectiveSeries.constant(
        _Row(row.source, line, {}).need_text(column, text, parse), ALWAYS
    )
