"""NEM12: AEMO's Meter Data File Format for interval metering data (Australia's NEM)."""

from meter2cash.ingest.nem12.parser import parse_nem12

__all__ = ["parse_nem12"]
