"""Reason codes NEM13 adds to the shared vocabulary (:class:`meter2cash.ingest.reasons.Reason`)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Nem13Reason(StrEnum):
    # The 250 record's Quantity is not CurrentRegisterRead - PreviousRegisterRead, nor explained by
    # a register rollover or the sign convention of an "I" register (see records.py). The two reads
    # are still yielded: this flags the record for a person, it does not reject the reads.
    QUANTITY_MISMATCH = "QUANTITY_MISMATCH"
    BAD_DIRECTION = "BAD_DIRECTION"  # DirectionIndicator is not I or E


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one record cannot be used, before the parser words it as a rejection with its line."""

    reason: str  # a Reason or Nem13Reason value
    message: str
