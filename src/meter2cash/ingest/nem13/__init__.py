"""NEM13: AEMO's Meter Data File Format for accumulation (basic meter) data -> register reads."""

from meter2cash.ingest.nem13.parser import parse_nem13
from meter2cash.ingest.nem13.reasons import Nem13Reason
from meter2cash.ingest.textio import binary_parser

__all__ = ["Nem13Reason", "parse", "parse_nem13", "recognises"]


def recognises(first_line: str, head: str, file_name: str) -> bool:
    """An MDFF file whose 100 header names version NEM13."""
    return first_line.upper().startswith("100,NEM13")


parse = binary_parser(parse_nem13)
