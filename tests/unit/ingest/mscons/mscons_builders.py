"""Small MSCONS interchanges for the parser tests, with trailer counts computed unless overridden.

Segments are written without their terminator; :func:`interchange` joins them. Times are written as
MIG 2.4c does (format 303 with the ``?+HH`` offset) from aware datetimes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from meter2cash.domain.reads import ChannelDay, IntervalRead, RegisterRead, Rejection
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.mscons import parse

FILE_ID = "e" * 64
MALO = "51481308448"  # valid MaLo-ID (BDEW check digit), from the public sample
MALO_2 = "51481308456"
ZP = "DE00014559929E00856996N5139699L01"  # the MIG 2.4c example Zählpunktbezeichnung
BERLIN = ZoneInfo("Europe/Berlin")
UNA = "UNA:+.? '"


def dtm(qualifier: str, at: datetime, zone: tzinfo = UTC) -> str:
    """``DTM+<q>:CCYYMMDDHHMM?+HH:303`` for ``at`` written in ``zone``'s offset."""
    local = at.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    sign = "-" if hours < 0 else "?+"
    return f"DTM+{qualifier}:{local:%Y%m%d%H%M}{sign}{abs(hours):02d}:303"


def qty(
    value: str,
    start: datetime,
    end: datetime | None = None,
    qualifier: str = "220",
    unit: str | None = "KWH",
    statuses: Sequence[str] = (),
    zone: tzinfo = UTC,
) -> list[str]:
    """A QTY group over ``[start, end)`` (a quarter-hour unless ``end`` is given)."""
    end = end or start + timedelta(minutes=15)
    c186 = f"{qualifier}:{value}" + (f":{unit}" if unit else "")
    return [f"QTY+{c186}", dtm("163", start, zone), dtm("164", end, zone), *statuses]


def quarter_hours(
    first: datetime, values: Iterable[str], zone: tzinfo = UTC, **kwargs: object
) -> list[str]:
    segments: list[str] = []
    for k, value in enumerate(values):
        start = first.astimezone(UTC) + timedelta(minutes=15 * k)  # elapsed, not wall-clock, time
        segments += qty(value, start, zone=zone, **kwargs)  # type: ignore[arg-type]
    return segments


def lin(obis: str, *groups: list[str], number: int = 1, kind: str = "SRW") -> list[str]:
    code = obis.replace(":", "?:")
    segments = [f"LIN+{number}", f"PIA+5+{code}:{kind}"]
    for group in groups:
        segments += group
    return segments


def loc(location: str = MALO, *items: list[str], meter: str | None = None) -> list[str]:
    segments = ["NAD+DP", f"LOC+172+{location}"]
    if meter:
        segments.append(f"RFF+MG:{meter}")
    for item in items:
        segments += item
    return segments


def message(
    *body: list[str],
    reference: str = "1",
    count: int | None = None,
    kind: str = "MSCONS:D:04B:UN:2.4c",
    function: str = "9",
    header: Sequence[str] = (),
    trailer: bool = True,
) -> list[str]:
    segments = [
        f"UNH+{reference}+{kind}",
        f"BGM+7+DOC{reference}+{function}",
        "DTM+137:202401011200?+00:303",
        *header,
        "RFF+Z13:13025",
        "NAD+MS+9900000000002::293",
        "NAD+MR+9900000000003::293",
        "UNS+D",
    ]
    for part in body:
        segments += part
    if trailer:
        segments.append(f"UNT+{count if count is not None else len(segments) + 1}+{reference}")
    return segments


def interchange(
    *messages: list[str],
    una: str | None = UNA,
    reference: str = "IC1",
    count: int | None = None,
    trailer: bool = True,
    charset: str = "UNOC",
) -> bytes:
    terminator = una[8] if una else "'"
    segments = [f"UNB+{charset}:3+9900000000002:500+9900000000003:500+240101:1200+{reference}++TL"]
    for part in messages:
        segments += part
    if trailer:
        segments.append(f"UNZ+{count if count is not None else len(messages)}+{reference}")
    text = (una or "") + "".join(segment + terminator for segment in segments)
    return text.encode("utf-8" if charset == "UNOW" else "latin-1")


def run(data: bytes, member: str | None = None) -> list[ParsedItem]:
    return list(parse(io.BytesIO(data), FILE_ID, "test.edi", member))


def split(
    items: list[ParsedItem],
) -> tuple[list[ChannelDay], list[IntervalRead], list[RegisterRead], list[Rejection]]:
    days = [i for i in items if isinstance(i, ChannelDay)]
    reads = [i for i in items if isinstance(i, IntervalRead)]
    registers = [i for i in items if isinstance(i, RegisterRead)]
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert len(days) + len(reads) + len(registers) + len(rejections) == len(items)
    return days, reads, registers, rejections


def codes(items: list[ParsedItem]) -> list[str]:
    return [item.reason_code for item in items if isinstance(item, Rejection)]


def at(text: str) -> datetime:
    """``"2024-01-01 00:00"`` as a UTC instant."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
