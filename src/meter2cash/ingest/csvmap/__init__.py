"""Generic CSV: any one-row-per-interval CSV, read through a declarative column mapping.

Never detected automatically (a CSV does not say what its columns mean): ``--format csv --mapping
FILE`` builds the parser with :func:`parse_with`. See README.md for the mapping file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from meter2cash.ingest.csvmap.load import load_mapping, mapping_from_dict
from meter2cash.ingest.csvmap.mapping import Mapping, MappingError
from meter2cash.ingest.csvmap.parser import Parser, parse_with
from meter2cash.ingest.csvmap.reasons import CsvReason, Rejects
from meter2cash.ingest.items import ParsedItem

__all__ = [
    "CsvReason",
    "Mapping",
    "MappingError",
    "Parser",
    "load_mapping",
    "mapping_from_dict",
    "parse",
    "parse_with",
    "recognises",
]


def recognises(first_line: str, head: str, file_name: str) -> bool:
    """Never: a generic CSV is only read with the mapping a user names."""
    return False


def parse(
    binary: IO[bytes], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    """Without a mapping nothing can be read: one rejection says so (use :func:`parse_with`)."""
    yield Rejects(file_id, file_name, segment)(
        1,
        CsvReason.MAPPING_REQUIRED,
        "a generic CSV needs its column mapping (--format csv --mapping FILE)",
        "",
    )
