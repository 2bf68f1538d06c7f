"""Every rejection reason: a precise code, the XML line, and the rest of the file still read."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from tests.unit.ingest.espi.feeds import (
    MR,
    RT,
    UP,
    entry,
    epoch,
    feed,
    hourly,
    interval_block,
    interval_reading,
    line_of,
    parsed,
    reading_type,
    standard_feed,
    usage_point,
)

from meter2cash.domain.reads import ChannelDay, Rejection
from meter2cash.ingest.espi import parse
from meter2cash.ingest.espi.reasons import EspiReason

JAN1 = epoch(2020, 1, 1, 8)
GOOD = interval_block(hourly(JAN1, range(24)))


def rejections(items: list) -> list[Rejection]:  # type: ignore[type-arg]
    return [i for i in items if isinstance(i, Rejection)]


def only_rejection(data: bytes) -> Rejection:
    (rejection,) = parsed(data)
    assert isinstance(rejection, Rejection), rejection
    assert rejection.file_name == "feed.xml" and rejection.source.file_id == "f" * 64
    return rejection


def test_block_whose_links_name_no_meter_reading() -> None:
    data = (
        standard_feed(GOOD)
        .replace(
            b'rel="up" href="' + f"{MR}/IntervalBlock".encode(),
            b'rel="up" href="' + f"{UP}/MeterReading/99/IntervalBlock".encode(),
        )
        .replace(f"{MR}/IntervalBlock/0".encode(), f"{UP}/MeterReading/99/IntervalBlock/0".encode())
    )
    rejection = only_rejection(data)
    assert rejection.reason_code == "UNRESOLVED_METER_READING"
    assert rejection.source.line == line_of(data, "<IntervalBlock")
    assert "MeterReading/99/IntervalBlock" in rejection.message
    assert "24 readings cannot be read" in rejection.message


def test_meter_reading_whose_related_links_name_no_reading_type() -> None:
    data = standard_feed(GOOD).replace(
        f'href="{RT}"/>\n    <content>\n      <MeterReading'.encode(),
        f'href="{RT}X"/>\n    <content>\n      <MeterReading'.encode(),
    )
    assert b"ReadingType/07X" in data
    rejection = only_rejection(data)
    assert rejection.reason_code == "UNRESOLVED_READING_TYPE"
    assert "ReadingType/07X" in rejection.message


def test_meter_reading_that_belongs_to_no_usage_point() -> None:
    data = feed(
        entry(
            '<MeterReading xmlns="http://naesb.org/espi"/>',
            self=f"{MR}",
            up="elsewhere/MeterReading",
            related=[RT],
        ),
        entry(reading_type(), self=RT),
        entry(GOOD, up=f"{MR}/IntervalBlock"),
    )
    rejection = only_rejection(data)
    assert rejection.reason_code == "UNRESOLVED_USAGE_POINT"
    assert "elsewhere/MeterReading" in rejection.message


@pytest.mark.parametrize(
    ("fields", "reason", "mentions"),
    [
        ({"uom": 119}, "UNSUPPORTED_UNIT", "uom 119 (ft3), a volume"),
        ({"uom": 169}, "UNSUPPORTED_UNIT", "uom 169 (therm)"),
        ({"uom": 38}, "UNSUPPORTED_UNIT", "uom 38 (W), a power"),
        ({"uom": 9999}, "UNKNOWN_UNIT", "uom 9999"),
        ({"uom": None}, "UNKNOWN_UNIT", "has no uom"),
        ({"uom": "Wh"}, "BAD_READING_TYPE", "not an integer"),
        ({"accumulationBehaviour": 12}, "UNSUPPORTED_ACCUMULATION", "accumulationBehaviour 12"),
    ],
)
def test_reading_types_that_cannot_give_canonical_energy(
    fields: dict[str, object], reason: str, mentions: str
) -> None:
    data = standard_feed(GOOD, GOOD, rt=reading_type(**fields))  # type: ignore[arg-type]
    found = parsed(data)
    first, second = rejections(found)
    assert len(found) == 2 and first.reason_code == second.reason_code == reason  # once per block
    assert mentions in first.message
    assert first.source.line == line_of(data, "<IntervalBlock")


@pytest.mark.parametrize(
    ("reading", "reason"),
    [
        (interval_reading(JAN1, None), "BAD_VALUE"),
        (interval_reading(JAN1, "12kWh"), "BAD_VALUE"),
        (interval_reading(JAN1, "NaN"), "BAD_VALUE"),
        (interval_reading(JAN1, "1e3"), "BAD_VALUE"),
        (interval_reading(JAN1, 5, qualities=("valid",)), "BAD_QUALITY"),
    ],
)
def test_a_bad_reading_is_rejected_alone(reading: str, reason: str) -> None:
    data = standard_feed(interval_block([reading, *hourly(JAN1 + 3600, range(23))]))
    rejection, day = parsed(data)
    assert isinstance(rejection, Rejection) and rejection.reason_code == reason
    assert rejection.source.line == line_of(data, "<IntervalReading>")
    assert (
        isinstance(day, ChannelDay) and day.values[0] is None and day.values[1] == Decimal("0.000")
    )


def test_interval_reading_outside_a_block() -> None:
    data = standard_feed(GOOD).replace(
        b"</feed>", b'<IntervalReading xmlns="http://naesb.org/espi"/></feed>'
    )
    rejection, day = parsed(data)
    assert isinstance(day, ChannelDay)
    assert isinstance(rejection, Rejection) and rejection.reason_code == "ORPHAN_RECORD"
    assert rejection.source.line == line_of(data, "<IntervalReading xmlns")


def test_malformed_xml_after_good_data_keeps_the_good_part() -> None:
    good = standard_feed(GOOD, interval_block(hourly(JAN1 + 86400, range(24)))).decode()
    at = good.rindex("<value>")
    broken = (good[:at] + "<value>5</valeu>" + good[at + len("<value>5</value>") :]).encode()
    items = parsed(broken)
    *days, rejection = items
    assert isinstance(rejection, Rejection) and rejection.reason_code == "MALFORMED_XML"
    assert rejection.source.line == line_of(broken, "</valeu>")
    assert "mismatched tag" in rejection.message
    assert [d.complete for d in days] == [True, False]  # type: ignore[union-attr]
    assert days[1].values[22] == Decimal("0.022") and days[1].values[23] is None  # type: ignore[union-attr]


def test_truncated_file() -> None:
    good = standard_feed(GOOD, interval_block(hourly(JAN1 + 86400, range(24))))
    cut = good[: good.rindex(b"<IntervalReading>") + 5]
    items = parsed(cut)
    assert rejections(items)[-1].reason_code == "TRUNCATED_XML"
    days = [i for i in items if isinstance(i, ChannelDay)]
    assert len(days) == 2 and days[0].complete and not days[1].complete  # all that was there


def test_entity_declarations_are_refused() -> None:
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&b;</title></feed>"""
    rejection = only_rejection(bomb)
    assert rejection.reason_code == "FORBIDDEN_XML"
    assert rejection.source.line == 2


