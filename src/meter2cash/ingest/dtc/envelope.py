"""The ZHV header and ZPT trailer that wrap every DTC flat file, whatever its flow.

Layouts implemented (Elexon *P116 requirements specification* p. 8 as cited by public D0010
readers; field meanings confirmed against files and writers in public repositories — see the
package README; the catalogue text itself was not available)::

    ZHV|File Identifier|Data Flow and Version Number|From Market Participant Role Code|
        From Market Participant Id|To Market Participant Role Code|To Market Participant Id|
        File Creation Timestamp|Sending Application Id|Receiving Application Id|Broadcast|
        Test Data Flag|
    ZPT|File Identifier|Total Group Count|Checksum|Flow Count|File Completion Timestamp|

*Total Group Count* is the number of group lines between ZHV and ZPT; *Flow Count* the number of
top-level group instances (one per MPAN in a D0010). Both agree with the public sample (35 group
lines, 11 MPANs: ``ZPT|0000475656|35||11|...``) and with writers that fill them as "number of lines"
and "number of MPANs". The *Checksum* algorithm is not publicly verifiable: it is read as text and
not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import tzinfo

from meter2cash.ingest.dtc.fields import read_fields
from meter2cash.ingest.dtc.grammar import FieldSpec, FieldType, GroupSpec
from meter2cash.ingest.dtc.reasons import DtcReason, Problem

_T, _D, _I = FieldType.TEXT, FieldType.DATETIME, FieldType.INTEGER
HEADER = GroupSpec(
    id="ZHV",
    name="File Header",
    parent=None,
    order=0,
    fields=(
        FieldSpec("file_id", _T, True, "File Identifier"),
        FieldSpec("flow_version", _T, True, "Data Flow and Version Number"),
        FieldSpec("from_role", _T, True, "From Market Participant Role Code"),
        FieldSpec("from_participant", _T, True, "From Market Participant Id"),
        FieldSpec("to_role", _T, True, "To Market Participant Role Code"),
        FieldSpec("to_participant", _T, True, "To Market Participant Id"),
        FieldSpec("created_at", _D, True, "File Creation Timestamp"),
        FieldSpec("sending_application", _T, False, "Sending Application Id"),
        FieldSpec("receiving_application", _T, False, "Receiving Application Id"),
        FieldSpec("broadcast", _T, False, "Broadcast"),
        FieldSpec("test_data_flag", _T, False, "Test Data Flag"),
    ),
)
TRAILER = GroupSpec(
    id="ZPT",
    name="File Trailer",
    parent=None,
    order=0,
    fields=(
        FieldSpec("file_id", _T, True, "File Identifier"),
        FieldSpec("group_count", _I, True, "Total Group Count"),
        FieldSpec("checksum", _T, False, "Checksum"),
        FieldSpec("flow_count", _I, False, "Flow Count"),
        FieldSpec("completed_at", _D, False, "File Completion Timestamp"),
    ),
)
_FLOW_VERSION = re.compile(r"[A-Z][0-9]{4}[0-9]{3}")


@dataclass(frozen=True, slots=True)
class Header:
    """What the parser needs from a ZHV: which file it is and which flow (and version) it carries."""

    file_id: str
    flow_version: str  # e.g. D0010002: flow reference D0010, version 002
    problem: Problem | None  # a defect that does not stop the file (reported once)

    @property
    def flow(self) -> str:
        return self.flow_version[:5]

    @property
    def version(self) -> str:
        return self.flow_version[5:]


def split_line(text: str) -> list[str]:
    """A line's pipe-separated fields, without the empty one after the closing ``|``."""
    fields = text.split("|")
    if len(fields) > 1 and fields[-1] == "":
        fields.pop()
    return fields


def read_header(text: str, zone: tzinfo) -> Header | Problem:
    """The header, or the problem that stops the file (no readable flow and version)."""
    fields = split_line(text)
    flow_version = fields[2] if len(fields) > 2 else ""
    if not _FLOW_VERSION.fullmatch(flow_version):
        return Problem(
            DtcReason.BAD_HEADER,
            f"ZHV Data Flow and Version Number {flow_version!r} is not a flow reference and "
            "version such as D0010002: the flow cannot be chosen",
        )
    read = read_fields(HEADER, fields[1:], zone)
    problem = None
    if isinstance(read, Problem):
        problem = Problem(DtcReason.BAD_HEADER, f"{read.message}; the groups are still read")
    return Header(fields[1], flow_version, problem)


def trailer_problems(
    text: str, zone: tzinfo, header: Header, group_lines: int, flows: int, top_level: str
) -> list[Problem]:
    """What is wrong with a ZPT line, and whether its counts match what was read."""
    read = read_fields(TRAILER, split_line(text)[1:], zone)
    if isinstance(read, Problem):
        return [Problem(DtcReason.BAD_TRAILER, f"{read.message}; the counts cannot be checked")]
    problems = []
    if read["file_id"] != header.file_id:
        problems.append(
            Problem(
                DtcReason.BAD_TRAILER,
                f"ZPT File Identifier {read['file_id']!r} is not the ZHV's {header.file_id!r}: "
                "the trailer of another file?",
            )
        )
    mismatches = []
    if read["group_count"] != group_lines:
        mismatches.append(f"Total Group Count {read['group_count']} but {group_lines} group lines")
    if read["flow_count"] is not None and read["flow_count"] != flows:
        mismatches.append(f"Flow Count {read['flow_count']} but {flows} {top_level} groups")
    if mismatches:
        problems.append(
            Problem(
                DtcReason.BAD_TRAILER_COUNT,
                "ZPT says " + "; ".join(mismatches) + " were read: lines lost or added in transit? "
                "(the groups read were kept)",
            )
        )
    return problems
