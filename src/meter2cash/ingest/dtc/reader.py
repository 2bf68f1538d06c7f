"""The generic DTC group reader: lines after the ZHV -> group trees, by a flow layout.

It knows no flow: the layout says which groups exist, where each belongs and what its fields are.
Each top-level group (a D0010 026, one MPAN) starts a tree; the tree is handed on when the next
top-level group, the ZPT or the end arrives — so memory holds one tree, never the file.

Decisions where a file breaks the layout (each line gets at most one rejection, its first problem):

* An unknown group id is rejected (``UNKNOWN_GROUP``) and changes nothing else.
* A group whose parent group is not open, or that comes after a later sibling under the same parent
  (catalogue order), is rejected (``MISPLACED_GROUP``) and becomes the root of an orphan tree: the
  groups that follow under it are still read and checked, then rejected by the mapper with their
  cause (a reading under a misplaced meter is not silently lost). A second ZHV is misplaced too.
* A line with bad fields is rejected, and still placed in the tree, so that the groups below it
  know why they cannot be used.
* A group with fewer children of a kind than the layout's ``min`` is reported (``MISSING_GROUP``)
  on its own line; the children it has are used.
* Counts for the ZPT: every non-blank line between ZHV and ZPT is a group line, whatever became of
  it; each top-level group line is one flow. A mismatch is reported after the data, which is kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal

from meter2cash.domain.reads import Rejection
from meter2cash.ingest.dtc.envelope import Header, split_line, trailer_problems
from meter2cash.ingest.dtc.fields import Value, read_fields
from meter2cash.ingest.dtc.grammar import FlowLayout, GroupSpec
from meter2cash.ingest.dtc.reasons import DtcReason, Problem, Rejecter
from meter2cash.ingest.items import undecodable
from meter2cash.ingest.reasons import Reason


@dataclass(slots=True)
class Group:
    """One group line, read against its layout, with the group lines that belong under it."""

    spec: GroupSpec
    line: int
    text: str
    values: Mapping[str, Value]
    problem: Problem | None  # why the line itself cannot be used (already reported)
    children: list[Group] = field(default_factory=list)

    def text_value(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) else None

    def decimal_value(self, name: str) -> Decimal | None:
        value = self.values.get(name)
        return value if isinstance(value, Decimal) else None

    def instant_value(self, name: str) -> datetime | None:
        value = self.values.get(name)
        return value if isinstance(value, datetime) else None

    def walk(self) -> Iterator[Group]:
        """This group and every group below it, in file order."""
        yield self
        for child in self.children:
            yield from child.walk()


class GroupReader:
    """Reads one file's group lines into trees and checks its ZPT trailer."""

    def __init__(
        self, layout: FlowLayout, header: Header, reject: Rejecter, zone: tzinfo, header_line: int
    ) -> None:
        self.layout = layout
        self.header = header
        self.reject = reject
        self.zone = zone
        self.header_line = header_line
        self.roots: list[Group] = []  # the current top-level tree, then any orphan trees
        self.open: dict[str, Group] = {}  # group id -> its open instance on the current path
        self.group_lines = 0
        self.flows = 0
        self._with_min = frozenset(
            gid for gid, kids in layout.children.items() if gid and any(k.min for k in kids)
        )

    def read(self, numbered: Iterator[tuple[int, str]]) -> Iterator[Rejection | Group]:
        """Rejections and finished trees, in file order; ``numbered`` holds the lines after ZHV."""
        reject = self.reject
        trailer_line: int | None = None
        last_line, last_text = self.header_line, ""
        for line_no, line in numbered:
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            last_line, last_text = line_no, text
            if trailer_line is not None:
                yield reject(
                    line_no,
                    DtcReason.RECORD_AFTER_TRAILER,
                    f"a line after the ZPT trailer at line {trailer_line}: a second file "
                    "appended? it is not read",
                    text,
                )
                continue
            gid = text.split("|", 1)[0]
            if gid == "ZPT":
                yield from self._flush()
                trailer_line = line_no
                yield from self._trailer(line_no, text)
                continue
            if gid == "ZHV":
                yield reject(
                    line_no,
                    DtcReason.MISPLACED_GROUP,
                    "a second ZHV header before the ZPT trailer: files concatenated? the groups "
                    "after it are read as part of this file",
                    text,
                )
                continue
            self.group_lines += 1
            yield from self._group(line_no, gid, text)
        if trailer_line is None:
            yield from self._flush()
            yield reject(
                last_line,
                DtcReason.MISSING_TRAILER,
                f"no ZPT trailer after line {last_line}: the file may be truncated; the groups "
                "read were kept",
                last_text,
            )
        if self.group_lines == 0:
            yield reject(
                trailer_line or self.header_line, Reason.NO_DATA, "no group lines after the ZHV", ""
            )

    def _group(self, line: int, gid: str, text: str) -> Iterator[Rejection | Group]:
        spec = self.layout.groups.get(gid)
        bad_bytes = undecodable(text)
        if spec is None:
            if bad_bytes:
                yield self.reject(line, Reason.BAD_ENCODING, "line is not valid UTF-8", text)
            else:
                known = ", ".join(self.layout.groups)
                yield self.reject(
                    line,
                    DtcReason.UNKNOWN_GROUP,
                    f"group id {gid[:20]!r} is not a group of {self.layout.key} ({known})",
                    text,
                )
            return
        if spec.parent is None:
            self.flows += 1
            yield from self._flush()
        problem = self._misplacement(spec)
        misplaced = problem is not None
        values: Mapping[str, Value] = {}
        if problem is None and bad_bytes:
            problem = Problem(Reason.BAD_ENCODING, "line is not valid UTF-8")
        if problem is None:
            read = read_fields(spec, split_line(text)[1:], self.zone)
            if isinstance(read, Problem):
                problem = read
            else:
                values = read
        node = Group(spec, line, text, values, problem)
        self._place(node, misplaced)
        if problem is not None:
            yield self.reject.problem(line, problem, text)

    def _misplacement(self, spec: GroupSpec) -> Problem | None:
        if spec.parent is None:
            return None
        parent = self.open.get(spec.parent)
        if parent is None:
            parent_name = self.layout.groups[spec.parent].name
            return Problem(
                DtcReason.MISPLACED_GROUP,
                f"group {spec.id} ({spec.name}) belongs under a {spec.parent} ({parent_name}) "
                "group and none is open here",
            )
        if parent.children and parent.children[-1].spec.order > spec.order:
            later = parent.children[-1].spec
            return Problem(
                DtcReason.MISPLACED_GROUP,
                f"group {spec.id} ({spec.name}) after a {later.id} ({later.name}) under the "
                f"{parent.spec.id} at line {parent.line}: {spec.id} comes first",
            )
        return None

    def _place(self, node: Group, misplaced: bool) -> None:
        spec = node.spec
        if spec.parent is None:
            self.roots.append(node)
            self.open = {spec.id: node}
            return
        if misplaced:
            self.roots.append(node)  # an orphan tree: what follows under it is still read
            closed = self.layout.descendants[spec.id]
        else:
            parent = self.open[spec.parent]
            parent.children.append(node)
            closed = self.layout.descendants[parent.spec.id]
        for gid in closed:
            self.open.pop(gid, None)
        self.open[spec.id] = node

    def _flush(self) -> Iterator[Rejection | Group]:
        roots, self.roots, self.open = self.roots, [], {}
        for root in roots:
            yield from self._missing_groups(root)
            yield root

    def _missing_groups(self, root: Group) -> Iterator[Rejection]:
        if not self._with_min:
            return
        for node in root.walk():
            if node.problem is not None or node.spec.id not in self._with_min:
                continue
            present = [child.spec.id for child in node.children]
            for kid in self.layout.children[node.spec.id]:
                count = present.count(kid.id)
                if count < kid.min:
                    yield self.reject(
                        node.line,
                        DtcReason.MISSING_GROUP,
                        f"group {node.spec.id} ({node.spec.name}) has {count} {kid.id} "
                        f"({kid.name}) groups under it; the layout asks for at least {kid.min}",
                        node.text,
                    )

    def _trailer(self, line: int, text: str) -> Iterator[Rejection]:
        top = "/".join(spec.id for spec in self.layout.children.get(None, ()))
        for problem in trailer_problems(
            text, self.zone, self.header, self.group_lines, self.flows, top
        ):
            yield self.reject.problem(line, problem, text)