def test_a_document_that_is_not_espi() -> None:
    rejection = only_rejection(b"<html><body>Green Button</body></html>")
    assert rejection.reason_code == "NOT_ESPI"
    assert rejection.offending_text == "<html> in namespace (none)"


def test_empty_file() -> None:
    assert only_rejection(b"").reason_code == "EMPTY_FILE"


def test_a_feed_without_interval_blocks_has_no_data() -> None:
    data = feed(entry(usage_point(), self=UP))
    rejection = only_rejection(data)
    assert rejection.reason_code == "NO_DATA"


def test_not_xml_at_all() -> None:
    rejection = only_rejection(b"100,NEM12,200506081149,UNITEDDP,NEMMCO\n")
    assert rejection.reason_code == "MALFORMED_XML" and rejection.source.line == 1


def test_one_broken_block_among_good_ones() -> None:
    stray = entry(GOOD, up="https://example.com/nowhere/IntervalBlock")
    data = standard_feed(GOOD).replace(b"</feed>", stray.encode() + b"\n</feed>")
    data = data.replace(
        b"</feed>",
        entry(interval_block(hourly(JAN1 + 86400, range(24))), up=f"{MR}/IntervalBlock").encode()
        + b"\n</feed>",
    )
    items = parsed(data)
    assert [type(i).__name__ for i in items] == ["Rejection", "ChannelDay", "ChannelDay"]
    assert items[0].reason_code == "UNRESOLVED_METER_READING"  # type: ignore[union-attr]


def test_every_reason_code_is_upper_snake_and_documented() -> None:
    readme = (
        __import__("pathlib").Path(__file__).parents[4] / "src/meter2cash/ingest/espi/README.md"
    ).read_text()
    for reason in EspiReason:
        assert reason.value == reason.name and reason.value in readme


class _Pipe(io.RawIOBase):
    """A stream that cannot seek, like a socket or a decompressor."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._data.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_a_stream_that_cannot_seek_is_spooled() -> None:
    data = standard_feed(GOOD, rt_last=True)
    pipe = io.BufferedReader(_Pipe(data))  # type: ignore[type-var]
    via_pipe = list(parse(pipe, "f" * 64, "feed.xml", "member.xml"))
    direct = list(parse(io.BytesIO(data), "f" * 64, "feed.xml", "member.xml"))
    assert via_pipe == direct and isinstance(direct[0], ChannelDay)
    assert direct[0].source.segment == "member.xml"
