"""Loading a :class:`~meter2cash.ingest.csvmap.mapping.Mapping` from a YAML, JSON or TOML file.

The file's layout, key by key, is in ``csvmap/README.md``; unknown keys are refused (a typo must
not silently fall back to a default), and every message names the file and the key.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping as AnyMapping
from pathlib import Path
from typing import Any

import yaml

from meter2cash.domain.reads import Direction, Quality
from meter2cash.ingest.csvmap.mapping import (
    DIRECTIONS,
    QUALITY_NAMES,
    Mapping,
    MappingError,
    fail,
)

_TOP = {
    "version",
    "market",
    "timezone",
    "interval_minutes",
    "csv",
    "columns",
    "timestamp",
    "date_format",
    "unit",
    "channel",
    "direction",
    "direction_map",
    "quality",
    "quality_map",
    "max_open_days",
}
_SECTIONS = {
    "csv": {"delimiter", "decimal_separator", "header"},
    "columns": {
        "supply_point",
        "value",
        "timestamp",
        "date",
        "period",
        "unit",
        "channel",
        "direction",
        "quality",
    },
    "timestamp": {"marks", "format", "use_offset"},
}


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file (``.yaml``/``.yml``, ``.json`` or ``.toml``)."""
    path = Path(path)
    origin = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MappingError(f"{origin}: cannot read the mapping file: {exc.strerror}") from None
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            document = yaml.safe_load(text)
        elif suffix == ".json":
            document = json.loads(text)
        elif suffix == ".toml":
            document = tomllib.loads(text)
        else:
            raise MappingError(f"{origin}: a mapping file ends in .yaml, .yml, .json or .toml")
    except (yaml.YAMLError, json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{origin}: not valid {suffix[1:].upper()}: {exc}") from None
    return mapping_from_dict(document, origin)


def mapping_from_dict(document: object, origin: str = "<mapping>") -> Mapping:
    """Build a :class:`Mapping` from the parsed document (the CLI builds the same dict from flags)."""
    top = _section(document, origin, "(top level)", _TOP)
    if top.get("version", 1) != 1:
        raise fail(origin, "version", f"{top['version']!r}: this meter2cash reads version 1")
    csv_options = _section(top.get("csv", {}), origin, "csv", _SECTIONS["csv"])
    columns = _section(top.get("columns"), origin, "columns", _SECTIONS["columns"])
    stamp = _section(top.get("timestamp", {}), origin, "timestamp", _SECTIONS["timestamp"])
    for required in ("market", "timezone", "interval_minutes"):
        if required not in top:
            raise fail(origin, required, "required")
    for required in ("supply_point", "value"):
        if required not in columns:
            raise fail(origin, f"columns.{required}", "required")
    fields: dict[str, Any] = {
        "market": _text(top["market"], origin, "market").upper(),
        "timezone": _text(top["timezone"], origin, "timezone"),
        "interval_minutes": top["interval_minutes"],
        "supply_point": columns["supply_point"],
        "value": columns["value"],
        "timestamp": columns.get("timestamp"),
        "date": columns.get("date"),
        "period": columns.get("period"),
        "unit_column": columns.get("unit"),
        "channel_column": columns.get("channel"),
        "direction_column": columns.get("direction"),
        "quality_column": columns.get("quality"),
        "timestamp_marks": stamp.get("marks"),
        "origin": origin,
    }
    if "format" in stamp:
        fields["timestamp_format"] = _text(stamp["format"], origin, "timestamp.format")
    if "use_offset" in stamp:
        fields["use_timestamp_offset"] = _flag(stamp["use_offset"], origin, "timestamp.use_offset")
    if "date_format" in top:
        fields["date_format"] = _text(top["date_format"], origin, "date_format")
    for key in ("delimiter", "decimal_separator"):
        if key in csv_options:
            fields[key] = _text(csv_options[key], origin, f"csv.{key}", strip=False)
    if "header" in csv_options:
        fields["header"] = _flag(csv_options["header"], origin, "csv.header")
    for key in ("unit", "channel"):
        if key in top:
            fields[key] = _text(top[key], origin, key)
    if "direction" in top:
        fields["direction"] = _direction(top["direction"], origin, "direction")
    if "direction_map" in top:
        entries = _section(top["direction_map"], origin, "direction_map", None)
        fields["direction_map"] = tuple(
            (str(k).strip(), _direction(v, origin, f"direction_map.{k}"))
            for k, v in entries.items()
        )
    if "quality" in top:
        fields["quality"] = _quality(top["quality"], origin, "quality")
    if "quality_map" in top:
        entries = _section(top["quality_map"], origin, "quality_map", None)
        fields["quality_map"] = tuple(
            ("" if k is None else str(k).strip(), _quality(v, origin, f"quality_map.{k}"))
            for k, v in entries.items()
        )
    if "max_open_days" in top:
        fields["max_open_days"] = top["max_open_days"]
    return Mapping(**fields)


def _section(
    value: object, origin: str, key: str, allowed: set[str] | None
) -> AnyMapping[str, Any]:
    if not isinstance(value, dict):
        raise fail(origin, key, "must be a table of keys and values")
    if allowed is not None:
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise fail(
                origin,
                key,
                f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(allowed))}",
            )
    return value


def _text(value: object, origin: str, key: str, *, strip: bool = True) -> str:
    if not isinstance(value, str):
        raise fail(origin, key, f"{value!r} must be text")
    return value.strip() if strip else value


def _flag(value: object, origin: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise fail(origin, key, f"{value!r} must be true or false")
    return value


def _direction(value: object, origin: str, key: str) -> Direction:
    name = _text(value, origin, key).lower()
    if name not in DIRECTIONS:
        raise fail(origin, key, f"{value!r} is not one of {', '.join(DIRECTIONS)}")
    return DIRECTIONS[name]


def _quality(value: object, origin: str, key: str) -> Quality:
    name = _text(value, origin, key).lower()
    by_letter = {q.value.lower(): q for q in QUALITY_NAMES.values()}
    quality = QUALITY_NAMES.get(name) or by_letter.get(name)
    if quality is None:
        raise fail(origin, key, f"{value!r} is not one of {', '.join(QUALITY_NAMES)}")
    return quality
