"""MSCONS envelope and syntax: trailers, truncation, groups, rejection reasons, streaming, detection."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.ingest.mscons.mscons_builders import (
    MALO,
    UNA,
    at,
    codes,
    interchange,
    lin,
    loc,
    message,
    qty,
    quarter_hours,
    run,
    split,
)

from meter2cash.domain.reads import ChannelDay, IntervalRead, RegisterRead, Rejection
from meter2cash.ingest.mscons import recognises, segments
from meter2cash.ingest.mscons.segments import Segment, read_segments

FIRST = at("2024-01-14 23:00")


def body(value: str = "1") -> list[str]:
    return loc(MALO, lin("1-1:1.29.0", qty(value, FIRST)))


def values_of(items: list) -> list[Decimal | None]:
    return [day.values[0] for day in split(items)[0]]


# --- trailers and truncation --------------------------------------------------------------------


def test_a_sound_interchange_has_no_rejections() -> None:
    items = run(interchange(message(body()), message(body("2"), reference="2")))
    assert codes(items) == [] and values_of(items) == [Decimal(1), Decimal(2)]


def test_a_wrong_unt_segment_count_is_rejected_and_the_values_kept() -> None:
    items = run(interchange(message(body(), count=99)))
    [rejection] = split(items)[3]
    assert rejection.reason_code == "BAD_TRAILER_COUNT"
    assert rejection.source.segment == "UNH-1/UNT" and "has 15" in rejection.message
    assert values_of(items) == [Decimal(1)]


def test_a_wrong_unz_message_count_is_rejected_and_the_values_kept() -> None:
    items = run(interchange(message(body()), count=2))
    assert codes(items) == ["BAD_TRAILER_COUNT"] and values_of(items) == [Decimal(1)]
    assert split(items)[3][0].source.segment == "UNZ"


def test_trailer_references_must_match_their_headers() -> None:
    data = interchange(message(body())).replace(b"UNT+15+1'", b"UNT+15+7'")
    data = data.replace(b"UNZ+1+IC1'", b"UNZ+1+XX'")
    assert codes(run(data)) == ["BAD_TRAILER_REFERENCE", "BAD_TRAILER_REFERENCE"]


def test_a_truncated_file_keeps_its_good_part_and_says_what_is_missing() -> None:
    whole = interchange(message(loc(MALO, lin("1-1:1.29.0", quarter_hours(FIRST, ["1"] * 4)))))
    cut = whole[: whole.index(b"QTY+220:1:KWH'DTM+163:202401142345") + 20]
    items = run(cut)
    assert codes(items) == [
        "TRUNCATED_SEGMENT",
        "MISSING_INTERVAL",  # the QTY whose DTM+163 was cut off
        "MISSING_MESSAGE_TRAILER",
        "MISSING_INTERCHANGE_TRAILER",
    ]
    [day] = split(items)[0]
    assert day.values[:4] == (Decimal(1), Decimal(1), Decimal(1), None)
    truncated = split(items)[3][0]
    assert truncated.offending_text == "DTM+16"


def test_a_message_without_unt_is_closed_by_the_next_unh() -> None:
    data = interchange(message(body(), trailer=False), message(body("2"), reference="2"))
    items = run(data)
    assert codes(items) == ["MISSING_MESSAGE_TRAILER"]
    assert values_of(items) == [Decimal(1), Decimal(2)]


def test_an_interchange_without_unz_is_reported_at_a_second_unb() -> None:
    data = interchange(message(body()), trailer=False) + interchange(message(body("2")), una=None)
    items = run(data)
    assert codes(items) == ["MISSING_INTERCHANGE_TRAILER"]
    assert values_of(items) == [Decimal(1), Decimal(2)]


def test_segments_after_the_unz_are_rejected_one_by_one() -> None:
    data = interchange(message(body())) + b"QTY+220:5'UNH+9+MSCONS:D:04B:UN:2.4c'"
    items = run(data)
    assert codes(items) == ["SEGMENT_AFTER_END", "SEGMENT_AFTER_END"]
    assert values_of(items) == [Decimal(1)]


def test_a_segment_between_messages_is_outside_any_message() -> None:
    data = interchange(message(body()), ["QTY+220:5"], message(body("2"), reference="2"), count=2)
    assert codes(run(data)) == ["SEGMENT_OUTSIDE_MESSAGE"]


def test_a_file_that_does_not_start_with_una_or_unb_is_read_but_said_to() -> None:
    data = interchange(message(body()), una=None).split(b"'", 1)[1]  # drop the UNB
    items = run(data)
    assert codes(items) == ["MISSING_INTERCHANGE_HEADER", "BAD_SEGMENT"]  # and UNZ without UNB
    assert values_of(items) == [Decimal(1)]


def test_a_cut_short_una_is_a_truncated_segment() -> None:
    assert codes(run(b"UNA:+.")) == ["TRUNCATED_SEGMENT"]


@settings(max_examples=300, deadline=None)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 10_000), st.integers(0, 3), st.sampled_from(list(b"'+:?,.x\n\xff"))
        ),
        max_size=6,
    )
)
def test_damaged_files_never_raise(edits: list[tuple[int, int, int]]) -> None:
    """Bytes deleted or replaced anywhere: every outcome is a read or a rejection, never a crash."""
    data = bytearray(
        interchange(
            message(
                body(), loc(MALO, lin("1-1:1.8.0", ["QTY+220:5", "DTM+7:202401010000?+00:303"]))
            )
        )
    )
    for position, width, byte in edits:
        at_ = position % (len(data) + 1)
        data[at_ : at_ + width] = bytes([byte])
    items = run(bytes(data))
    assert items and all(
        isinstance(i, (ChannelDay, IntervalRead, RegisterRead, Rejection)) for i in items
    )


@pytest.mark.parametrize("data", [b"", b"  \r\n\r\n"])
def test_an_empty_file_is_one_rejection(data: bytes) -> None:
    [rejection] = run(data)
    assert isinstance(rejection, Rejection) and rejection.reason_code == "EMPTY_FILE"


# --- syntax -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("segment", "reason"),
    [("", "BAD_SEGMENT"), ("qty+220:1", "BAD_SEGMENT"), ("QTYX+1", "BAD_SEGMENT")],
)
def test_segments_that_are_not_edifact_are_rejected_and_still_counted(
    segment: str, reason: str
) -> None:
    items = run(interchange(message(body(), [segment])))
    assert codes(items) == [reason]  # the UNT count includes it, so no BAD_TRAILER_COUNT
    assert values_of(items) == [Decimal(1)]


def test_a_stretch_without_terminator_is_rejected_without_holding_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(segments, "MAX_SEGMENT_BYTES", 100)
    monkeypatch.setattr(segments, "CHUNK_BYTES", 64)
    data = interchange(message(body(), ["FTX+AAI+++" + "x" * 500]))
    items = run(data)
    assert codes(items) == ["BAD_SEGMENT"]  # counted as one segment, so UNT still agrees
    assert values_of(items) == [Decimal(1)]


def test_a_una_after_the_first_segment_is_rejected() -> None:
    unb, rest = interchange(message(body()), una=None).split(b"'", 1)
    items = run(unb + b"'UNA:+.? '" + rest)
    assert codes(items) == ["UNEXPECTED_SEGMENT"] and values_of(items) == [Decimal(1)]


def test_bytes_that_are_not_utf8_in_a_unow_interchange_are_rejected_per_segment() -> None:
    data = interchange(message(body(), ["FTX+AAI+++Gr\xfc\xdfe"]), charset="UNOW")
    bad = data.replace("Grüße".encode(), b"Gr\xfc\xdfe")
    assert codes(run(bad)) == ["BAD_ENCODING"]


def test_release_characters_and_line_breaks_between_segments() -> None:
    data = interchange(message(body())).replace(b"'", b"'\r\n")
    assert values_of(run(data)) == [Decimal(1)] and codes(run(data)) == []
    [segment] = [
        s
        for s in read_segments(io.BytesIO(b"UNA:+.? 'FTX+AAI+++a??'b?'c?:d'"))
        if isinstance(s, Segment) and s.tag == "FTX"
    ]
    assert segment.component(3) == "a?"  # '??' is a released '?', so the next "'" ends it
    rest = list(read_segments(io.BytesIO(b"UNA:+.? 'FTX+AAI+++a?'b?:c'")))
    assert isinstance(rest[1], Segment) and rest[1].component(3) == "a'b:c"


@settings(max_examples=40, deadline=None)
@given(chunk=st.integers(min_value=1, max_value=64))
def test_segments_read_the_same_whatever_the_chunk_size(chunk: int) -> None:
    data = interchange(
        message(loc(MALO, lin("1-1:1.29.0", quarter_hours(FIRST, ["1,5", "2"] * 3))), count=99),
        una="UNA:+,? '",
    )
    expected = run(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segments, "CHUNK_BYTES", chunk)
        assert run(data) == expected
    assert codes(expected) == ["BAD_TRAILER_COUNT"]


class _CountingStream(io.BytesIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.read_so_far = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.read_so_far += len(chunk)
        return chunk


def test_parsing_streams_a_day_out_before_the_file_is_read() -> None:
    values = ["1"] * (96 * 60)  # 60 days of quarter-hours, about 450 KB
    data = interchange(message(loc(MALO, lin("1-1:1.29.0", quarter_hours(FIRST, values)))))
    stream = _CountingStream(data)
    from meter2cash.ingest.mscons import parse

    items = parse(stream, "f" * 64, "big.edi", None)
    first = next(items)
    assert isinstance(first, ChannelDay) and first.complete
    assert stream.read_so_far < len(data) / 4
    assert sum(1 for _ in items) == 59


# --- groups: messages, locations, lines ---------------------------------------------------------


def test_a_cancellation_message_is_rejected_with_its_values() -> None:
    items = run(interchange(message(body(), function="1")))
    assert codes(items) == ["CANCELLATION_NOT_SUPPORTED", "GROUP_REJECTED"]
    assert "cancellation" in split(items)[3][1].message and values_of(items) == []


def test_a_message_of_another_type_is_skipped_with_one_rejection() -> None:
    items = run(interchange(message(body(), kind="UTILMD:D:11A:UN:5.2e")))
    [rejection] = split(items)[3]
    assert rejection.reason_code == "UNSUPPORTED_MESSAGE" and values_of(items) == []


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("51481308449", "INVALID_SUPPLY_POINT"),  # wrong MaLo check digit
        ("01481308448", "INVALID_SUPPLY_POINT"),  # a MaLo-ID does not start with 0
        ("E1234567890", "INVALID_SUPPLY_POINT"),
        ("DE0001455992", "INVALID_SUPPLY_POINT"),
    ],
)
def test_an_invalid_supply_point_rejects_its_location_and_each_value(
    location: str, reason: str
) -> None:
    first = FIRST
    data = interchange(
        message(
            loc(
                location,
                lin("1-1:1.29.0", qty("1", first) + qty("2", first + timedelta(minutes=15))),
            )
        )
    )
    items = run(data)
    assert codes(items) == [reason, "GROUP_REJECTED", "GROUP_REJECTED"]
    assert split(items)[3][0].source.segment == "UNH-1/LOC"


def test_a_location_that_is_not_a_meldepunkt_is_unsupported() -> None:
    data = interchange(message(["NAD+DED", "LOC+Z04+H0", *lin("1-1:1.29.0", qty("1", FIRST))]))
    assert codes(run(data)) == ["UNSUPPORTED_LOCATION", "GROUP_REJECTED"]


@pytest.mark.parametrize(
    "item",
    [
        ["LIN+1", *qty("1", FIRST)],  # no PIA
        ["LIN+1", "PIA+5+nonsense:SRW", *qty("1", FIRST)],
        ["LIN+1", "PIA+1+1-1?:1.29.0:SRW", *qty("1", FIRST)],
    ],
)
def test_a_line_without_a_usable_product_rejects_its_values(item: list[str]) -> None:
    items = run(interchange(message(loc(MALO, item + qty("2", FIRST + timedelta(minutes=15))))))
    assert codes(items) == ["BAD_PRODUCT_ID", "GROUP_REJECTED", "GROUP_REJECTED"]
    lin_rejection, first, _ = split(items)[3]
    assert lin_rejection.source.segment == "UNH-1/LIN" and lin_rejection.offending_text == "LIN+1"
    assert "BAD_PRODUCT_ID" in first.message


def test_a_quantity_before_any_location_or_line_is_an_orphan() -> None:
    items = run(interchange(message(["NAD+DP", *qty("1", FIRST)])))
    assert codes(items) == ["ORPHAN_QUANTITY"]


def test_a_new_location_closes_the_previous_lines_day() -> None:
    data = interchange(message(body("1"), body("2")))
    assert values_of(run(data)) == [Decimal(1), Decimal(2)]


# --- detection ----------------------------------------------------------------------------------


def _head(data: bytes) -> tuple[str, str]:
    text = data.decode("utf-8", errors="replace")
    return text.strip().splitlines()[0], text


@pytest.mark.parametrize("una", [UNA, "UNA:+,? '", "UNA|*,! ~", None])
def test_recognises_mscons_interchanges(una: str | None) -> None:
    data = interchange(message(body()), una=una)
    if una == "UNA|*,! ~":
        data = data.decode("latin-1").replace(":", "|").replace("+", "*").replace("'", "~")
        data = data.replace("UNA|*.? ~", una).encode("latin-1")
    first, head = _head(b"\r\n" + data)
    assert recognises(first, head, "x.txt")


@pytest.mark.parametrize(
    "data",
    [
        interchange(message(body(), kind="UTILMD:D:11A:UN:5.2e")),
        b"100,NEM12,200405011135,MDA1,Ret1\n200,VABD000163,E1Q1,1,E1,N1,METSER123,kWh,30,\n",
        b"UNA:+.",
        b"UNH+1+MSCONS:D:04B:UN:2.4c'",
        b"Dear customer, UNB+ MSCONS: is not a file format",
    ],
)
def test_does_not_recognise_other_content(data: bytes) -> None:
    first, head = _head(data)
    assert not recognises(first, head, "x.txt")
