"""Streaming BDEW MSCONS parser: EDIFACT interchange -> channel-days, interval and register reads.

Message structure implemented (MSCONS MIG 2.4c "Nachrichtenstruktur"; 2.2e as in the sample has
the same groups)::

    UNA UNB                                       service string advice, interchange header
      UNH BGM DTM+137 [SG1 RFF] [SG2 NAD+MS/MR]   message header, document, date, parties
      UNS+D                                       end of the header section
      SG5 NAD+DP                                  delivery point
        SG6 LOC+172 [DTM] [SG7 RFF+MG] [SG8 CCI]  Meldepunkt, its meter (Gerätenummer)
          SG9 LIN PIA+5                           one series: OBIS code or medium
            SG10 QTY [DTM+163 DTM+164 | DTM+7 DTM+9] [STS]...   one value, its interval or
                                                                instant, its statuses
      UNT                                         segment count of the message, reference
    UNZ                                           message count of the interchange, reference

(the body of a message is read by ``message``; segment layouts are quoted in the modules that read
them). Decisions on the envelope (ISO 9735 service segments):

* Trailer checks: UNT DE0074 must equal the number of segments from UNH to UNT inclusive (a segment
  the tokenizer refuses still counts: its terminator was there) and DE0062 the UNH reference; UNZ
  DE0036 the number of messages and DE0020 the UNB reference. A mismatch is rejected at the trailer
  (``BAD_TRAILER_COUNT``, ``BAD_TRAILER_REFERENCE``) and the values already read are kept: each
  carries its own time and channel, so a miscount does not make it wrong.
* A message or interchange without its trailer (a truncated or spliced file) is rejected at the
  segment that shows it (the next UNH/UNB/UNZ, or the file's last segment) and its values are kept.
* A file that does not start with UNA/UNB is said to (``MISSING_INTERCHANGE_HEADER``) and still read.
  After a UNZ only a new UNB is accepted; anything else is ``SEGMENT_AFTER_END``, one by one.
* A message that is not MSCONS is rejected once at its UNH and its body skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.mscons.message import MessageBody
from meter2cash.ingest.mscons.reasons import MsconsReason
from meter2cash.ingest.mscons.refs import Sources, Where
from meter2cash.ingest.mscons.segments import (
    DEFAULT_ADVICE,
    Segment,
    SyntaxProblem,
    read_segments,
)
from meter2cash.ingest.reasons import Reason


def parse_mscons(
    binary: IO[bytes], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    """Yield the file's reads and rejections in file order, one segment at a time."""
    return _Parser(Sources(file_id, file_name, segment)).run(binary)


@dataclass(slots=True)
class _Interchange:
    where: Where
    reference: str
    messages: int = 0


@dataclass(slots=True)
class _Message:
    where: Where
    reference: str
    supported: bool
    body: MessageBody
    segments: int = 1


