"""Green Button (NAESB REQ.21 ESPI) XML -> canonical channel-days, interval and register reads.

Two passes over the (seekable) stream, both streaming with expat:

1. :mod:`~meter2cash.ingest.espi.catalogue` reads the small resources and the links between them
   (skipping IntervalBlock contents);
2. this module reads it again and turns each IntervalReading into a value of the channel that
   :mod:`~meter2cash.ingest.espi.resolve` attributes its IntervalBlock to, grouping values into
   local days (:mod:`~meter2cash.ingest.espi.days`).

Memory is the catalogue's (bounded by the number of non-reading resources, see there) plus at
most 64 open channel-days, whatever the order of the file: a ReadingType after its IntervalBlocks
costs nothing extra. A stream that cannot seek (a pipe) is first spooled to a temporary file.

Problems are rejections with the XML line (expat's line number of the element's start tag, so
``SourceRef.line`` means the same as for line formats; ``SourceRef.segment`` stays the archive
member): a reading that cannot be read is rejected alone; an IntervalBlock that cannot be
attributed (broken links, a ReadingType in therms) is rejected once, naming how many readings it
held; a document that stops being well-formed is rejected where it breaks, after everything
before that point was yielded.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from meter2cash.domain.reads import Rejection, SourceRef
from meter2cash.ingest.espi.catalogue import ESPI_PREFIX, catalogue
from meter2cash.ingest.espi.days import DayBook
from meter2cash.ingest.espi.reasons import Code, EspiReason
from meter2cash.ingest.espi.resolve import Resolver
from meter2cash.ingest.espi.secondpass import SecondPass
from meter2cash.ingest.espi.xmlstream import atom
from meter2cash.ingest.items import ParsedItem, shown
from meter2cash.ingest.reasons import Reason

ROOTS = frozenset({atom("feed"), atom("entry")})
SPOOL_BYTES = 16 << 20


def parse_espi(
    binary: IO[bytes], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    """Yield the canonical items and rejections of one Green Button XML document."""
    reject = _Rejecter(file_id, file_name, segment)
    with _seekable(binary) as stream:
        origin = stream.tell()
        found = catalogue(stream)
        if found.bytes_read == 0:
            yield reject(1, Reason.EMPTY_FILE, "the file is empty", "")
            return
        if (
            found.root is not None
            and found.root not in ROOTS
            and not found.root.startswith(ESPI_PREFIX)
        ):
            yield reject(
                1,
                EspiReason.NOT_ESPI,
                "the root element is neither an Atom feed or entry nor an ESPI resource",
                _shown_name(found.root),
            )
            return
        resolver = Resolver(found)
        for local_time, fault in resolver.local_time_faults():
            yield reject(
                local_time.line,
                fault.reason,
                f"{fault.message}; the days of its usage points are UTC days",
                str(local_time.fields),
            )
        stream.seek(origin)
        yield from SecondPass(found, resolver, reject, DayBook(file_id, segment, reject)).run(
            stream
        )


def _shown_name(name: str) -> str:
    namespace, _, local = name.rpartition(" ")
    return f"<{local}> in namespace {namespace or '(none)'}"


@dataclass(frozen=True, slots=True)
class _Rejecter:
    file_id: str
    file_name: str
    segment: str | None

    def __call__(self, line: int, reason: Code, message: str, text: str) -> Rejection:
        return Rejection(
            SourceRef(self.file_id, line, self.segment),
            self.file_name,
            reason.value,
            message,
            shown(text),
        )


@contextmanager
def _seekable(binary: IO[bytes]) -> Iterator[IO[bytes]]:
    if binary.seekable():
        yield binary
        return
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        shutil.copyfileobj(binary, spool)
        spool.seek(0)
        yield spool
