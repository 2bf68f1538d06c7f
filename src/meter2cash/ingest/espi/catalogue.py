"""First pass: the small resources of a Green Button document and the links between them.

An ESPI document is an Atom feed of entries, each entry's ``content`` holding resources and each
entry's ``link`` elements naming them (``self``), their collection (``up``) and what they refer to
(``related``). Order is not fixed: a ReadingType may follow the IntervalBlocks it describes, and an
entry's links may follow its content. So a first pass reads everything except the interval
readings: UsagePoint, MeterReading, ReadingType and LocalTimeParameters with their child elements'
text and their entry's links, plus where each resource is nested (resources "containerized"
inside each other or side by side in one entry). Inside an IntervalBlock nothing is kept; for an
entry holding IntervalBlocks only its ``up`` href and the parent of its ``self`` href are kept, as
indexes into a table of distinct hrefs (a few bytes per entry).

Memory is therefore bounded by the number of UsagePoints, MeterReadings, ReadingTypes and
LocalTimeParameters (a few hundred bytes each, however many readings they have) plus ~12 bytes per
IntervalBlock entry: a 1 GB feed of hourly blocks keeps a few MB.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import IO, Any, TypeAlias

from meter2cash.ingest.espi.hrefs import HrefIndex, normalised, parent
from meter2cash.ingest.espi.xmlstream import ESPI_NS, Damage, Feeder, atom, local_name, new_parser

USAGE_POINT = "UsagePoint"
METER_READING = "MeterReading"
READING_TYPE = "ReadingType"
LOCAL_TIME = "LocalTimeParameters"
INTERVAL_BLOCK = "IntervalBlock"
SMALL_KINDS = frozenset({USAGE_POINT, METER_READING, READING_TYPE, LOCAL_TIME})
ESPI_PREFIX = ESPI_NS + " "
ENTRY, LINK, ATOM_ID = atom("entry"), atom("link"), atom("id")

#: Where a resource sits: inside another resource ("r", its ordinal), directly in an entry's
#: content ("e", entry number) or in neither (the document: a bare resource).
Scope: TypeAlias = tuple[str, int]
DOCUMENT: Scope = ("d", 0)


@dataclass(slots=True)
class Resource:
    kind: str
    ordinal: int  # document order among resources (IntervalBlocks included), same in both passes
    line: int
    scope: Scope
    fields: dict[str, str] = field(default_factory=dict)  # "uom", "ServiceCategory/kind", ...
    self_href: str = ""  # its entry's links, normalised; only for an entry's top-level resources
    up_href: str = ""
    related: list[str] = field(default_factory=list)
    entry_id: str = ""

    def describe(self) -> str:
        return f"{self.kind} {self.self_href or f'at line {self.line}'}"


class Catalogue:
    """Everything the second pass needs to attribute an IntervalBlock's readings."""

    def __init__(self) -> None:
        self.resources: dict[int, Resource] = {}
        self._children: dict[Scope, list[Resource]] = {}
        self.by_self: dict[str, HrefIndex[Resource]] = {kind: HrefIndex() for kind in SMALL_KINDS}
        self.by_related: dict[str, HrefIndex[Resource]] = {
            kind: HrefIndex() for kind in SMALL_KINDS
        }
        self.local_times: list[Resource] = []
        self.root: str | None = None
        self.blocks = 0
        self.damage: Damage | None = None
        self.bytes_read = 0
        self._hrefs: list[str] = []
        self._href_ids: dict[str, int] = {}
        self._block_links = array("l")  # (up, parent of self, self) per entry holding blocks

    def children(self, scope: Scope, kind: str) -> list[Resource]:
        return [res for res in self._children.get(scope, ()) if res.kind == kind]

    def block_entry_links(self, number: int) -> tuple[str, str, str]:
        """(up, parent of self, self) hrefs of the ``number``-th entry holding IntervalBlocks."""
        if 3 * number + 2 >= len(self._block_links):
            return "", "", ""  # the document broke before that entry ended
        up, owner, own = self._block_links[3 * number : 3 * number + 3]
        return self._hrefs[up], self._hrefs[owner], self._hrefs[own]

    def add(self, resource: Resource) -> None:
        self.resources[resource.ordinal] = resource
        self._children.setdefault(resource.scope, []).append(resource)
        if resource.kind == LOCAL_TIME:
            self.local_times.append(resource)

    def index(self, resource: Resource) -> None:
        self.by_self[resource.kind].add(resource.self_href, resource)
        for href in resource.related:
            self.by_related[resource.kind].add(href, resource)

    def add_block_entry(self, up: str, self_href: str) -> None:
        # The parent of an ESPI-shaped self href (.../MeterReading/01/IntervalBlock/7) finds the
        # MeterReading; only a self href of another shape is kept itself.
        owner = parent(self_href, INTERVAL_BLOCK) or ""
        for href in (up, owner, "" if owner else self_href):
            self._block_links.append(self._href_id(href))

    def _href_id(self, href: str) -> int:
        found = self._href_ids.get(href)
        if found is None:
            found = self._href_ids[href] = len(self._hrefs)
            self._hrefs.append(href)
        return found


