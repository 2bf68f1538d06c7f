"""Synthetic D0010 files for the DTC tests: small, readable, and written here (no licensed data)."""

from __future__ import annotations

from meter2cash.domain.reads import RegisterRead, Rejection
from meter2cash.ingest.dtc import parse_lines

FILE_ID = "d" * 64
DTC_FILE_ID = "0000000042"
HEADER = f"ZHV|{DTC_FILE_ID}|D0010002|D|UDMS|X|MRCY|20240302153151||||OPER|"
#: Worked examples of the MPAN check digit in market-rules.md §5.1: synthetic, valid cores.
MPAN_A = "1030006718997"
MPAN_B = "1200010001290"


def d0010(
    *groups: str,
    header: str = HEADER,
    trailer: bool = True,
    group_count: int | None = None,
    flow_count: int | str | None = None,
    file_id: str = DTC_FILE_ID,
) -> list[str]:
    """A D0010 file around ``groups``, with a ZPT that counts them right unless told otherwise."""
    count = len(groups) if group_count is None else group_count
    flows = sum(g.startswith("026|") for g in groups) if flow_count is None else flow_count
    zpt = [f"ZPT|{file_id}|{count}||{flows}|20240302154650|"] if trailer else []
    return [header, *groups, *zpt]


def mpan(core: str = MPAN_A, status: str = "V") -> str:
    return f"026|{core}|{status}|"


def meter(serial: str = "F75A 00802", reading_type: str = "C") -> str:
    return f"028|{serial}|{reading_type}|"


def reading(
    register: str = "S",
    at: str = "20240222000000",
    value: str = "56311.0",
    md: str = "|",
    flag: str = "T",
    method: str = "N",
) -> str:
    return f"030|{register}|{at}|{value}|{md}|{flag}|{method}|"


def parse(
    lines: list[str], segment: str | None = None
) -> tuple[list[RegisterRead], list[Rejection]]:
    items = list(parse_lines(lines, FILE_ID, "test.uff", segment))
    reads = [item for item in items if isinstance(item, RegisterRead)]
    rejections = [item for item in items if isinstance(item, Rejection)]
    assert len(reads) + len(rejections) == len(items)
    return reads, rejections


def reasons(rejections: list[Rejection]) -> list[tuple[int, str]]:
    return [(r.source.line, r.reason_code) for r in rejections]
