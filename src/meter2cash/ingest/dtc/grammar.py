"""The data-driven grammar of DTC flat files: one flow layout per flow version, held as data.

A DTC flow is a tree of *groups*, written one group per line in depth-first order; the file does
not bracket them, so a line's place in the tree follows only from the layout: a group's line belongs
under the nearest open instance of its declared parent. A layout (``flows/<flow><version>.yaml``)
declares, for one flow version::

    flow: D0010                 # data flow reference
    version: "002"              # the ZHV names the flow as reference + version: D0010002
    title: Meter Readings
    zone: Europe/London         # the clock of every date-time field of the flow
    groups:                     # catalogue order: a parent before its children, siblings in order
      - id: "026"               # quoted: YAML 1.1 reads an unquoted 026 as the octal number 22
        name: MPAN Cores
        parent: null            # null: a top-level group; each instance is one "flow" in the ZPT
        min: 0                  # optional: least instances under each instance of the parent
        note: free text         # provenance; not interpreted
        fields:                 # in line order, after the group id
          - name: mpan_core     # the identifier a mapper reads the value by
            item: J0003         # DTC data item reference (documentation only)
            title: MPAN Core
            type: text          # text | enum | date | datetime | decimal | integer
            mandatory: true     # a blank value rejects the line (default false)
            max_length: 13      # text only
            values: {V: Validated}   # enum only: the valid set, code -> meaning
            date_only: midnight      # datetime only: accept CCYYMMDD as local midnight
            note: free text

A layout is checked when it is loaded: a mistake in it is a :class:`ConfigurationError` naming the
file and the key, never a silently wrong parse.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from meter2cash.domain.errors import ConfigurationError, DomainError
from meter2cash.domain.time import zone_named


class FieldType(StrEnum):
    TEXT = "text"  # kept verbatim: spaces inside a value (meter serials) are data
    ENUM = "enum"  # a code from the field's valid set
    DATE = "date"  # CCYYMMDD
    DATETIME = "datetime"  # CCYYMMDDHHMMSS in the layout's zone -> an aware UTC instant
    DECIMAL = "decimal"  # optional sign, digits, optional point and digits -> exact Decimal
    INTEGER = "integer"  # digits -> int


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    mandatory: bool = False
    title: str = ""
    item: str | None = None
    max_length: int | None = None
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    date_only_midnight: bool = False


@dataclass(frozen=True, slots=True)
class GroupSpec:
    id: str
    name: str
    parent: str | None
    fields: tuple[FieldSpec, ...]
    order: int  # position among the parent's children (top-level groups among themselves)
    min: int = 0


@dataclass(frozen=True, slots=True)
class FlowLayout:
    flow: str
    version: str
    title: str
    zone: str
    groups: Mapping[str, GroupSpec]
    #: group id -> ids of every group below it (closed when a new child of that group opens)
    descendants: Mapping[str, frozenset[str]]
    #: group id (None for the top level) -> its child groups in catalogue order
    children: Mapping[str | None, tuple[GroupSpec, ...]]

    @property
    def key(self) -> str:
        """Flow reference and version as the ZHV writes them, e.g. ``D0010002``."""
        return self.flow + self.version


_FLOW = re.compile(r"[A-Z][0-9]{4}")
_VERSION = re.compile(r"[0-9]{3}")
_GROUP_ID = re.compile(r"[0-9A-Z]{3}")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_LAYOUT_KEYS = {"flow", "version", "title", "zone", "groups", "note"}
_GROUP_KEYS = {"id", "name", "parent", "fields", "min", "note"}
_FIELD_KEYS = {
    "name",
    "item",
    "title",
    "type",
    "mandatory",
    "max_length",
    "values",
    "date_only",
    "note",
}


def layout_from_data(data: object, source: str) -> FlowLayout:
    """Check a parsed layout document (see the module docstring) and build its :class:`FlowLayout`."""
    top = _mapping(data, _LAYOUT_KEYS, source)
    flow = _text(top, "flow", source, pattern=_FLOW)
    version = _text(top, "version", source, pattern=_VERSION)
    zone = _text(top, "zone", source)
    try:
        zone_named(zone)
    except DomainError as exc:
        raise ConfigurationError(f"{source}: zone {zone!r} is not a time zone") from exc
    raw_groups = top.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise ConfigurationError(f"{source}: 'groups' must be a non-empty list")
    groups: dict[str, GroupSpec] = {}
    siblings: dict[str | None, list[GroupSpec]] = {}
    for index, raw in enumerate(raw_groups):
        spec = _group(raw, f"{source} groups[{index}]", groups, siblings)
        groups[spec.id] = spec
        siblings.setdefault(spec.parent, []).append(spec)
    if None not in siblings:
        raise ConfigurationError(f"{source}: no top-level group (parent: null)")
    return FlowLayout(
        flow=flow,
        version=version,
        title=_text(top, "title", source, required=False),
        zone=zone,
        groups=MappingProxyType(groups),
        descendants=MappingProxyType({gid: _below(gid, siblings) for gid in groups}),
        children=MappingProxyType({k: tuple(v) for k, v in siblings.items()}),
    )


def _group(
    raw: object,
    where: str,
    known: Mapping[str, GroupSpec],
    siblings: Mapping[str | None, list[GroupSpec]],
) -> GroupSpec:
    data = _mapping(raw, _GROUP_KEYS, where)
    if not isinstance(data.get("id"), str):
        raise ConfigurationError(f"{where}: 'id' must be a quoted string such as \"026\"")
    gid = _text(data, "id", where, pattern=_GROUP_ID)
    where = f"{where} ({gid})"
    if gid in known or gid in ("ZHV", "ZPT"):
        raise ConfigurationError(f"{where}: group id declared twice or reserved")
    parent = data.get("parent")
    if parent is not None and (not isinstance(parent, str) or parent not in known):
        raise ConfigurationError(f"{where}: parent {parent!r} is not a group declared before it")
    minimum = data.get("min", 0)
    if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 0:
        raise ConfigurationError(f"{where}: 'min' must be a whole number >= 0")
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise ConfigurationError(f"{where}: 'fields' must be a non-empty list")
    fields = tuple(_field(f, f"{where} fields[{i}]") for i, f in enumerate(raw_fields))
    names = [spec.name for spec in fields]
    if len(set(names)) != len(names):
        raise ConfigurationError(f"{where}: field names repeat: {names}")
    return GroupSpec(
        id=gid,
        name=_text(data, "name", where),
        parent=parent,
        fields=fields,
        order=len(siblings.get(parent, ())),
        min=minimum,
    )


def _field(raw: object, where: str) -> FieldSpec:
    data = _mapping(raw, _FIELD_KEYS, where)
    name = _text(data, "name", where, pattern=_NAME)
    where = f"{where} ({name})"
    try:
        kind = FieldType(str(data.get("type")))
    except ValueError:
        known = ", ".join(t.value for t in FieldType)
        raise ConfigurationError(f"{where}: 'type' must be one of {known}") from None
    mandatory = data.get("mandatory", False)
    if not isinstance(mandatory, bool):
        raise ConfigurationError(f"{where}: 'mandatory' must be true or false")
    max_length = data.get("max_length")
    if max_length is not None and (
        kind is not FieldType.TEXT or not isinstance(max_length, int) or max_length < 1
    ):
        raise ConfigurationError(f"{where}: 'max_length' is a positive number, for text only")
    values = data.get("values")
    if (kind is FieldType.ENUM) != (values is not None):
        raise ConfigurationError(f"{where}: 'values' is required for enum fields, and only there")
    codes: dict[str, str] = {}
    if values is not None:
        if not isinstance(values, dict) or not values:
            raise ConfigurationError(f"{where}: 'values' must map each code to its meaning")
        for code, meaning in values.items():
            if not isinstance(code, str) or not code or not isinstance(meaning, str):
                raise ConfigurationError(f"{where}: enum code {code!r} must be quoted text")
            codes[code] = meaning
    date_only = data.get("date_only")
    if date_only is not None and (kind is not FieldType.DATETIME or date_only != "midnight"):
        raise ConfigurationError(f"{where}: 'date_only' is 'midnight', for datetime only")
    item = data.get("item")
    if item is not None and not isinstance(item, str):
        raise ConfigurationError(f"{where}: 'item' must be text such as J0003")
    return FieldSpec(
        name=name,
        type=kind,
        mandatory=mandatory,
        title=_text(data, "title", where, required=False),
        item=item,
        max_length=max_length,
        values=MappingProxyType(codes),
        date_only_midnight=date_only == "midnight",
    )


def _below(gid: str, siblings: Mapping[str | None, list[GroupSpec]]) -> frozenset[str]:
    found: set[str] = set()
    pending = [gid]
    while pending:
        for child in siblings.get(pending.pop(), ()):
            found.add(child.id)
            pending.append(child.id)
    return frozenset(found)


def _mapping(raw: object, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{where}: expected a mapping, got {type(raw).__name__}")
    unknown = sorted(str(key) for key in raw if key not in allowed)
    if unknown:
        raise ConfigurationError(f"{where}: unknown keys {unknown} (allowed: {sorted(allowed)})")
    return raw


def _text(
    data: Mapping[str, Any],
    key: str,
    where: str,
    *,
    pattern: re.Pattern[str] | None = None,
    required: bool = True,
) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"{where}: {key!r} must be non-empty text (quote numbers)")
    if pattern is not None and not pattern.fullmatch(value):
        raise ConfigurationError(f"{where}: {key} {value!r} does not match {pattern.pattern}")
    return value