def catalogue(binary: IO[bytes]) -> Catalogue:
    """Read the whole stream once and return its catalogue (the stream is left at its end)."""
    found = Catalogue()
    parser = new_parser()
    collector = _Collector(parser, found)
    feeder = Feeder(parser, binary)
    for _ in feeder:
        pass
    if collector.entry is not None:  # cut off inside an entry: keep the links it had so far
        collector.close_entry(collector.entry)
    found.damage, found.bytes_read = feeder.damage, feeder.bytes_read
    return found


@dataclass(slots=True)
class _Entry:
    number: int
    depth: int
    self_href: str = ""
    up_href: str = ""
    related: list[str] = field(default_factory=list)
    entry_id: str = ""
    top_level: list[Resource] = field(default_factory=list)
    holds_blocks: bool = False


class _Collector:
    """expat handlers of the first pass; IntervalBlock contents are skipped by swapped handlers."""

    def __init__(self, parser: Any, found: Catalogue) -> None:
        self.parser = parser
        self.found = found
        self.depth = 0
        self.names: list[str] = []
        self.text: list[str] = []
        self.entry: _Entry | None = None
        self.entries = 0
        self.ordinal = 0
        self.open: list[tuple[int, Resource]] = []  # (depth, resource) of open small resources
        self.block_depth = 0
        self._normal()

    def _normal(self) -> None:
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text.append

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        self.names.append(name)
        self.text.clear()
        found = self.found
        if found.root is None:
            found.root = name
        entry = self.entry
        if name == ENTRY and entry is None:
            self.entry = _Entry(self.entries, self.depth)
            self.entries += 1
        elif name == LINK and entry is not None and self.depth == entry.depth + 1:
            href, rel = normalised(attrs.get("href", "")), attrs.get("rel", "")
            if rel == "self":
                entry.self_href = href
            elif rel == "up":
                entry.up_href = href
            elif rel == "related":
                entry.related.append(href)
        elif name.startswith(ESPI_PREFIX):
            kind = name[len(ESPI_PREFIX) :]
            if kind in SMALL_KINDS:
                self._open(kind)
            elif kind == INTERVAL_BLOCK:
                self.ordinal += 1
                found.blocks += 1
                if entry is not None and not self.open:
                    entry.holds_blocks = True
                self.block_depth = self.depth
                self.parser.StartElementHandler = self._skip_start
                self.parser.EndElementHandler = self._skip_end
                self.parser.CharacterDataHandler = None

    def _open(self, kind: str) -> None:
        self.ordinal += 1
        entry = self.entry
        if self.open:
            scope: Scope = ("r", self.open[-1][1].ordinal)
        elif entry is not None:
            scope = ("e", entry.number)
        else:
            scope = DOCUMENT
        resource = Resource(kind, self.ordinal, self.parser.CurrentLineNumber, scope)
        self.found.add(resource)
        if entry is not None and not self.open:
            entry.top_level.append(resource)
        self.open.append((self.depth, resource))

    def end(self, name: str) -> None:
        text = "".join(self.text).strip()
        self.text.clear()
        depth = self.depth
        if self.open:
            top_depth, resource = self.open[-1]
            if top_depth == depth:
                self.open.pop()
            elif text and depth - top_depth <= 2 and name.startswith(ESPI_PREFIX):
                path = self.names[top_depth:depth]
                resource.fields["/".join(local_name(part) for part in path)] = text
        entry = self.entry
        if entry is not None:
            if name == ATOM_ID and depth == entry.depth + 1:
                entry.entry_id = text
            elif name == ENTRY and depth == entry.depth:
                self.close_entry(entry)
        self.names.pop()
        self.depth -= 1

    def close_entry(self, entry: _Entry) -> None:
        for resource in entry.top_level:
            resource.self_href, resource.up_href = entry.self_href, entry.up_href
            resource.related, resource.entry_id = entry.related, entry.entry_id
            self.found.index(resource)
        if entry.holds_blocks:
            self.found.add_block_entry(entry.up_href, entry.self_href)
        self.entry = None

    def _skip_start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1

    def _skip_end(self, name: str) -> None:
        if self.depth == self.block_depth:
            self._normal()
            self.end(name)
        else:
            self.depth -= 1
