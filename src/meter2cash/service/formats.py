"""Format options from the command line -> the parser to use (a generic CSV needs its mapping)."""

from __future__ import annotations

from pathlib import Path

from meter2cash.domain.errors import InputError
from meter2cash.ingest.sources import Parser


def configured_parser(fmt: str, mapping: Path | None) -> Parser | None:
    """The configured parser for ``--format csv --mapping FILE``; None lets the registry choose."""
    if mapping is None:
        if fmt == "csv":
            raise InputError("--format csv needs a column mapping: --mapping FILE")
        return None
    if fmt not in {"csv", "auto"}:
        raise InputError(f"--mapping is for --format csv, not {fmt}")
    from meter2cash.ingest.csvmap import load_mapping, parse_with

    return parse_with(load_mapping(mapping))
