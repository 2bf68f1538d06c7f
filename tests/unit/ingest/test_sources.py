"""Format detection and file opening: plain files, ZIP archives, encodings, unreadable input."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash import codec
from meter2cash.domain.errors import InputError
from meter2cash.domain.reads import ChannelDay, Rejection, SourceRef
from meter2cash.ingest import FORMATS, ParsedItem, detect_format, parse_file
from meter2cash.ingest.sources import HEAD_BYTES

FILE_ID = "a" * 64
VALUES = ",".join(["1.5"] * 48)


def nem12_text(on: str = "20040201", nmi: str = "VABD000163") -> str:
    return (
        "\r\n".join(
            [
                "100,NEM12,200405011135,MDA1,Ret1",
                f"200,{nmi},E1,1,E1,N1,M1,kWh,30,",
                f"300,{on},{VALUES},A,,,20040202120025,",
                "900",
            ]
        )
        + "\r\n"
    )


def write(tmp_path: Path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def parsed(path: Path, fmt: str = "auto") -> tuple[list[ChannelDay], list[Rejection]]:
    items: list[ParsedItem] = list(parse_file(path, FILE_ID, path.name, fmt))
    return (
        [item for item in items if isinstance(item, ChannelDay)],
        [item for item in items if isinstance(item, Rejection)],
    )


# --- detection -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"100,NEM12,200405011135,MDA1,Ret1\r\n200,", "nem12"),
        (b"\xef\xbb\xbf100,NEM12,200405011135,MDA1,Ret1\n", "nem12"),  # UTF-8 BOM
        (b"\r\n\r\n100,nem12,200405011135,MDA1,Ret1\n", "nem12"),  # blank lines first
        (b"\n200,VABD000163,E1Q1,1,E1,N1,METSER123,kWh,30,\n300,", "nem12"),  # header-less
        (b"100,NEM13,200405011135,MDA1,Ret1\n", "nem13"),
        (b'{"supply_point_id": "X", "values": []}\n', "m2c-jsonl"),
        ((b'{"values": [' + b'"1.5", ' * 10_000)[:HEAD_BYTES], "m2c-jsonl"),  # a long first line
        (b"{not json}\n", None),
        (b"[1, 2]\n", None),
        (b"NMI,Date,kWh\n", None),
        (b"200,too,short\n", None),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"", None),
        (b" \n\t\n", None),
    ],
)
def test_detect_format_reads_the_first_record(head: bytes, expected: str | None) -> None:
    assert detect_format(head, "any-name.csv") == expected


def test_the_registry_names_each_format_once() -> None:
    names = [fmt.name for fmt in FORMATS]
    assert names == sorted(set(names), key=names.index)
    assert {"nem12", "nem13", "m2c-jsonl"} <= set(names)


# --- plain files ---------------------------------------------------------------------------------


def test_a_plain_nem12_file_parses_with_its_own_name_and_no_segment(tmp_path: Path) -> None:
    days, rejections = parsed(write(tmp_path, "a.csv", nem12_text()))
    assert rejections == []
    [day] = days
    assert day.source == SourceRef(FILE_ID, 3, None)
    assert day.values == (Decimal("1.5"),) * 48


def test_bom_crlf_and_cr_only_line_endings_are_all_read(tmp_path: Path) -> None:
    for name, content in [
        ("bom.csv", b"\xef\xbb\xbf" + nem12_text().encode()),
        ("cr.csv", nem12_text().replace("\r\n", "\r").encode()),
        ("lf.csv", nem12_text().replace("\r\n", "\n").encode()),
    ]:
        days, rejections = parsed(write(tmp_path, name, content))
        assert rejections == [], name
        assert [d.source.line for d in days] == [3], name


@pytest.mark.parametrize("content", [b"", b"\r\n  \r\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_one_rejection(tmp_path: Path, content: bytes) -> None:
    days, rejections = parsed(write(tmp_path, "empty.csv", content))
    assert days == []
    assert [(r.source.line, r.reason_code, r.file_name) for r in rejections] == [
        (1, "EMPTY_FILE", "empty.csv")
    ]


def test_an_unknown_format_is_one_rejection_naming_what_was_seen(tmp_path: Path) -> None:
    path = write(tmp_path, "x.csv", "\nNMI,Date,kWh\n6001234567,2024-01-01,12.5\n")
    days, rejections = parsed(path)
    assert days == []
    [rejection] = rejections
    assert (rejection.source.line, rejection.reason_code) == (2, "UNKNOWN_FORMAT")
    assert "NMI,Date,kWh" in rejection.message
    assert rejection.offending_text == "NMI,Date,kWh"


def test_nem13_is_routed_to_its_own_parser(tmp_path: Path) -> None:
    path = write(tmp_path, "n13.csv", "100,NEM13,200405011135,MDA1,Ret1\n250,VABD000163,...\n900\n")
    days, rejections = parsed(path)
    assert days == []
    assert rejections and all(r.reason_code != "UNSUPPORTED_FORMAT" for r in rejections)
    assert rejections[0].source.line == 2


def test_bytes_that_are_not_utf8_cost_one_line_and_parsing_continues(tmp_path: Path) -> None:
    content = nem12_text().encode().replace(b"\r\n900", b"\r\n300,20040202,\xff\xfe,A\r\n900")
    content = content.replace(b"900\r\n", b"") + nem12_text("20040203").split("\r\n", 1)[1].encode()
    days, rejections = parsed(write(tmp_path, "bad.csv", content))
    assert [(r.source.line, r.reason_code) for r in rejections] == [(4, "BAD_ENCODING")]
    assert "\\xff\\xfe" in rejections[0].offending_text
    assert [d.read_on for d in days] == [date(2004, 2, 1), date(2004, 2, 3)]


def test_a_forced_format_skips_detection(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "headerless.txt",
        f"200,VABD000163,E1,1,E1,N1,M1,kWh,30,\n300,20040201,{VALUES},A,,,20040202120025,\n900\n",
    )
    days, rejections = parsed(path, fmt="nem12")
    assert [r.reason_code for r in rejections] == ["MISSING_HEADER"]
    assert len(days) == 1
    _, rejections = parsed(write(tmp_path, "n.jsonl", nem12_text()), fmt="m2c-jsonl")
    assert {r.reason_code for r in rejections} == {"BAD_JSON"}


def test_an_unknown_forced_format_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown format 'nem14'"):
        list(parse_file(write(tmp_path, "a.csv", nem12_text()), FILE_ID, "a.csv", "nem14"))


def test_parsing_is_lazy(tmp_path: Path) -> None:
    items = parse_file(write(tmp_path, "a.csv", nem12_text()), FILE_ID, "a.csv")
    path = tmp_path / "a.csv"
    path.unlink()  # the generator has not opened anything yet
    with pytest.raises(FileNotFoundError):
        next(items)


# --- ZIP archives --------------------------------------------------------------------------------


def make_zip(tmp_path: Path, members: dict[str, bytes], name: str = "batch.zip") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return path


def test_each_zip_member_is_parsed_in_turn_with_its_own_name_and_lines(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path,
        {
            "one.csv": nem12_text("20040201").encode(),
            "dir/": b"",
            "dir/two.V01": nem12_text("20040202", nmi="NCDE001111").encode(),
            "notes.txt": b"hello\n",
            "day.jsonl": codec.encode(codec.to_builtins(_jsonl_day())) + b"\n",
        },
    )
    items = list(parse_file(path, FILE_ID, "batch.zip"))
    summary = [(type(item).__name__, item.source.segment, item.source.line) for item in items]
    assert summary == [
        ("ChannelDay", "one.csv", 3),
        ("ChannelDay", "dir/two.V01", 3),
        ("Rejection", "notes.txt", 1),
        ("ChannelDay", "day.jsonl", 1),
    ]
    rejection = items[2]
    assert isinstance(rejection, Rejection)
    assert rejection.file_name == "batch.zip!notes.txt"
    assert rejection.reason_code == "UNKNOWN_FORMAT"
    assert all(item.source.file_id == FILE_ID for item in items)


def test_a_member_rejection_names_archive_and_member(tmp_path: Path) -> None:
    bad = nem12_text().replace(VALUES, "1.5,x").encode()
    path = make_zip(tmp_path, {"bad.csv": bad})
    _, [rejection] = parsed(path)
    assert rejection.file_name == "batch.zip!bad.csv"
    assert rejection.source == SourceRef(FILE_ID, 3, "bad.csv")
    assert rejection.reason_code == "INTERVAL_COUNT_MISMATCH"


def test_an_empty_archive_is_an_empty_file(tmp_path: Path) -> None:
    _, rejections = parsed(make_zip(tmp_path, {}))
    assert [(r.reason_code, r.file_name) for r in rejections] == [("EMPTY_FILE", "batch.zip")]


def test_an_empty_member_is_an_empty_file(tmp_path: Path) -> None:
    _, rejections = parsed(make_zip(tmp_path, {"empty.csv": b""}))
    assert [(r.reason_code, r.file_name) for r in rejections] == [
        ("EMPTY_FILE", "batch.zip!empty.csv")
    ]


def test_a_damaged_archive_is_one_rejection(tmp_path: Path) -> None:
    good = make_zip(tmp_path, {"a.csv": nem12_text().encode()}).read_bytes()
    truncated = write(tmp_path, "cut.zip", good[: len(good) // 2])
    _, rejections = parsed(truncated)
    assert [r.reason_code for r in rejections] == ["BAD_ARCHIVE"]


def corrupt_stored_zip(tmp_path: Path, content: bytes) -> Path:
    """A ZIP whose member's bytes changed after its CRC was written (same length)."""
    path = tmp_path / "crc.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("a.csv", content)
    data = bytearray(path.read_bytes())
    data[data.rindex(b"1.5,1.5")] = ord("7")  # near the end of the member
    path.write_bytes(bytes(data))
    return path


