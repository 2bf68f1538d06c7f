"""Small builders of Green Button XML for the ESPI parser tests (synthetic, written here).

``feed(...)`` assembles an Atom feed from entries; the helpers write the ESPI resources the way the
GBA sample files do (default namespace on each resource), so a test states only what it varies.
``write_large_feed`` streams a big hourly feed to a file for memory and throughput measurements.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from meter2cash.ingest.espi import parse
from meter2cash.ingest.items import ParsedItem

BASE = "https://example.com/DataCustodian/espi/1_1/resource"
UP = f"{BASE}/RetailCustomer/9/UsagePoint/1"
MR = f"{UP}/MeterReading/01"
RT = f"{BASE}/ReadingType/07"
LTP = f"{BASE}/LocalTimeParameters/01"
GOOD_FEED_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">\n'
    "  <id>urn:uuid:feed</id>\n"
)
PACIFIC = {
    "tzOffset": "-28800",
    "dstOffset": "3600",
    "dstStartRule": "360E2000",
    "dstEndRule": "B40E2000",
}


def epoch(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


def links(self: str | None = None, up: str | None = None, related: Iterable[str] = ()) -> str:
    out = []
    if self:
        out.append(f'<link rel="self" href="{self}"/>')
    if up:
        out.append(f'<link rel="up" href="{up}"/>')
    out.extend(f'<link rel="related" href="{href}"/>' for href in related)
    return "\n    ".join(out)


def entry(
    content: str, *, self: str | None = None, up: str | None = None, related: Iterable[str] = ()
) -> str:
    return f"""  <entry>
    <id>urn:uuid:{abs(hash((self, content))) % 10**12:012d}</id>
    {links(self, up, related)}
    <content>
      {content}
    </content>
  </entry>"""


def feed(*entries: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> bytes:
    body = "\n".join(entries)
    return (
        f'{prolog}<feed xmlns="http://www.w3.org/2005/Atom" xmlns:espi="http://naesb.org/espi">\n'
        f"  <id>urn:uuid:feed</id>\n  <title>test</title>\n{body}\n</feed>\n"
    ).encode()


def usage_point(kind: int = 0) -> str:
    return (
        f'<UsagePoint xmlns="http://naesb.org/espi"><ServiceCategory><kind>{kind}</kind>'
        "</ServiceCategory></UsagePoint>"
    )


def local_time(**fields: str) -> str:
    values = {**PACIFIC, **fields}
    inner = "".join(
        f"<{name}>{value}</{name}>" for name, value in values.items() if value is not None
    )
    return f'<LocalTimeParameters xmlns="http://naesb.org/espi">{inner}</LocalTimeParameters>'


def reading_type(**fields: str | int | None) -> str:
    values: dict[str, str | int | None] = {
        "accumulationBehaviour": 4,
        "commodity": 1,
        "flowDirection": 1,
        "intervalLength": 3600,
        "kind": 12,
        "powerOfTenMultiplier": 0,
        "uom": 72,
        **fields,
    }
    inner = "".join(
        f"<{name}>{value}</{name}>" for name, value in values.items() if value is not None
    )
    return f'<ReadingType xmlns="http://naesb.org/espi">{inner}</ReadingType>'


def interval_reading(
    start: int | str | None,
    value: int | str | None,
    duration: int | str | None = 3600,
    qualities: Iterable[int | str] = (),
    cost: int | None = None,
) -> str:
    parts = []
    if cost is not None:
        parts.append(f"<cost>{cost}</cost>")
    parts.extend(f"<ReadingQuality><quality>{q}</quality></ReadingQuality>" for q in qualities)
    period = ""
    if duration is not None:
        period += f"<duration>{duration}</duration>"
    if start is not None:
        period += f"<start>{start}</start>"
    if period:
        parts.append(f"<timePeriod>{period}</timePeriod>")
    if value is not None:
        parts.append(f"<value>{value}</value>")
    return "<IntervalReading>" + "".join(parts) + "</IntervalReading>"


def interval_block(
    readings: Iterable[str], start: int | None = None, duration: int | None = None
) -> str:
    interval = ""
    if start is not None:
        interval = (
            f"<interval><duration>{duration or 86400}</duration><start>{start}</start></interval>"
        )
    body = "\n        ".join(readings)
    return f'<IntervalBlock xmlns="http://naesb.org/espi">{interval}\n        {body}\n      </IntervalBlock>'


def hourly(start: int, values: Iterable[int], **kwargs: object) -> list[str]:
    return [interval_reading(start + 3600 * k, value, **kwargs) for k, value in enumerate(values)]  # type: ignore[arg-type]


def standard_feed(
    *blocks: str, rt: str | None = None, rt_last: bool = False, ltp: str | None = None
) -> bytes:
    """UsagePoint, LocalTimeParameters, MeterReading, ReadingType and the blocks, linked the GBA way."""
    resources = [
        entry(
            usage_point(),
            self=UP,
            up=f"{BASE}/RetailCustomer/9/UsagePoint",
            related=[f"{UP}/MeterReading", LTP],
        ),
        entry(ltp or local_time(), self=LTP, up=f"{BASE}/LocalTimeParameters"),
        entry(
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            self=MR,
            up=f"{UP}/MeterReading",
            related=[f"{MR}/IntervalBlock", RT],
        ),
    ]
    type_entry = entry(rt or reading_type(), self=RT, up=f"{BASE}/ReadingType")
    block_entries = [
        entry(block, self=f"{MR}/IntervalBlock/{n}", up=f"{MR}/IntervalBlock")
        for n, block in enumerate(blocks)
    ]
    if rt_last:
        return feed(*resources, *block_entries, type_entry)
    return feed(*resources, type_entry, *block_entries)


def write_large_feed(path: Path, target_bytes: int, *, rt_last: bool = True) -> int:
    """Write a standard feed of daily blocks of hourly readings until ``target_bytes``; return the
    number of readings. The ReadingType comes last (the worst order for a one-pass reader)."""
    head, _, tail = standard_feed("@@BLOCKS@@", rt_last=rt_last).decode().partition("@@BLOCKS@@")
    # standard_feed put the placeholder inside one block entry: split around that entry instead.
    entry_start = head.rfind("  <entry>")
    prefix, block_entry_head = head[:entry_start], head[entry_start:]
    entry_end = tail.find("</entry>") + len("</entry>")
    block_entry_tail, suffix = tail[:entry_end], tail[entry_end:]
    readings = 0
    day = epoch(2020, 1, 1, 8)
    with path.open("w", encoding="utf-8") as out:
        out.write(prefix)
        written = len(prefix)
        n = 0
        while written < target_bytes:
            block = interval_block(
                (
                    interval_reading(day + 3600 * k, 100 + (n + k) % 900, qualities=(0,))
                    for k in range(24)
                ),
                start=day,
            )
            text = (
                block_entry_head.replace(f"{MR}/IntervalBlock/0", f"{MR}/IntervalBlock/{n}")
                + block
                + block_entry_tail
                + "\n"
            )
            out.write(text)
            written += len(text)
            readings += 24
            day += 86400
            n += 1
        out.write(suffix)
    return readings


def parsed(data: bytes, name: str = "feed.xml") -> list[ParsedItem]:
    """Every item the parser yields for ``data``."""
    return list(parse(io.BytesIO(data), "f" * 64, name, None))


def line_of(data: bytes, needle: str, nth: int = 0) -> int:
    """1-based line of the ``nth`` occurrence of ``needle`` in ``data``."""
    text = data.decode()
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1
