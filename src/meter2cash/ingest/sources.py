"""Opening received files: the format registry, format detection and ZIP archives.

A file's format is read from its first record, not trusted from its name (AEMO files arrive as
``NEM12#id#from#to.zip`` holding a member named ``.csv``, ``.V01``, ``.txt`` or nothing at all).
A file this module cannot read yields one rejection saying what it saw; it never raises on
content, so a bad file in a batch is recorded and the batch goes on.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import msgspec

from meter2cash.domain.errors import InputError
from meter2cash.ingest.items import ParsedItem, Rejecter
from meter2cash.ingest.jsonl import parse_jsonl
from meter2cash.ingest.nem12 import parse_nem12
from meter2cash.ingest.reasons import Reason

__all__ = ["FORMATS", "Format", "ParsedItem", "detect_format", "parse_file"]

#: How much of a file detection reads: a whole 5-minute NEM12 300 record or canonical JSON line.
HEAD_BYTES = 64 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive's directory
_BOM = b"\xef\xbb\xbf"

Parser = Callable[[Iterable[str], str, str, str | None], Iterator[ParsedItem]]


@dataclass(frozen=True, slots=True)
class Format:
    """A registered format: how to recognise its first record and, once supported, its parser."""

    name: str
    title: str
    recognises: Callable[[str, bool], bool]  # (first non-blank line, whether it is complete)
    parse: Parser | None = None  # None: recognised but not supported yet


def _nem12(first: str, complete: bool) -> bool:
    # A header-less file starting at a 200 record is still NEM12 (seen in Powercor exports); the
    # parser rejects the missing header precisely rather than the whole file as unknown.
    return first.upper().startswith("100,NEM12") or (
        first.startswith("200,") and first.count(",") >= 8
    )


def _nem13(first: str, complete: bool) -> bool:
    return first.upper().startswith("100,NEM13")


def _json_object(first: str, complete: bool) -> bool:
    if not first.startswith("{"):
        return False
    if not complete:  # a line longer than the head: the opening brace is all there is to go by
        return True
    try:
        return isinstance(msgspec.json.decode(first), dict)
    except msgspec.DecodeError:
        return False


FORMATS: tuple[Format, ...] = (
    Format("nem12", "AEMO NEM12 interval data", _nem12, parse_nem12),
    Format("nem13", "NEM13 (accumulation meter data)", _nem13),
    Format("m2c-jsonl", "canonical ChannelDay JSON lines", _json_object, parse_jsonl),
)
_BY_NAME = {fmt.name: fmt for fmt in FORMATS}


def detect_format(head: bytes, name: str) -> str | None:
    """The registered format whose first record ``head`` starts with, or None.

    ``name`` is the file's display name; no registered format needs it yet (formats named only by
    their file name, like some UK flows, will).
    """
    first = _first_record(head)
    return None if first is None else _recognised(first)


def parse_file(
    path: Path, file_id: str, display_name: str, fmt: str = "auto"
) -> Iterator[ParsedItem]:
    """Parse a plain file or each member of a ZIP archive, line by line.

    Members are parsed in archive order, each named ``archive.zip!member`` with the member name as
    the source segment; line numbers count within the member. ``fmt`` forces a registered format
    instead of detecting one per file/member.
    """
    if fmt != "auto" and fmt not in _BY_NAME:
        raise InputError(f"unknown format {fmt!r}; known: auto, {', '.join(_BY_NAME)}")
    with path.open("rb") as raw:
        head = raw.read(HEAD_BYTES)
        if head[:4] in _ZIP_MAGIC:
            yield from _parse_archive(raw, file_id, display_name, fmt)
            return
        raw.seek(0)
        yield from _parse_stream(raw, head, Rejecter(file_id, display_name), fmt)


def _parse_archive(
    raw: IO[bytes], file_id: str, display_name: str, fmt: str
) -> Iterator[ParsedItem]:
    archive_rejecter = Rejecter(file_id, display_name)
    try:
        archive = zipfile.ZipFile(raw)
    except zipfile.BadZipFile as exc:
        yield archive_rejecter(1, Reason.BAD_ARCHIVE, f"not a readable ZIP archive: {exc}", "")
        return
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if not members:
            yield archive_rejecter(1, Reason.EMPTY_FILE, "the archive has no files", "")
        for info in members:
            reject = Rejecter(file_id, f"{display_name}!{info.filename}", info.filename)
            try:
                with archive.open(info) as member:
                    head = member.read(HEAD_BYTES)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as exc:
                # Encrypted (RuntimeError), an unknown compression, a damaged header.
                yield reject(1, Reason.BAD_ARCHIVE, f"member cannot be read: {exc}", info.filename)
                continue
            try:
                with archive.open(info) as member:
                    yield from _parse_stream(member, head, reject, fmt)
            except (zipfile.BadZipFile, EOFError) as exc:
                # A CRC mismatch shows only at the member's end, after its records went out.
                yield reject(
                    1,
                    Reason.BAD_ARCHIVE,
                    f"member is damaged ({exc}): the records read from it may be wrong",
                    info.filename,
                )


def _parse_stream(
    binary: IO[bytes], head: bytes, reject: Rejecter, fmt: str
) -> Iterator[ParsedItem]:
    first = _first_record(head)
    if first is None:
        yield reject(1, Reason.EMPTY_FILE, "the file has no records", "")
        return
    line, text, _complete = first
    name = fmt
    if fmt == "auto":
        detected = _recognised(first)
        if detected is None:
            yield reject(
                line,
                Reason.UNKNOWN_FORMAT,
                f"not a recognised format: first record {text[:40]!r} is neither a "
                "'100,NEM12' header nor a JSON object",
                text,
            )
            return
        name = detected
    chosen = _BY_NAME[name]
    if chosen.parse is None:
        yield reject(line, Reason.UNSUPPORTED_FORMAT, f"{chosen.title} is not supported yet", text)
        return
    # Universal newlines (CRLF, CR), a UTF-8 BOM dropped, and bytes that are not UTF-8 carried as
    # lone surrogates so that the parser rejects just their line.
    lines = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline=None)
    try:
        yield from chosen.parse(lines, reject.file_id, reject.file_name, reject.segment)
    finally:
        lines.detach()  # the caller owns (and closes) the binary stream


def _recognised(first: tuple[int, str, bool]) -> str | None:
    _line, text, complete = first
    return next((fmt.name for fmt in FORMATS if fmt.recognises(text, complete)), None)


def _first_record(head: bytes) -> tuple[int, str, bool] | None:
    """(line number, text, whether the line ends inside ``head``) of the first non-blank line."""
    text = head.removeprefix(_BOM).decode("utf-8", errors="replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    whole_file = len(head) < HEAD_BYTES
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if stripped:
            return number, stripped, whole_file or number < len(lines)
    return None