def test_a_small_member_failing_its_crc_yields_nothing_but_a_rejection(tmp_path: Path) -> None:
    days, rejections = parsed(corrupt_stored_zip(tmp_path, nem12_text().encode()))
    assert days == []  # the whole member fits in the detection read, which checks the CRC
    assert [(r.reason_code, r.file_name) for r in rejections] == [("BAD_ARCHIVE", "crc.zip!a.csv")]


def test_a_large_member_failing_its_crc_is_rejected_after_its_records(tmp_path: Path) -> None:
    first = date(2004, 1, 1).toordinal()
    records = [
        f"300,{date.fromordinal(first + k):%Y%m%d},{VALUES},A,,,20040202120025,"
        for k in range(400)  # ~100 KB: more than detection reads
    ]
    text = nem12_text().replace(f"300,20040201,{VALUES},A,,,20040202120025,", "\r\n".join(records))
    days, rejections = parsed(corrupt_stored_zip(tmp_path, text.encode()))
    assert [(r.reason_code, r.file_name) for r in rejections] == [("BAD_ARCHIVE", "crc.zip!a.csv")]
    assert "damaged" in rejections[0].message
    assert len(days) > 300  # parsed before the CRC check at the member's end failed


def _jsonl_day() -> ChannelDay:
    from meter2cash.domain.quantity import Unit
    from meter2cash.domain.reads import Direction, Quality

    return ChannelDay(
        "2000012345678",
        "GB",
        "AI",
        Direction.IMPORT,
        Unit.KWH,
        date(2024, 6, 1),
        "Europe/London",
        30,
        (Decimal("0.25"),) * 48,
        (Quality.ACTUAL,) * 48,
        (None,) * 48,
        (None,) * 48,
        SourceRef("origin", 9),
        "kWh",
    )


def test_a_zip_is_recorded_with_its_members_formats(tmp_path: Path) -> None:
    from meter2cash.ingest.sources import detect_file_format

    path = tmp_path / "bundle.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "100,NEM12,202403010000,MDP1,RET1\n900\n")
        archive.writestr("b.csv", "100,NEM13,202403010000,MDP1,RET1\n900\n")
        archive.writestr("c.csv", "100,NEM12,202403010000,MDP1,RET1\n900\n")
        archive.writestr("notes.txt", "hello\n")
    assert detect_file_format(path) == "zip:nem12+nem13+unknown"
    empty = tmp_path / "empty.zip"
    zipfile.ZipFile(empty, "w").close()
    assert detect_file_format(empty) == "zip:empty"
    plain = tmp_path / "plain.csv"
    plain.write_text("100,NEM12,202403010000,MDP1,RET1\n900\n")
    assert detect_file_format(plain) == "nem12"
