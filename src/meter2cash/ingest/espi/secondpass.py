"""Second pass: every IntervalReading of the document, attributed, read and grouped into days.

expat handlers collect only what a reading needs: ``interval/start`` of its IntervalBlock and its
own ``timePeriod/start``, ``timePeriod/duration``, ``value`` and ``ReadingQuality/quality``. Which
channel a block's readings belong to is asked of the :class:`~meter2cash.ingest.espi.resolve.
Resolver` when the block opens; resources are counted exactly as the first pass counted them
(IntervalBlock contents excluded), so that both passes name each resource by the same ordinal.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from meter2cash.ingest.espi.catalogue import (
    ENTRY,
    ESPI_PREFIX,
    INTERVAL_BLOCK,
    SMALL_KINDS,
    Catalogue,
)
from meter2cash.ingest.espi.days import DayBook, Reject
from meter2cash.ingest.espi.readings import RawReading, read
from meter2cash.ingest.espi.reasons import Fault
from meter2cash.ingest.espi.resolve import Channel, Resolver
from meter2cash.ingest.espi.xmlstream import Feeder, espi, new_parser
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.reasons import Reason

READING, INTERVAL, TIME_PERIOD = espi("IntervalReading"), espi("interval"), espi("timePeriod")
START, DURATION, VALUE = espi("start"), espi("duration"), espi("value")
READING_QUALITY, QUALITY = espi("ReadingQuality"), espi("quality")


@dataclass(slots=True)
class _Block:
    line: int
    depth: int
    channel: Channel | Fault
    start: str | None = None  # interval/start
    readings: int = 0
    child: str = ""  # the child element open at depth + 1


# What the text being collected is.
_BLOCK_START, _VALUE, _START, _DURATION, _QUALITY = range(5)


class SecondPass:
    """expat handlers that collect only what an IntervalReading needs, and a day book.

    Three handler pairs are swapped as the parser enters and leaves an IntervalBlock and an
    IntervalReading, and the text handler is on only inside the five leaves read: most elements
    of a large feed then cost two short calls.
    """

    def __init__(self, found: Catalogue, resolver: Resolver, reject: Reject, days: DayBook):
        self.found = found
        self.resolver = resolver
        self.reject = reject
        self.days = days
        self.out: list[ParsedItem] = []
        self.parser = new_parser()
        self.depth = 0
        self.entry_depth = 0  # 0: not in an entry
        self.entries = -1
        self.entry_holds_blocks = False
        self.block_entries = 0
        self.ordinal = 0
        self.open: list[tuple[int, int]] = []  # (depth, ordinal) of open small resources
        self.block: _Block | None = None
        self.reading: RawReading | None = None
        self.reading_depth = 0
        self.child = ""  # the reading's child element open at reading_depth + 1
        self.text: list[str] = []
        self.collecting: int | None = None
        self._handlers(self.start, self.end)

    def run(self, stream: IO[bytes]) -> Iterator[ParsedItem]:
        out = self.out
        feeder = Feeder(self.parser, stream)
        for _ in feeder:
            if out:
                yield from out
                out.clear()
        self.days.close(out)
        damage = feeder.damage
        if damage is not None:
            out.append(self.reject(damage.line, damage.reason, damage.message, ""))
        elif self.found.blocks == 0:
            out.append(self.reject(1, Reason.NO_DATA, "the document holds no IntervalBlock", ""))
        yield from out

    def _handlers(self, start: object, end: object) -> None:
        self.parser.StartElementHandler = start
        self.parser.EndElementHandler = end

    def _collect(self, what: int) -> None:
        self.collecting = what
        text: list[str] = []
        self.text = text
        self.parser.CharacterDataHandler = text.append

    def _store(self, what: int) -> None:
        self.collecting = None
        self.parser.CharacterDataHandler = None
        text = "".join(self.text)
        reading = self.reading
        if reading is None:
            self.block.start = text  # type: ignore[union-attr]
        elif what == _VALUE:
            reading.value = text
        elif what == _START:
            reading.start = text
        elif what == _DURATION:
            reading.duration = text
        else:
            reading.qualities.append(text)

    # Outside IntervalBlocks: entries and the nesting of resources.

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if name == ENTRY and not self.entry_depth:
            self.entry_depth = self.depth
            self.entries += 1
            self.entry_holds_blocks = False
        elif name.startswith(ESPI_PREFIX):
            kind = name[len(ESPI_PREFIX) :]
            if kind in SMALL_KINDS:
                self.ordinal += 1
                self.open.append((self.depth, self.ordinal))
            elif kind == INTERVAL_BLOCK:
                self.ordinal += 1
                self._open_block()
            elif name == READING:
                self.out.append(
                    self.reject(
                        self.parser.CurrentLineNumber,
                        Reason.ORPHAN_RECORD,
                        "IntervalReading outside an IntervalBlock: no ReadingType describes it",
                        "IntervalReading",
                    )
                )

    def end(self, name: str) -> None:
        depth = self.depth
        if self.open and self.open[-1][0] == depth:
            self.open.pop()
        elif depth == self.entry_depth:
            self.entry_depth = 0
        self.depth = depth - 1

    def _open_block(self) -> None:
        number = None
        entry = self.entries if self.entry_depth else None
        if entry is not None and not self.open:
            if not self.entry_holds_blocks:
                self.entry_holds_blocks = True
                self.block_entries += 1
            number = self.block_entries - 1
        channel = self.resolver.for_block([ordinal for _, ordinal in self.open], entry, number)
        self.block = _Block(self.parser.CurrentLineNumber, self.depth, channel)
        self._handlers(self._block_start, self._block_end)

    # Inside an IntervalBlock, outside its readings.

    def _block_start(self, name: str, attrs: dict[str, str]) -> None:
        depth = self.depth = self.depth + 1
        block = self.block
        assert block is not None
        if depth == block.depth + 1:
            block.child = name
            if name == READING:
                self.reading = RawReading(self.parser.CurrentLineNumber, block.readings)
                self.reading_depth = depth
                self._handlers(self._reading_start, self._reading_end)
        elif depth == block.depth + 2 and name == START and block.child == INTERVAL:
            self._collect(_BLOCK_START)

    def _block_end(self, name: str) -> None:
        if self.collecting is not None:
            self._store(self.collecting)
        block = self.block
        assert block is not None
        if self.depth == block.depth:
            self._finish_block(block)
            self._handlers(self.start, self.end)
        self.depth -= 1

    def _finish_block(self, block: _Block) -> None:
        self.block = None
        fault = block.channel
        if isinstance(fault, Fault):
            count = block.readings
            self.out.append(
                self.reject(
                    block.line,
                    fault.reason,
                    f"{fault.message}; the IntervalBlock's {count} "
                    f"reading{'' if count == 1 else 's'} cannot be read",
                    f"IntervalBlock at line {block.line} with {count} IntervalReading",
                )
            )

    # Inside an IntervalReading.

    def _reading_start(self, name: str, attrs: dict[str, str]) -> None:
        depth = self.depth = self.depth + 1
        level = depth - self.reading_depth
        if level == 1:
            self.child = name
            if name == VALUE:
                self._collect(_VALUE)
        elif level == 2:
            child = self.child
            if child == TIME_PERIOD:
                if name == START:
                    self._collect(_START)
                elif name == DURATION:
                    self._collect(_DURATION)
            elif child == READING_QUALITY and name == QUALITY:
                self._collect(_QUALITY)

    def _reading_end(self, name: str) -> None:
        what = self.collecting
        if what is not None:  # _store, inlined: this runs for every element of every reading
            self.collecting = None
            self.parser.CharacterDataHandler = None
            text = "".join(self.text)
            reading = self.reading
            assert reading is not None
            if what == _VALUE:
                reading.value = text
            elif what == _START:
                reading.start = text
            elif what == _DURATION:
                reading.duration = text
            else:
                reading.qualities.append(text)
        if self.depth == self.reading_depth:
            self._finish_reading()
            self._handlers(self._block_start, self._block_end)
        self.depth -= 1

    def _finish_reading(self) -> None:
        raw, block = self.reading, self.block
        assert raw is not None and block is not None
        self.reading = None
        block.readings += 1
        channel = block.channel
        if isinstance(channel, Fault):
            return
        result = read(raw, channel, block.start)
        if isinstance(result, Fault):
            self.out.append(self.reject(raw.line, result.reason, result.message, raw.shown()))
        else:
            self.days.add(channel, result, raw.line, self.out)
