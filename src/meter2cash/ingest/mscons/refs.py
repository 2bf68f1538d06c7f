"""Where an MSCONS item came from, and how its rejections are worded.

``SourceRef.line`` is the segment's 1-based number in the file (UNA included; see
:mod:`~meter2cash.ingest.mscons.segments`). ``SourceRef.segment`` says which segment that is:
``UNH-<message reference>/<tag>`` inside a message (``UNH-2/QTY``: a QTY of the message whose UNH
reference is 2), the bare tag outside one (``UNZ``), prefixed with ``<archive member>!`` when the
file came out of a ZIP. ``ingest.items.Rejecter`` fixes one segment name per file, which cannot say
this, so rejections are built here with the same ``shown`` truncation and escaping.
"""

from __future__ import annotations

from dataclasses import dataclass

from meter2cash.domain.reads import Rejection, SourceRef
from meter2cash.ingest.items import shown
from meter2cash.ingest.mscons.reasons import Code, Problem


@dataclass(frozen=True, slots=True)
class Where:
    """A segment's number, its label (``UNH-1/QTY``) and its text, for lineage and rejections."""

    line: int
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Sources:
    """The file being parsed: builds its SourceRefs and Rejections."""

    file_id: str
    file_name: str
    member: str | None = None

    def ref(self, where: Where) -> SourceRef:
        label = f"{self.member}!{where.label}" if self.member else where.label
        return SourceRef(self.file_id, where.line, label)

    def reject(self, where: Where, reason: Code, message: str) -> Rejection:
        return Rejection(self.ref(where), self.file_name, reason.value, message, shown(where.text))

    def refuse(self, where: Where, problem: Problem) -> Rejection:
        return self.reject(where, problem.reason, problem.message)
