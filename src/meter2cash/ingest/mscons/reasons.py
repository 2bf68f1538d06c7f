"""Rejection reason codes that only MSCONS (EDIFACT) needs; shared ones come from ingest.reasons.

Kept in the package (not in ``ingest/reasons.py``, which the team shares) and re-exported as one
vocabulary, :data:`Code`, so that the parser can name either kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from meter2cash.ingest.reasons import Reason


class MsconsReason(StrEnum):
    # EDIFACT syntax and the interchange/message envelope (ISO 9735 service segments).
    MISSING_INTERCHANGE_HEADER = "MISSING_INTERCHANGE_HEADER"  # no UNB before the first message
    BAD_SEGMENT = "BAD_SEGMENT"  # a segment the EDIFACT tokenizer refuses, or an empty one
    TRUNCATED_SEGMENT = "TRUNCATED_SEGMENT"  # bytes after the last segment terminator
    MISSING_MESSAGE_TRAILER = "MISSING_MESSAGE_TRAILER"  # UNH without its UNT
    MISSING_INTERCHANGE_TRAILER = "MISSING_INTERCHANGE_TRAILER"  # UNB without its UNZ
    BAD_TRAILER_COUNT = "BAD_TRAILER_COUNT"  # UNT segment count or UNZ message count is wrong
    BAD_TRAILER_REFERENCE = "BAD_TRAILER_REFERENCE"  # UNT/UNZ reference differs from UNH/UNB
    SEGMENT_OUTSIDE_MESSAGE = "SEGMENT_OUTSIDE_MESSAGE"  # a data segment not between UNH and UNT
    SEGMENT_AFTER_END = "SEGMENT_AFTER_END"  # a segment after UNZ that does not open a new UNB
    UNEXPECTED_SEGMENT = "UNEXPECTED_SEGMENT"  # a UNA that is not the first segment

    # One message (UNH .. UNT) and its groups.
    UNSUPPORTED_MESSAGE = "UNSUPPORTED_MESSAGE"  # UNH names another message type than MSCONS
    CANCELLATION_NOT_SUPPORTED = "CANCELLATION_NOT_SUPPORTED"  # BGM DE1225 = 1 (Storno)
    UNSUPPORTED_LOCATION = "UNSUPPORTED_LOCATION"  # LOC other than 172 (profiles, balancing areas)
    INVALID_SUPPLY_POINT = "INVALID_SUPPLY_POINT"  # LOC+172 is neither a valid MaLo-ID nor a ZP
    BAD_PRODUCT_ID = "BAD_PRODUCT_ID"  # LIN without PIA+5, or an OBIS code that does not parse
    GROUP_REJECTED = "GROUP_REJECTED"  # a sound QTY under a rejected message, LOC or LIN
    ORPHAN_QUANTITY = "ORPHAN_QUANTITY"  # QTY without a LOC+172 and LIN before it

    # One QTY group (SG10: QTY with its DTM and STS segments).
    UNKNOWN_QTY_QUALIFIER = "UNKNOWN_QTY_QUALIFIER"  # DE6063 not in the MIG's code list
    UNSUPPORTED_QUANTITY = "UNSUPPORTED_QUANTITY"  # power (KWT, OBIS demand), weather data, ...
    INCONSISTENT_UNIT = "INCONSISTENT_UNIT"  # another canonical unit than the channel's first QTY
    MISSING_INTERVAL = "MISSING_INTERVAL"  # an interval value without DTM+163 and DTM+164
    MISSING_READ_TIME = "MISSING_READ_TIME"  # a register value without DTM+7 (or DTM+9 with time)
    MISSING_UTC_OFFSET = "MISSING_UTC_OFFSET"  # DTM format 203 and no DTM+735 offset in the message
    DUPLICATE_INTERVAL = "DUPLICATE_INTERVAL"  # the same interval twice on one channel and day
    OVERLAPPING_INTERVAL = "OVERLAPPING_INTERVAL"  # an irregular interval over data already taken


#: A reason the MSCONS parser can give: its own or one of the shared ingest reasons.
Code: TypeAlias = MsconsReason | Reason


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one segment or group cannot be used, before the parser words it as a Rejection."""

    reason: Code
    message: str