class _Parser:
    def __init__(self, sources: Sources) -> None:
        self.sources = sources
        self.interchange: _Interchange | None = None
        self.ended_at: int | None = None  # the UNZ that closed the last interchange
        self.message: _Message | None = None
        self.last: Where | None = None
        self.terminator = DEFAULT_ADVICE[5]

    def run(self, binary: IO[bytes]) -> Iterator[ParsedItem]:
        for segment in read_segments(binary):
            where = self._where(segment)
            first, self.last = self.last is None, where
            tag = segment.tag if isinstance(segment, Segment) else segment.text[:3]
            if first and tag not in ("UNA", "UNB"):
                yield self.sources.reject(
                    where,
                    MsconsReason.MISSING_INTERCHANGE_HEADER,
                    "the file does not start with UNA or UNB; its segments are read as MSCONS",
                )
            if isinstance(segment, SyntaxProblem):
                if self.message is not None and segment.reason != MsconsReason.TRUNCATED_SEGMENT:
                    self.message.segments += 1
                yield self.sources.reject(where, segment.reason, segment.message)
                continue
            yield from self._segment(segment, where)
        yield from self._finish()

    def _where(self, segment: Segment | SyntaxProblem) -> Where:
        tag = segment.tag if isinstance(segment, Segment) else "?"
        label = tag if self.message is None or tag in ("UNH", "UNB") else self._label(tag)
        return Where(segment.number, label, segment.text)

    def _label(self, tag: str) -> str:
        assert self.message is not None
        return f"UNH-{self.message.reference}/{tag}"

    # --- the envelope: UNA, UNB/UNZ, UNH/UNT ------------------------------------------------------

    def _segment(self, segment: Segment, where: Where) -> Iterator[ParsedItem]:
        tag = segment.tag
        if tag == "UNA":
            advice = segment.component(0)
            if segment.number == 1 and len(advice) == 6 and segment.text == "UNA" + advice:
                self.terminator = advice[5]
            else:
                yield self.sources.reject(
                    where, MsconsReason.UNEXPECTED_SEGMENT, "UNA may only be the first segment"
                )
        elif tag == "UNB":
            yield from self._close_message(where, "a UNB")
            if self.interchange is not None:
                yield self._missing_unz(where, "before the next UNB")
            self.interchange = _Interchange(where, segment.component(4))
            self.ended_at = None
        elif tag == "UNZ":
            yield from self._unz(segment, where)
        elif tag == "UNH":
            yield from self._unh(segment, where)
        elif tag == "UNT":
            yield from self._unt(segment, where)
        elif self.ended_at is not None:
            yield self.sources.reject(
                where,
                MsconsReason.SEGMENT_AFTER_END,
                f"segment after the UNZ at segment {self.ended_at}",
            )
        elif self.message is None:
            yield self.sources.reject(
                where, MsconsReason.SEGMENT_OUTSIDE_MESSAGE, f"{tag} outside any UNH..UNT message"
            )
        else:
            self.message.segments += 1
            if self.message.supported:
                yield from self.message.body.read(segment, where)

    def _unh(self, segment: Segment, where: Where) -> Iterator[ParsedItem]:
        if self.ended_at is not None:
            yield self.sources.reject(
                where,
                MsconsReason.SEGMENT_AFTER_END,
                f"message after the UNZ at segment {self.ended_at}",
            )
            return
        yield from self._close_message(where, "the next UNH")
        if self.interchange is not None:
            self.interchange.messages += 1
        kind = segment.component(1, 0)
        body = MessageBody(self.sources, self.terminator)
        self.message = _Message(where, segment.component(0), kind == "MSCONS", body)
        if kind != "MSCONS":
            yield self.sources.reject(
                where,
                MsconsReason.UNSUPPORTED_MESSAGE,
                f"message type {kind[:10]!r} is not MSCONS: the message is skipped",
            )

    def _unt(self, segment: Segment, where: Where) -> Iterator[ParsedItem]:
        message = self.message
        if message is None:
            reason = MsconsReason.SEGMENT_AFTER_END if self.ended_at else None
            yield self.sources.reject(
                where,
                reason or MsconsReason.SEGMENT_OUTSIDE_MESSAGE,
                "UNT without a UNH before it",
            )
            return
        message.segments += 1
        yield from message.body.end()
        self.message = None
        count, reference = segment.component(0), segment.component(1)
        if count != str(message.segments):
            yield self.sources.reject(
                where,
                MsconsReason.BAD_TRAILER_COUNT,
                f"UNT says {count[:10]!r} segments, message {message.reference} has "
                f"{message.segments} (UNH at segment {message.where.line} to this UNT); "
                "its values are kept",
            )
        if reference != message.reference:
            yield self.sources.reject(
                where,
                MsconsReason.BAD_TRAILER_REFERENCE,
                f"UNT reference {reference[:14]!r} is not the UNH's {message.reference!r}",
            )

    def _unz(self, segment: Segment, where: Where) -> Iterator[ParsedItem]:
        yield from self._close_message(where, "the UNZ")
        interchange = self.interchange
        if interchange is None:
            yield self.sources.reject(
                where,
                MsconsReason.SEGMENT_AFTER_END if self.ended_at else MsconsReason.BAD_SEGMENT,
                "UNZ without a UNB before it",
            )
            self.ended_at = where.line
            return
        self.interchange, self.ended_at = None, where.line
        count, reference = segment.component(0), segment.component(1)
        if count != str(interchange.messages):
            yield self.sources.reject(
                where,
                MsconsReason.BAD_TRAILER_COUNT,
                f"UNZ says {count[:10]!r} messages, the interchange has {interchange.messages}; "
                "their values are kept",
            )
        if reference != interchange.reference:
            yield self.sources.reject(
                where,
                MsconsReason.BAD_TRAILER_REFERENCE,
                f"UNZ reference {reference[:14]!r} is not the UNB's {interchange.reference!r}",
            )

    def _close_message(self, where: Where, before: str) -> Iterator[ParsedItem]:
        """End a message that has no UNT (a truncated or spliced file), keeping its values."""
        message = self.message
        if message is None:
            return
        yield from message.body.end()
        self.message = None
        yield self.sources.reject(
            where,
            MsconsReason.MISSING_MESSAGE_TRAILER,
            f"message {message.reference} (UNH at segment {message.where.line}) has no UNT "
            f"before {before}; its values are kept",
        )

    def _missing_unz(self, where: Where, before: str) -> ParsedItem:
        assert self.interchange is not None
        return self.sources.reject(
            where,
            MsconsReason.MISSING_INTERCHANGE_TRAILER,
            f"the interchange opened by the UNB at segment {self.interchange.where.line} has no "
            f"UNZ {before}: file truncated? its values are kept",
        )

    def _finish(self) -> Iterator[ParsedItem]:
        last = self.last
        if last is None:
            yield self.sources.reject(
                Where(1, "", ""), Reason.EMPTY_FILE, "the file has no segments"
            )
            return
        yield from self._close_message(last, "the end of the file")
        if self.interchange is not None:
            yield self._missing_unz(last, "before the end of the file")
