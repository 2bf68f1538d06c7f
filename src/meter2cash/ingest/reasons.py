"""Reason codes of ingest rejections: one vocabulary for every format, so operators can count them.

A rejection's ``reason_code`` is the value of one of these members (a plain ``str`` on the
:class:`~meter2cash.domain.reads.Rejection`); the message beside it says the specifics.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # The file as a whole.
    EMPTY_FILE = "EMPTY_FILE"  # no records at all (0 bytes, only blank lines, an empty archive)
    UNKNOWN_FORMAT = "UNKNOWN_FORMAT"  # not a format the registry recognises
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"  # recognised (e.g. NEM13) but no parser yet
    BAD_ARCHIVE = "BAD_ARCHIVE"  # a ZIP that cannot be read (corrupt, encrypted, CRC failure)
    BAD_ENCODING = "BAD_ENCODING"  # a line that is not valid UTF-8

    # NEM12 file structure.
    MISSING_HEADER = "MISSING_HEADER"  # the first record is not the 100 header
    MISSING_END_RECORD = "MISSING_END_RECORD"  # no 900 record: the file may be truncated
    RECORD_AFTER_END = "RECORD_AFTER_END"  # a record after the 900 end record
    NO_DATA = "NO_DATA"  # a header and an end record but nothing between them
    UNEXPECTED_RECORD = "UNEXPECTED_RECORD"  # a known record where it may not be (250/550, 2nd 100)
    UNKNOWN_RECORD = "UNKNOWN_RECORD"  # a record indicator that NEM12 does not define
    ORPHAN_RECORD = "ORPHAN_RECORD"  # a 300/500 without a 200 before it, a 400 without a 300
    MISSING_FIELDS = "MISSING_FIELDS"  # fewer fields than the record layout requires
    TOO_MANY_FIELDS = "TOO_MANY_FIELDS"  # non-blank fields beyond the record layout

    # NEM12 200 block (NMI data details): every 300 under a rejected block is rejected too.
    INVALID_NMI = "INVALID_NMI"
    INVALID_SUFFIX = "INVALID_SUFFIX"
    INVALID_INTERVAL_LENGTH = "INVALID_INTERVAL_LENGTH"
    UNKNOWN_UNIT = "UNKNOWN_UNIT"
    BLOCK_REJECTED = "BLOCK_REJECTED"  # a sound 300 whose 200 block was rejected

    # One interval day (a 300 record with its 400 records; or one canonical JSON line).
    BAD_DATE = "BAD_DATE"
    BAD_QUALITY_METHOD = "BAD_QUALITY_METHOD"
    BAD_VALUE = "BAD_VALUE"
    PRECISION_EXCEEDED = "PRECISION_EXCEEDED"  # more than 6 decimal places of the canonical unit
    INTERVAL_COUNT_MISMATCH = "INTERVAL_COUNT_MISMATCH"
    BAD_400_RECORD = "BAD_400_RECORD"  # a malformed 400 event record
    BAD_400_COVERAGE = "BAD_400_COVERAGE"  # 400 records of a V day do not tile its intervals

    # Canonical JSON lines.
    BAD_JSON = "BAD_JSON"  # not JSON, or not a JSON object
    INVALID_RECORD = "INVALID_RECORD"  # a JSON object that is not a valid ChannelDay
