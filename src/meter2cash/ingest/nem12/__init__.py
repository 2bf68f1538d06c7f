"""NEM12: AEMO's Meter Data File Format for interval metering data (Australia's NEM)."""

from meter2cash.ingest.nem12.parser import parse_nem12
from meter2cash.ingest.textio import binary_parser

__all__ = ["parse", "parse_nem12", "recognises"]


def recognises(first_line: str, head: str, file_name: str) -> bool:
    # A header-less file starting at a 200 record is still NEM12 (seen in Powercor exports); the
    # parser rejects the missing header precisely rather than the whole file as unknown.
    return first_line.upper().startswith("100,NEM12") or (
        first_line.startswith("200,") and first_line.count(",") >= 8
    )


parse = binary_parser(parse_nem12)
