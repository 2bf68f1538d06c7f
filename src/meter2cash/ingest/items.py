"""What every format parser yields, and how it words a rejection.

Parsers never raise on bad content: a record that cannot become a canonical value becomes a
:class:`~meter2cash.domain.reads.Rejection` naming the file, the line and the reason, and parsing
goes on with the next record (STYLE: nothing fails silently, the rest of the file goes through).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatusReported,
    MeterConfigurationChanged,
)
from meter2cash.domain.reads import ChannelDay, IntervalRead, RegisterRead, Rejection, SourceRef
from meter2cash.ingest.reasons import Reason

#: One output of a parser, in file order. Interval data comes as whole local days (``ChannelDay``,
#: partial days padded with ``Quality.MISSING``); ``IntervalRead`` carries an interval that does not
#: fit a day's regular grid (MSCONS irregular intervals); ``RegisterRead`` a cumulative register;
#: clock-sync, communications-status and meter-configuration reports are metering events of
#: their own (m2c-jsonl).
ParsedItem: TypeAlias = (
    ChannelDay
    | IntervalRead
    | RegisterRead
    | ClockSynchronised
    | CommunicationsStatusReported
    | MeterConfigurationChanged
    | Rejection
)

#: A UTF-8 byte order mark as decoded text; parse_file drops it, direct callers may not.
BOM = "\ufeff"

#: Enough of an offending line to recognise it; a 5-minute 300 record is ~2 KB.
OFFENDING_TEXT_LIMIT = 200


def undecodable(line: str) -> bool:
    """True when ``line`` carries bytes that were not UTF-8.

    Files are decoded with ``errors="surrogateescape"`` so that one bad byte costs one line, not the
    file; such bytes arrive as lone surrogates, which strict UTF-8 refuses to encode. ASCII (nearly
    every metering line) is recognised without encoding anything.
    """
    if line.isascii():
        return False
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown(text: str) -> str:
    """``text`` made safe to store and short enough to read: escaped bad bytes, truncated."""
    if not text.isascii():
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if len(text) > OFFENDING_TEXT_LIMIT:
        return text[: OFFENDING_TEXT_LIMIT - 3] + "..."
    return text


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one record cannot be used, before the parser words it as a Rejection with its line."""

    reason: Reason
    message: str


@dataclass(frozen=True, slots=True)
class Rejecter:
    """Makes the rejections of one file (or one archive member)."""

    file_id: str
    file_name: str
    segment: str | None = None

    def __call__(self, line: int, reason: Reason, message: str, text: str) -> Rejection:
        return Rejection(
            SourceRef(self.file_id, line, self.segment),
            self.file_name,
            reason.value,
            message,
            shown(text),
        )
