"""Reason codes of the generic-CSV adapter and the day assembler it shares with ``ukhh``.

Codes that mean the same as one in :class:`meter2cash.ingest.reasons.Reason` reuse its value
(``BAD_VALUE``, ``BAD_DATE``, ...), so operators count one vocabulary across formats; the codes here
are new, and ``Rejects`` takes either kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from meter2cash.domain.reads import Rejection, SourceRef
from meter2cash.ingest.items import shown


class CsvReason(StrEnum):
    MAPPING_REQUIRED = "MAPPING_REQUIRED"  # --format csv without a column mapping
    BAD_CSV = "BAD_CSV"  # a line the csv module cannot split (e.g. a field over its size limit)
    MISSING_COLUMN = "MISSING_COLUMN"  # the header lacks a column the mapping names
    INVALID_SUPPLY_POINT = "INVALID_SUPPLY_POINT"  # fails its market's structure/check digit
    BAD_TIMESTAMP = "BAD_TIMESTAMP"  # not a timestamp in the mapping's format
    BAD_PERIOD = "BAD_PERIOD"  # a period number the local day does not have
    NONEXISTENT_LOCAL_TIME = "NONEXISTENT_LOCAL_TIME"  # a wall-clock time skipped in spring
    ZONE_OFFSET_MISMATCH = "ZONE_OFFSET_MISMATCH"  # a timestamp's offset contradicts the zone
    BAD_QUALITY = "BAD_QUALITY"  # quality text the mapping does not map
    BAD_DIRECTION = "BAD_DIRECTION"  # direction text the mapping does not map
    BAD_CHANNEL = "BAD_CHANNEL"  # an empty channel
    DUPLICATE_INTERVAL = "DUPLICATE_INTERVAL"  # a second, different value for one interval


@dataclass(frozen=True, slots=True)
class Rejects:
    """Makes the rejections of one file (or archive member), with any package's reason codes."""

    file_id: str
    file_name: str
    segment: str | None = None

    def __call__(self, line: int, reason: str, message: str, text: str) -> Rejection:
        return Rejection(
            SourceRef(self.file_id, line, self.segment),
            self.file_name,
            str(reason),
            message,
            shown(text),
        )
