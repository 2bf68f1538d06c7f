"""Ingest: received files -> canonical channel-days, or rejections naming the file, line and reason.

One subpackage or module per format, all yielding :data:`ParsedItem` in file order and never raising
on bad content. :func:`parse_file` opens a file (or each member of a ZIP) and picks the parser.
"""

from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.jsonl import parse_jsonl
from meter2cash.ingest.nem12 import parse_nem12
from meter2cash.ingest.reasons import Reason
from meter2cash.ingest.sources import FORMATS, Format, detect_format, format_names, parse_file

__all__ = [
    "FORMATS",
    "Format",
    "ParsedItem",
    "Reason",
    "detect_format",
    "format_names",
    "parse_file",
    "parse_jsonl",
    "parse_nem12",
]
