"""The envelope of an AEMO MDFF file, shared by the NEM12 and NEM13 parsers.

The *Meter Data File Format Specification NEM12 & NEM13* gives both versions one envelope: a 100
header (exactly once, first, naming the version) and a 900 end record (exactly once, last), with the
version's own records between them. Checking it in one place keeps the two parsers' rejections of
it (reason, line and message) identical:

* blank lines are skipped but counted, and a UTF-8 BOM before the first record is dropped;
* a missing 100 header is rejected (``MISSING_HEADER`` at line 1, showing the first record) and the
  records are still read; a header naming another version stops the file (``UNSUPPORTED_FORMAT``);
* each record after the 900 is rejected (``RECORD_AFTER_END``), typically a second file
  concatenated onto the first; a missing 900 is rejected at the last record
  (``MISSING_END_RECORD``), an empty file (``EMPTY_FILE``) and one with no data records between 100
  and 900 (``NO_DATA``) too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from meter2cash.domain.reads import Rejection
from meter2cash.ingest.items import BOM, ParsedItem, Problem, undecodable
from meter2cash.ingest.reasons import Reason

Reject = Callable[[int, Reason, str, str], Rejection]  # (line, reason, message, offending text)


@dataclass(frozen=True, slots=True)
class Version:
    """How the envelope words its rejections for one MDFF version."""

    name: str  # what the 100 header must name, e.g. "NEM12"
    data_records: str  # what ``NO_DATA`` says is missing, e.g. "200/300"
    refused: Mapping[str, str] = field(default_factory=dict)  # another version -> why refused


class Records(Protocol):
    """A version's records between the 100 and the 900, with whatever state they carry."""

    def close(self, indicator: str | None) -> Iterable[ParsedItem]:
        """Before each record (``None``: at the end of the file), release what is held open."""
        ...

    def undecodable(self, line: int, indicator: str, text: str) -> ParsedItem:
        """Reject a record that is not UTF-8, and settle what it would have been part of."""
        ...

    def record(
        self, line: int, indicator: str, fields: list[str], text: str
    ) -> Iterable[ParsedItem]:
        """Read one decodable record (the 100 header excepted; a second 100 comes here)."""
        ...


def read_mdff(
    lines: Iterable[str], version: Version, records: Records, reject: Reject
) -> Iterator[ParsedItem]:
    """Check the envelope of ``lines`` and hand every record inside it to ``records``, in order."""
    header_seen = False
    end_line: int | None = None
    count = data = last_line = 0
    last_text = ""
    for line_no, line in enumerate(lines, start=1):
        text = line.strip()
        if line_no == 1:
            text = text.removeprefix(BOM)  # lines from a file opened without utf-8-sig
        if not text:
            continue
        count += 1
        last_line, last_text = line_no, text
        indicator = text.split(",", 1)[0]
        if end_line is not None:
            yield reject(
                line_no,
                Reason.RECORD_AFTER_END,
                f"record after the 900 end record at line {end_line}",
                text,
            )
            continue
        yield from records.close(indicator)
        if indicator not in ("100", "900"):
            data += 1
        if undecodable(text):
            header_seen = True
            yield records.undecodable(line_no, indicator, text)
            continue
        fields = text.split(",")
        if not header_seen:
            header_seen = True
            if indicator == "100":
                problem = _header_problem(fields, version)
                if problem:
                    yield reject(line_no, problem.reason, problem.message, text)
                    return
                continue
            yield reject(
                1,
                Reason.MISSING_HEADER,
                f"the file does not start with a 100 header record (100,{version.name},...); its "
                f"first record, at line {line_no}, is shown; the records are read as "
                f"{version.name}",
                text,
            )
        yield from records.record(line_no, indicator, fields, text)
        if indicator == "900":
            end_line = line_no
    yield from records.close(None)
    if count == 0:
        yield reject(1, Reason.EMPTY_FILE, "the file has no records", "")
    elif end_line is None:
        yield reject(
            last_line,
            Reason.MISSING_END_RECORD,
            f"no 900 end record after line {last_line}: file truncated?",
            last_text,
        )
    elif data == 0:
        message = f"no {version.data_records} records between 100 and 900"
        yield reject(end_line, Reason.NO_DATA, message, "900")


def _header_problem(fields: list[str], version: Version) -> Problem | None:
    named = fields[1].strip() if len(fields) > 1 else ""
    if named.upper() == version.name:
        return None
    message = version.refused.get(named.upper())
    return Problem(
        Reason.UNSUPPORTED_FORMAT,
        message or f"100 header names version {named[:20]!r}, not {version.name}",
    )
