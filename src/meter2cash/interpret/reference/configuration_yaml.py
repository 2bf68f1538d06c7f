"""Load the YAML reference-data format (``meter2cash-reference/1``): supply points and their meters.

The format is documented, with an example, in this package's README.md; ``examples/reference/``
holds a file for the demo supply points. Every error names the file, the line and the key path.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationPeriod,
    RegisterConfig,
    Span,
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
    GbAttributes,
    SettlementRegime,
    SupplyPoint,
)
from meter2cash.interpret.reference.model import (
    ReferenceData,
    ReferenceDataError,
    SupplyPointReference,
)
from meter2cash.interpret.reference.values import annual_kwh, choice, decimal, instant, integer
from meter2cash.interpret.reference.yaml_nodes import Node, optional

FORMAT = "meter2cash-reference/1"
V = TypeVar("V")

_ENTRY_KEYS = {"market", "zone", "settlement_regime", "energisation", "gb", "meters", "replaces"}
_ENTRY_KEYS |= {"annual_consumption"}
_GB_KEYS = {"profile_class": "profile_class", "mtc": "meter_timeswitch_code"}
_GB_KEYS |= {"llfc": "line_loss_factor_class", "ssc": "standard_settlement_configuration"}
_CHANNEL_KEYS = {"channel", "direction", "unit", "interval_minutes"}
_REGISTER_KEYS = {"register_id", "digits"}
_REGISTER_OPTIONAL = {"multiplier", "time_pattern", "channel", "direction"}
_REGISTER_OPTIONAL |= {"initial_read", "final_read"}
_METER_OPTIONAL = {"removed_at", "registers", "channels", "reconfigurations"}
_Step = tuple[datetime, tuple[RegisterConfig, ...], tuple[ChannelConfig, ...], ChangeKind, Node]


def load_reference_yaml(path: Path | str, *, file_id: str | None = None) -> ReferenceData:
    """Load a reference-data YAML file; ``file_id`` (e.g. the archive's content hash) goes into
    each period's :class:`SourceRef`, the file name by default."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(str(path), "file", f"cannot be read: {exc}") from None
    return parse_reference_yaml(text, str(path), file_id=file_id)


def parse_reference_yaml(text: str, source: str, *, file_id: str | None = None) -> ReferenceData:
    root = Node.parse(text, source).mapping({"format", "supply_points"}, {"known_from"})
    if root["format"].text() != FORMAT:
        raise root["format"].fail(f"unsupported format {root['format'].text()!r}; want {FORMAT}")
    known_from = optional(root, "known_from", instant)
    entries = [_entry(node, file_id or source) for node in root["supply_points"].items()]
    seen: set[str] = set()
    for entry, node in zip(entries, root["supply_points"].items(), strict=True):
        if entry.supply_point_id in seen:
            raise node.fail(f"supply point {entry.supply_point_id} is listed twice")
        seen.add(entry.supply_point_id)
    return ReferenceData(source, known_from, tuple(entries))


def _build(node: Node, factory: Callable[..., V], *args: object) -> V:
    """Run a domain constructor; its invariant failure becomes an error located at ``node``."""
    try:
        return factory(*args)
    except DomainError as exc:
        raise node.fail(str(exc)) from None


def _series(node: Node | None, parse: Callable[[str], V]) -> EffectiveSeries[V]:
    """A plain value (in force for all time) or a list of ``{from: instant, value: v}``."""
    if node is None or node.is_null:
        return EffectiveSeries()
    if not node.is_sequence:
        return EffectiveSeries.constant(node.value(parse), ALWAYS)
    pairs = []
    for item in node.items():
        fields = item.mapping({"from", "value"})
        pairs.append((fields["from"].value(instant), fields["value"].value(parse)))
    return _build(node, EffectiveSeries.of, pairs)


def _entry(node: Node, file_id: str) -> SupplyPointReference:
    fields = node.mapping({"supply_point_id", "meters"}, _ENTRY_KEYS)
    supply_point_id = fields["supply_point_id"].text()
    replaces = None
    if "replaces" in fields:
        span = fields["replaces"].mapping({"start"}, {"end"})
        start, end = span["start"].value(instant), optional(span, "end", instant)
        replaces = _build(fields["replaces"], Span, start, end)
    supply_point = None
    if replaces is None or "market" in fields:
        supply_point = _supply_point(node, fields, supply_point_id)
    periods: list[ConfigurationPeriod] = []
    for meter in fields["meters"].items():
        periods.extend(_meter(meter, supply_point_id, file_id))
    # Refuse overlapping meters (and, for a correction, meters outside its span) here, where the
    # error can still name the file and line.
    _build(fields["meters"], supersede, None, supply_point_id, periods, replaces)
    return SupplyPointReference(supply_point_id, supply_point, tuple(periods), replaces)


def _supply_point(node: Node, fields: dict[str, Node], supply_point_id: str) -> SupplyPoint:
    for key in ("market", "zone"):
        if key not in fields:
            raise node.fail(f"missing required key: {key}")
    market = fields["market"].value(lambda text: choice(text, Market))
    gb = None
    if "gb" in fields:
        codes = fields["gb"].mapping(set(), set(_GB_KEYS))
        series = {_GB_KEYS[key]: _series(value, str) for key, value in codes.items()}
        gb = _build(fields["gb"], lambda: GbAttributes(**series))
    return _build(
        node,
        SupplyPoint,
        supply_point_id,
        market,
        fields["zone"].text(),
        _series(fields.get("settlement_regime"), lambda t: choice(t, SettlementRegime)),
        _series(fields.get("energisation"), lambda t: choice(t, Energisation)),
        gb,
        _series(fields.get("annual_consumption"), annual_kwh),
    )


def _channel(node: Node) -> ChannelConfig:
    fields = node.mapping(_CHANNEL_KEYS)
    return _build(
        node,
        ChannelConfig,
        fields["channel"].text(),
        fields["direction"].value(lambda text: choice(text, Direction)),
        fields["unit"].value(lambda text: choice(text, Unit)),
        fields["interval_minutes"].value(integer),
    )


def _register(node: Node) -> RegisterConfig:
    fields = node.mapping(_REGISTER_KEYS, _REGISTER_OPTIONAL)
    multiplier = optional(fields, "multiplier", decimal)
    return _build(
        node,
        RegisterConfig,
        fields["register_id"].text(),
        fields["digits"].value(integer),
        Decimal(1) if multiplier is None else multiplier,
        optional(fields, "time_pattern", str),
        optional(fields, "channel", str),
        optional(fields, "direction", lambda text: choice(text, Direction)),
        optional(fields, "initial_read", decimal),
        optional(fields, "final_read", decimal),
    )


def _list(node: Node | None, parse: Callable[[Node], V]) -> tuple[V, ...]:
    return () if node is None or node.is_null else tuple(parse(item) for item in node.items())


def _meter(node: Node, supply_point_id: str, file_id: str) -> list[ConfigurationPeriod]:
    """One meter's periods: from install, split at each reconfiguration, until removal."""
    fields = node.mapping({"serial", "installed_at"}, _METER_OPTIONAL)
    serial = fields["serial"].text()
    removed_at = optional(fields, "removed_at", instant)
    # (start, registers, channels, started_by, node) of each period, in order
    steps: list[_Step] = [
        (
            fields["installed_at"].value(instant),
            _list(fields.get("registers"), _register),
            _list(fields.get("channels"), _channel),
            ChangeKind.INSTALL,
            node,
        )
    ]
    for change in _list(fields.get("reconfigurations"), lambda n: n):
        step = change.mapping({"at"}, {"registers", "channels"})
        previous = steps[-1]
        steps.append(
            (
                step["at"].value(instant),
                _list(step["registers"], _register) if "registers" in step else previous[1],
                _list(step["channels"], _channel) if "channels" in step else previous[2],
                ChangeKind.RECONFIGURATION,
                change,
            )
        )
    periods = []
    for index, (start, registers, channels, kind, where) in enumerate(steps):
        end = steps[index + 1][0] if index + 1 < len(steps) else removed_at
        source = SourceRef(file_id, where.line)
        periods.append(
            _build(
                where,
                ConfigurationPeriod,
                supply_point_id,
                serial,
                start,
                end,
                registers,
                channels,
                kind,
                source,
            )
        )
    return periods
