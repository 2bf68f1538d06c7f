"""Strict, streaming NEM13 parser: AEMO MDFF accumulation (basic meter) data -> register reads.

File layout implemented (AEMO *Meter Data File Format Specification NEM12 & NEM13*)::

    100,NEM13,DateTime(12),FromParticipant,ToParticipant     header, exactly once, first
      250,NMI,...,PreviousRegisterRead,...,CurrentRegisterRead,...,Quantity,UOM,...   (records.py)
        550,PreviousTransCode,PreviousRetServiceOrder,CurrentTransCode,CurrentRetServiceOrder
    900                                                      end of data, exactly once, last

Each sound 250 record becomes two :class:`RegisterRead` values, the previous read and the current
one (a 250 with empty previous fields, a first read, gives only the current), with exact values, the
QualityMethod split into canonical quality (A/E/F/S/N) and method digits, and the ReasonCode. The
Quantity (energy between the two reads) is not a register value and yields nothing itself; it is
checked against the reads, and a Quantity they do not explain adds a ``QUANTITY_MISMATCH`` rejection
beside the reads (records.py says what explains one). Decisions where the MDFF leaves room:

* A 250 is held until the next record: a 550 right after it gives the reads their ``read_type``, the
  previous and current TransCode (e.g. ``N``, ``S``, ``E``) verbatim. A 550 anywhere else is rejected
  (``ORPHAN_RECORD``, ``UNEXPECTED_RECORD``); a malformed 550 is rejected and its 250 still yields.
* The same physical read usually appears twice, as one record's current and the next record's
  previous read. Both are yielded; equal reads carry equal idempotency keys downstream, while a read
  re-sent with another value or quality is a new version there, as intended.
* The canonical ``RegisterRead`` has no direction or data-stream field: ``register_id`` is the
  NMISuffix (the data stream MSATS and billing key on; AEMO's CNRGYMDP scenario-18 file gives two
  suffixes of one meter the same RegisterID, so RegisterID alone would merge them), and the
  DirectionIndicator (I/E) is validated and used by the Quantity check only.
* The envelope is checked by :mod:`~meter2cash.ingest.mdff`, as for NEM12: a missing 100 header is
  rejected and the records still read, a header of another version stops the file, records after
  the 900 and a missing 900 are rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from meter2cash.domain.reads import Quality, RegisterRead, SourceRef
from meter2cash.ingest.csvmap.reasons import Rejects
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.mdff import Version, read_mdff
from meter2cash.ingest.nem12.quality import QUALITIES
from meter2cash.ingest.nem13.reasons import Nem13Reason, Problem
from meter2cash.ingest.nem13.records import Accumulation, Read, parse_250, quantity_problem
from meter2cash.ingest.reasons import Reason

_RECORDS = "100, 250, 550, 900"
_NEM12_RECORDS = frozenset({"200", "300", "400", "500"})
_NEM13 = Version("NEM13", data_records="250")


def parse_nem13(
    lines: Iterable[str], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    """Yield the register reads of each sound 250 record and a rejection per problem, in order."""
    reject = Rejects(file_id, file_name, segment)
    return read_mdff(lines, _NEM13, _Reader(file_id, segment, reject), reject)


class _Reader:
    def __init__(self, file_id: str, segment: str | None, reject: Rejects) -> None:
        self.file_id = file_id
        self.segment = segment
        self.reject = reject
        self.pending: Accumulation | None = None  # a sound 250 awaiting a possible 550
        self.last_250: int | None = None  # line of the latest 250 (sound or not)
        self.b2b_taken = False  # the latest 250 already has its 550

    def close(self, indicator: str | None) -> Iterator[ParsedItem]:
        if indicator != "550":
            yield from self._release(None)

    def undecodable(self, line: int, indicator: str, text: str) -> ParsedItem:
        self.last_250, self.b2b_taken = (line, False) if indicator == "250" else (None, True)
        return self.reject(line, Reason.BAD_ENCODING, "line is not valid UTF-8", text)

    def record(
        self, line: int, indicator: str, fields: list[str], text: str
    ) -> Iterator[ParsedItem]:
        reject = self.reject
        if indicator == "250":
            self.last_250, self.b2b_taken = line, False
            record = parse_250(fields, line, text)
            if isinstance(record, Problem):
                yield reject(line, record.reason, record.message, text)
            else:
                self.pending = record
        elif indicator == "550":
            yield from self._on_550(line, fields, text)
        elif indicator == "900":
            return
        elif indicator == "100":
            yield reject(
                line, Reason.UNEXPECTED_RECORD, "a second 100 header: an MDFF file has one", text
            )
        elif indicator in _NEM12_RECORDS:
            yield reject(
                line,
                Reason.UNEXPECTED_RECORD,
                f"{indicator} is a NEM12 (interval data) record, not allowed in NEM13",
                text,
            )
        else:
            yield reject(
                line,
                Reason.UNKNOWN_RECORD,
                f"record indicator {indicator[:20]!r} is not a NEM13 record ({_RECORDS})",
                text,
            )

    def _on_550(self, line: int, fields: list[str], text: str) -> Iterator[ParsedItem]:
        reject = self.reject
        if self.last_250 is None:
            yield reject(
                line, Reason.ORPHAN_RECORD, "550 record without a 250 record before it", text
            )
            return
        if self.b2b_taken:
            yield reject(
                line,
                Reason.UNEXPECTED_RECORD,
                f"a second 550 record for the 250 record at line {self.last_250}",
                text,
            )
            return
        self.b2b_taken = True
        if len(fields) < 5 or (len(fields) > 5 and any(f.strip() for f in fields[5:])):
            reason = Reason.MISSING_FIELDS if len(fields) < 5 else Reason.TOO_MANY_FIELDS
            yield reject(
                line,
                reason,
                f"550 record has {len(fields)} fields; PreviousTransCode..CurrentRetServiceOrder "
                "make 5; its 250 record's reads are kept without TransCodes",
                text,
            )
            yield from self._release(None)
            return
        yield from self._release((fields[1].strip() or None, fields[3].strip() or None))

    def _release(self, trans_codes: tuple[str | None, str | None] | None) -> Iterator[ParsedItem]:
        record = self.pending
        if record is None:
            return
        self.pending = None
        previous_type, current_type = trans_codes or (None, None)
        source = SourceRef(self.file_id, record.line, self.segment)
        if record.previous is not None:
            yield _register_read(record, record.previous, previous_type, source)
        yield _register_read(record, record.current, current_type, source)
        problem = quantity_problem(record)
        if problem:
            yield self.reject(record.line, Nem13Reason.QUANTITY_MISMATCH, problem, record.text)


def _register_read(
    record: Accumulation, read: Read, read_type: str | None, source: SourceRef
) -> RegisterRead:
    quality: Quality = QUALITIES[read.quality_method[0]]
    return RegisterRead(
        supply_point_id=record.nmi,
        meter_serial=record.meter_serial,
        register_id=record.suffix,
        read_at=read.read_at,
        value=read.value,
        unit=record.unit,
        quality=quality,
        method=read.quality_method[1:] or None,
        reason=read.reason,
        read_type=read_type,
        source=source,
    )
