"""Rejection reason codes that only Green Button (ESPI XML) needs.

Codes shared with other formats (``EMPTY_FILE``, ``BAD_VALUE``, ``PRECISION_EXCEEDED``, ``UNKNOWN_UNIT``,
``NO_DATA``, ``ORPHAN_RECORD``) are reused from :class:`meter2cash.ingest.reasons.Reason`, so that
operators count one vocabulary; the codes below name failures that exist only in a linked XML feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from meter2cash.ingest.reasons import Reason


class EspiReason(StrEnum):
    # The document as a whole.
    MALFORMED_XML = "MALFORMED_XML"  # not well-formed: nothing after the error can be read
    TRUNCATED_XML = "TRUNCATED_XML"  # the document ends inside an element (cut-off download)
    FORBIDDEN_XML = "FORBIDDEN_XML"  # entity declarations (billion laughs, external entities)
    NOT_ESPI = "NOT_ESPI"  # the root is neither an Atom feed/entry nor an ESPI resource

    # Links between resources (an IntervalBlock's readings cannot be attributed).
    UNRESOLVED_METER_READING = "UNRESOLVED_METER_READING"
    UNRESOLVED_READING_TYPE = "UNRESOLVED_READING_TYPE"
    UNRESOLVED_USAGE_POINT = "UNRESOLVED_USAGE_POINT"

    # What a ReadingType or LocalTimeParameters says.
    BAD_READING_TYPE = "BAD_READING_TYPE"  # a ReadingType code that is not an integer
    UNSUPPORTED_UNIT = "UNSUPPORTED_UNIT"  # a valid ESPI uom that is not canonical energy (therm)
    UNSUPPORTED_ACCUMULATION = "UNSUPPORTED_ACCUMULATION"  # instantaneous, indicating, ...
    BAD_LOCAL_TIME = "BAD_LOCAL_TIME"  # LocalTimeParameters unreadable: its usage points use UTC

    # One IntervalReading.
    BAD_TIME_PERIOD = "BAD_TIME_PERIOD"  # start/duration not numbers, duration <= 0
    MISSING_TIME_PERIOD = "MISSING_TIME_PERIOD"  # no timePeriod and nothing to infer it from
    BAD_QUALITY = "BAD_QUALITY"  # ReadingQuality/quality is not an unsigned integer
    DUPLICATE_INTERVAL = "DUPLICATE_INTERVAL"  # the same interval twice in one channel-day


#: Any reason this parser gives.
Code: TypeAlias = EspiReason | Reason


@dataclass(frozen=True, slots=True)
class Fault:
    """Why a resource or reading cannot be used, before it is worded as a Rejection with its line."""

    reason: Code
    message: str
