"""Reason codes that only UK DTC flat files need; shared ones come from :mod:`ingest.reasons`.

Reused from :class:`~meter2cash.ingest.reasons.Reason`: ``EMPTY_FILE``, ``MISSING_HEADER``,
``NO_DATA``, ``MISSING_FIELDS``, ``TOO_MANY_FIELDS``, ``BAD_DATE``, ``BAD_VALUE``,
``PRECISION_EXCEEDED`` and ``BAD_ENCODING``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from meter2cash.domain.reads import Rejection, SourceRef
from meter2cash.ingest.items import shown
from meter2cash.ingest.reasons import Reason


class DtcReason(StrEnum):
    # The ZHV header and the flow it names.
    BAD_HEADER = "BAD_HEADER"  # a ZHV field is missing or malformed
    UNSUPPORTED_FLOW = "UNSUPPORTED_FLOW"  # no layout (or no mapper) for the flow + version

    # Group lines against the flow's layout.
    UNKNOWN_GROUP = "UNKNOWN_GROUP"  # a group id the layout does not declare
    MISPLACED_GROUP = "MISPLACED_GROUP"  # its parent group is not open, or out of sibling order
    MISSING_GROUP = "MISSING_GROUP"  # fewer child groups than the layout's ``min``
    BAD_CODE = "BAD_CODE"  # an enum field holding a code outside its valid set
    FIELD_TOO_LONG = "FIELD_TOO_LONG"  # a text field longer than its ``max_length``

    # Mapping groups to canonical reads.
    INVALID_MPAN = "INVALID_MPAN"  # MPAN core fails the GB structure or check digit
    PARENT_REJECTED = "PARENT_REJECTED"  # a sound reading under a rejected MPAN or meter group
    MAXIMUM_DEMAND_READING = "MAXIMUM_DEMAND_READING"  # a demand (kW/kVA) read, not an energy one

    # The ZPT trailer.
    MISSING_TRAILER = "MISSING_TRAILER"  # no ZPT line: the file may be truncated
    BAD_TRAILER = "BAD_TRAILER"  # a ZPT field is missing or malformed, or names another file
    BAD_TRAILER_COUNT = "BAD_TRAILER_COUNT"  # ZPT group/flow counts differ from what was read
    RECORD_AFTER_TRAILER = "RECORD_AFTER_TRAILER"  # a line after the ZPT trailer


#: A reason a DTC rejection may carry.
AnyReason: TypeAlias = Reason | DtcReason


@dataclass(frozen=True, slots=True)
class Problem:
    """Why one line (or field) cannot be used, before it is worded as a Rejection with its line."""

    reason: AnyReason
    message: str


@dataclass(frozen=True, slots=True)
class Rejecter:
    """Makes the rejections of one file; like :class:`ingest.items.Rejecter`, for either vocabulary."""

    file_id: str
    file_name: str
    segment: str | None = None

    def __call__(self, line: int, reason: AnyReason, message: str, text: str) -> Rejection:
        return Rejection(
            SourceRef(self.file_id, line, self.segment),
            self.file_name,
            reason.value,
            message,
            shown(text),
        )

    def problem(self, line: int, problem: Problem, text: str) -> Rejection:
        return self(line, problem.reason, problem.message, text)
