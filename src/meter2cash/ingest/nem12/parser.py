"""Strict, streaming NEM12 parser: AEMO MDFF interval data -> canonical channel-days.

File layout implemented (AEMO *Meter Data File Format Specification NEM12 & NEM13*)::

    100,NEM12,DateTime(12),FromParticipant,ToParticipant        header, exactly once, first
      200,NMI,NMIConfiguration,...,UOM,IntervalLength,...       NMI data details: opens a block
        300,IntervalDate,IntervalValue1..N,QualityMethod,...    one local day of one block
          400,StartInterval,EndInterval,QualityMethod,...       per-interval quality of a V day
        500,TransCode,RetServiceOrder,ReadDateTime,IndexRead    B2B details
    900                                                         end of data, exactly once, last

(field-level layouts are quoted in :mod:`~meter2cash.ingest.nem12.records` and
:mod:`~meter2cash.ingest.nem12.quality`).

Where the popular ``nemreader`` logs and carries on, this parser rejects, record by record, with a
reason code and the line, and still reads every sound record around the bad one. Decisions where the
MDFF leaves room, or where a file breaks it:

* The envelope (100 header, 900 end, blank lines) is checked by :mod:`~meter2cash.ingest.mdff`, as
  for NEM13. A missing 100 header is rejected (``MISSING_HEADER`` at line 1, showing the first
  record) and the records are still read: each 200/300 record describes itself and the header
  carries nothing a read needs. A header naming another version (NEM13, ...) stops the file with one
  ``UNSUPPORTED_FORMAT``.
* Records after the 900 are rejected one by one (``RECORD_AFTER_END``): they are typically a second
  file concatenated onto the first, possibly re-sending the same days with other values.
* A day is held until the record after its 300 arrives, so that its 400 records can complete it;
  400 records belong to the day before them. When that day is rejected they go with it (no separate
  rejection each); a 400 after a day that is not V rejects the day (``UNEXPECTED_RECORD``). A line
  with an unknown record indicator is rejected on its own and leaves the day open.
* A rejected 200 block does not stop its 300 records from being checked: each gets its own defect as
  reason, or ``BLOCK_REJECTED`` when it is sound, so that one fix does not reveal the next error.
* 500 records (B2B transaction details) are metadata about a read, not a read: accepted, no output.
* Intervals flagged N (null) keep the value the file carries; the quality says it is not a read.
  Negative values are kept too: judging them is validation's job, not the parser's.
* The same NMI, suffix and day twice in one file is not checked here: downstream versioning treats
  the later one as a correction, like a re-sent file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from meter2cash.domain.reads import SourceRef
from meter2cash.ingest.items import ParsedItem, Problem, Rejecter
from meter2cash.ingest.mdff import Version, read_mdff
from meter2cash.ingest.nem12.quality import interval_flags, parse_400
from meter2cash.ingest.nem12.records import Block, Day, channel_day, parse_200, parse_300
from meter2cash.ingest.reasons import Reason

_RECORDS = "100, 200, 300, 400, 500, 900"
# Records that close the day before them (400s extend it; an unknown line leaves it alone, so that a
# stray line inside a day does not turn the day's own 400 records into orphans).
_CLOSES_DAY = frozenset({"100", "200", "250", "300", "500", "550", "900"})
_NEM12 = Version(
    "NEM12",
    data_records="200/300",
    refused={"NEM13": "NEM13 (accumulation meter data) is not supported yet"},
)


def parse_nem12(
    lines: Iterable[str], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    """Yield a :class:`ChannelDay` per sound 300 record and a :class:`Rejection` per problem.

    ``lines`` are the file's lines in order (newlines optional); line numbers count from 1 and
    include blank lines, which are skipped. Reads one line at a time: memory does not grow with the
    file.
    """
    reject = Rejecter(file_id, file_name, segment)
    return read_mdff(lines, _NEM12, _Reader(file_id, segment, reject), reject)


class _Reader:
    """The state of one file: the open 200 block and the 300 day awaiting its 400 records."""

    def __init__(self, file_id: str, segment: str | None, reject: Rejecter) -> None:
        self.file_id = file_id
        self.segment = segment
        self.reject = reject
        self.block: Block | None = None
        self.day: Day | None = None
        self.skip_400 = False  # the 400 records that follow belong to a rejected day

    def close(self, indicator: str | None) -> Iterator[ParsedItem]:
        if indicator is None or indicator in _CLOSES_DAY:
            if self.day is not None:
                yield self._finish_day()
            self.skip_400 = False

    def record(
        self, line: int, indicator: str, fields: list[str], text: str
    ) -> Iterator[ParsedItem]:
        item = self._record(line, indicator, fields, text)
        if item is not None:
            yield item

    def _record(self, line: int, indicator: str, fields: list[str], text: str) -> ParsedItem | None:
        if indicator == "300":
            return self._on_300(line, fields, text)
        if indicator == "400":
            return self._on_400(line, fields, text)
        if indicator == "200":
            self.block = parse_200(fields, line)
            problem = self.block.problem
            return self.reject(line, problem.reason, problem.message, text) if problem else None
        if indicator == "500":
            if self.block is None:
                return self.reject(
                    line, Reason.ORPHAN_RECORD, "500 record without a 200 record before it", text
                )
            return None
        if indicator == "900":
            return None
        if indicator == "100":
            return self.reject(
                line, Reason.UNEXPECTED_RECORD, "a second 100 header: a NEM12 file has one", text
            )
        if indicator in ("250", "550"):
            return self.reject(
                line,
                Reason.UNEXPECTED_RECORD,
                f"{indicator} is a NEM13 (accumulation data) record, not allowed in NEM12",
                text,
            )
        return self.reject(
            line,
            Reason.UNKNOWN_RECORD,
            f"record indicator {indicator[:20]!r} is not a NEM12 record ({_RECORDS})",
            text,
        )

    def _on_300(self, line: int, fields: list[str], text: str) -> ParsedItem | None:
        block = self.block
        self.skip_400 = True  # until the day proves sound
        if block is None:
            return self.reject(
                line, Reason.ORPHAN_RECORD, "300 record without a 200 record before it", text
            )
        if block.interval_minutes is None:
            return self.reject(line, Reason.BLOCK_REJECTED, _block_rejected(block), text)
        result = parse_300(fields, block, line, text)
        if isinstance(result, Problem):
            return self.reject(line, result.reason, result.message, text)
        self.day = result  # even in a rejected block: its 400s may show a defect of its own
        self.skip_400 = False
        return None

    def _on_400(self, line: int, fields: list[str], text: str) -> ParsedItem | None:
        if self.skip_400:
            return None
        day = self.day
        if day is None:
            return self.reject(
                line, Reason.ORPHAN_RECORD, "400 record without a 300 record before it", text
            )
        if day.quality_method != "V":
            self._drop_day()
            return self.reject(
                line,
                Reason.UNEXPECTED_RECORD,
                f"400 record after the {day.quality_method!r} 300 record at line {day.line}: only "
                f"a V (variable) day has 400 records; day {day.read_on} rejected",
                text,
            )
        event = parse_400(fields, line)
        if isinstance(event, Problem):
            self._drop_day()
            return self.reject(
                line,
                event.reason,
                f"{event.message}; V day {day.read_on} of the 300 record at line {day.line} "
                "rejected",
                text,
            )
        day.events.append(event)
        return None

    def _finish_day(self) -> ParsedItem:
        day, block = self.day, self.block
        assert day is not None and block is not None
        self.day = None
        flags = interval_flags(
            day.quality_method, day.reason, day.events, len(day.values), day.read_on
        )
        if isinstance(flags, Problem):
            return self.reject(day.line, flags.reason, flags.message, day.text)
        if block.problem is not None:
            return self.reject(day.line, Reason.BLOCK_REJECTED, _block_rejected(block), day.text)
        return channel_day(day, flags, block, SourceRef(self.file_id, day.line, self.segment))

    def _drop_day(self) -> None:
        self.day = None
        self.skip_400 = True

    def undecodable(self, line: int, indicator: str, text: str) -> ParsedItem:
        """Reject a line that is not UTF-8, and what it would have been part of."""
        consequence = ""
        if indicator == "200":
            self.block = Block.rejected(
                line, Problem(Reason.BAD_ENCODING, "the 200 record is not valid UTF-8")
            )
            consequence = "; the 300 records of its block are rejected"
        elif indicator == "300":
            self.skip_400 = True
        elif indicator == "400" and not self.skip_400 and self.day is not None:
            consequence = f"; V day {self.day.read_on} of line {self.day.line} rejected"
            self._drop_day()
        return self.reject(line, Reason.BAD_ENCODING, f"line is not valid UTF-8{consequence}", text)


def _block_rejected(block: Block) -> str:
    assert block.problem is not None
    return (
        f"the 200 record at line {block.line} was rejected ({block.problem.reason.value}); "
        "its days cannot be read"
    )
