"""UK DTC (Data Transfer Catalogue) flat files: a data-driven grammar, and D0010 meter readings.

A DTC file is pipe-delimited: a ``ZHV`` header naming the flow and version, group lines (one group
per line, nested by the flow's layout), a ``ZPT`` trailer with counts. This package reads any flow
whose layout is in ``flows/`` and whose mapper is registered (see ``README.md``); today that is
D0010 version 002, whose readings become :class:`RegisterRead` items (market GB).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from meter2cash.domain.time import UK_TIME
from meter2cash.ingest.dtc.envelope import read_header
from meter2cash.ingest.dtc.reader import Group, GroupReader
from meter2cash.ingest.dtc.reasons import DtcReason, Problem, Rejecter
from meter2cash.ingest.dtc.registry import Context, flow_for
from meter2cash.ingest.items import BOM, ParsedItem
from meter2cash.ingest.reasons import Reason
from meter2cash.ingest.textio import binary_parser

__all__ = ["DtcReason", "parse", "parse_lines", "recognises"]

NAME = "dtc"
TITLE = "UK DTC flows (D0010)"


def recognises(first_line: str, head: str, file_name: str) -> bool:
    """A DTC file starts with its ``ZHV`` header; no other registered format does."""
    return first_line.startswith("ZHV|")


def parse_lines(
    lines: Iterable[str], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    """Yield register reads and rejections, in file order, one line at a time.

    ``lines`` are the file's lines (newlines optional); line numbers count from 1 and include blank
    lines, which are skipped. Memory holds one top-level group (one MPAN) at a time.
    """
    reject = Rejecter(file_id, file_name, segment)
    numbered = enumerate(lines, start=1)
    for line_no, line in numbered:
        text = line.rstrip("\r\n")
        if line_no == 1:
            text = text.removeprefix(BOM)  # lines from a file opened without utf-8-sig
        if text.strip():
            break
    else:
        yield reject(1, Reason.EMPTY_FILE, "the file has no records", "")
        return
    header_text = text.strip()
    if not header_text.startswith("ZHV|"):
        yield reject(
            line_no,
            Reason.MISSING_HEADER,
            "the first record is not a ZHV header: the flow cannot be known; nothing is read",
            text,
        )
        return
    header = read_header(header_text, UK_TIME)
    if isinstance(header, Problem):
        yield reject.problem(line_no, header, text)
        return
    flow = flow_for(header.flow_version)
    if isinstance(flow, str):
        yield reject(line_no, DtcReason.UNSUPPORTED_FLOW, flow, text)
        return
    if header.problem is not None:
        yield reject.problem(line_no, header.problem, text)
    context = Context(header, reject, flow.zone)
    reader = GroupReader(flow.layout, header, reject, flow.zone, line_no)
    for item in reader.read(numbered):
        if isinstance(item, Group):
            yield from flow.mapper(item, context)
        else:
            yield item


#: The registry's entry point: ``parse(binary, file_id, file_name, segment)``, streaming.
parse = binary_parser(parse_lines)
