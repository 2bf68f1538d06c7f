"""Format options from the command line -> the parser to use (a generic CSV needs its mapping).

A generic CSV mapping comes from a file (``--mapping FILE``), from flags (``--map KEY=VALUE``, dotted
keys of the same document, e.g. ``--map columns.value=kWh --map timezone=Europe/London``), or from a
file with flags overriding single keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from meter2cash.domain.errors import InputError
from meter2cash.ingest.sources import Parser


def mapping_document(mapping: Path | None, overrides: Sequence[str]) -> dict[str, Any]:
    """The mapping as a plain document: the file's content with each ``KEY=VALUE`` applied."""
    document: dict[str, Any] = {}
    if mapping is not None:
        try:
            loaded = yaml.safe_load(mapping.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"{mapping}: cannot read the mapping file: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            raise InputError(f"{mapping}: not valid YAML/JSON: {exc}") from None
        if not isinstance(loaded, dict):
            raise InputError(f"{mapping}: a mapping file is a document of keys")
        document = loaded
    for override in overrides:
        key, sep, raw = override.partition("=")
        if not sep or not key:
            raise InputError(f"--map takes KEY=VALUE (e.g. columns.value=kWh), got {override!r}")
        node = document
        *parents, leaf = key.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise InputError(f"--map {key}: {part} is not a section")
            node = child
        node[leaf] = _scalar(raw)
    return document


def _scalar(raw: str) -> Any:
    """``30`` -> 30, ``true`` -> True, anything that is not a plain YAML scalar stays text."""
    try:
        value = yaml.safe_load(raw) if raw else raw
    except yaml.YAMLError:
        return raw
    return value if isinstance(value, (str, int, float, bool)) else raw


def configured_parser(
    fmt: str, mapping: Path | None, overrides: Sequence[str] = ()
) -> Parser | None:
    """The configured parser for ``--format csv``; None lets the registry choose."""
    if mapping is None and not overrides:
        if fmt == "csv":
            raise InputError(
                "--format csv needs a column mapping: --mapping FILE or --map KEY=VALUE"
            )
        return None
    if fmt not in {"csv", "auto"}:
        raise InputError(f"--mapping/--map are for --format csv, not {fmt}")
    from meter2cash.ingest.csvmap import load_mapping, mapping_from_dict, parse_with

    if mapping is not None and not overrides:
        return parse_with(load_mapping(mapping))
    origin = f"{mapping} with --map" if mapping else "--map flags"
    return parse_with(mapping_from_dict(mapping_document(mapping, overrides), origin))
