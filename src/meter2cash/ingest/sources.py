"""Opening received files: the format registry, format detection and ZIP archives.

A file's format is read from its first record, not trusted from its name (AEMO files arrive as
``NEM12#id#from#to.zip`` holding a member named ``.csv``, ``.V01``, ``.txt`` or nothing at all).
A file this module cannot read yields one rejection saying what it saw; it never raises on
content, so a bad file in a batch is recorded and the batch goes on.
"""

from __future__ import annotations

import importlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import IO, Protocol

from meter2cash.domain.errors import InputError
from meter2cash.ingest.items import ParsedItem, Rejecter
from meter2cash.ingest.reasons import Reason

__all__ = [
    "FORMATS",
    "Format",
    "ParsedItem",
    "detect_file_format",
    "detect_format",
    "format_names",
    "parse_file",
]

#: How much of a file detection reads: a whole 5-minute NEM12 300 record or canonical JSON line.
HEAD_BYTES = 64 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive's directory
_BOM = b"\xef\xbb\xbf"

Parser = Callable[[IO[bytes], str, str, str | None], Iterator[ParsedItem]]


class FormatModule(Protocol):
    """What a format's module exposes (see ingest/README.md)."""

    def recognises(self, first_line: str, head: str, file_name: str) -> bool: ...
    def parse(
        self, binary: IO[bytes], file_id: str, file_name: str, segment: str | None
    ) -> Iterator[ParsedItem]: ...


@dataclass(frozen=True, slots=True)
class Format:
    """A registered format: a module exposing ``recognises`` and ``parse``, imported on first use.

    Order in :data:`FORMATS` is detection order: the most specific first records first. A format
    with ``auto=False`` is never detected (a generic CSV needs its column mapping).
    """

    name: str
    title: str
    module: str
    auto: bool = True


FORMATS: tuple[Format, ...] = (
    Format("nem12", "AEMO NEM12 interval data", "meter2cash.ingest.nem12"),
    Format("nem13", "AEMO NEM13 accumulation data", "meter2cash.ingest.nem13"),
    Format("mscons", "BDEW EDIFACT MSCONS", "meter2cash.ingest.mscons"),
    Format("dtc", "UK DTC flows (D0010)", "meter2cash.ingest.dtc"),
    Format("espi", "Green Button / NAESB ESPI XML", "meter2cash.ingest.espi"),
    Format("stark-df2", "Stark DF2 half-hourly export", "meter2cash.ingest.ukhh.df2"),
    Format("uk-hh-csv", "UK settlement-period CSV", "meter2cash.ingest.ukhh.settlement_csv"),
    Format("m2c-jsonl", "canonical ChannelDay JSON lines", "meter2cash.ingest.jsonl"),
    Format("csv", "generic CSV with a column mapping", "meter2cash.ingest.csvmap", auto=False),
)
_BY_NAME = {fmt.name: fmt for fmt in FORMATS}


@cache
def _module(fmt: Format) -> ModuleType | None:
    """The format's module, or None while that format is not part of this build."""
    try:
        return importlib.import_module(fmt.module)
    except ModuleNotFoundError as exc:
        if exc.name and fmt.module.startswith(exc.name):
            return None
        raise


def format_names() -> list[str]:
    """Names of the formats this build can parse."""
    return [fmt.name for fmt in FORMATS if _module(fmt) is not None]


def detect_format(head: bytes, name: str) -> str | None:
    """The first registered format that recognises ``head`` (the file's first bytes), or None."""
    first = _first_record(head)
    return None if first is None else _recognised(first, head, name)


def detect_file_format(path: Path, name: str | None = None) -> str | None:
    """The format of a file on disk; for a ZIP, ``zip:`` and its members' formats (``zip:nem12``,
    ``zip:nem12+nem13``), so the file registry says what an archive held instead of "unknown"."""
    with path.open("rb") as raw:
        head = raw.read(HEAD_BYTES)
        if head[:4] not in _ZIP_MAGIC:
            return detect_format(head, name or path.name)
        try:
            with zipfile.ZipFile(raw) as archive:
                found: list[str] = []
                for info in archive.infolist():
                    if info.is_dir():
                        continue
                    with archive.open(info) as member:
                        fmt = detect_format(member.read(HEAD_BYTES), info.filename) or "unknown"
                    if fmt not in found:
                        found.append(fmt)
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError):
            return "zip:unreadable"
    return "zip:" + "+".join(found) if found else "zip:empty"


def parse_file(
    path: Path,
    file_id: str,
    display_name: str,
    fmt: str = "auto",
    parser: Parser | None = None,
) -> Iterator[ParsedItem]:
    """Parse a plain file or each member of a ZIP archive, streaming.

    Members are parsed in archive order, each named ``archive.zip!member`` with the member name as
    the source segment; line numbers count within the member. ``fmt`` forces a registered format
    instead of detecting one per file/member; ``parser`` supplies a configured parser (a generic
    CSV with its mapping) and wins over both.
    """
    if parser is None and fmt != "auto":
        if fmt not in _BY_NAME or _module(_BY_NAME[fmt]) is None:
            raise InputError(f"unknown format {fmt!r}; known: auto, {', '.join(format_names())}")
        if fmt == "csv":
            raise InputError("--format csv needs a column mapping (--mapping FILE)")
    with path.open("rb") as raw:
        head = raw.read(HEAD_BYTES)
        if head[:4] in _ZIP_MAGIC:
            yield from _parse_archive(raw, file_id, display_name, fmt, parser)
            return
        raw.seek(0)
        yield from _parse_stream(raw, head, Rejecter(file_id, display_name), fmt, parser)


def _parse_archive(
    raw: IO[bytes], file_id: str, display_name: str, fmt: str, parser: Parser | None
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
                    yield from _parse_stream(member, head, reject, fmt, parser)
            except (zipfile.BadZipFile, EOFError) as exc:
                # A CRC mismatch shows only at the member's end, after its records went out.
                yield reject(
                    1,
                    Reason.BAD_ARCHIVE,
                    f"member is damaged ({exc}): the records read from it may be wrong",
                    info.filename,
                )


def _parse_stream(
    binary: IO[bytes], head: bytes, reject: Rejecter, fmt: str, parser: Parser | None
) -> Iterator[ParsedItem]:
    first = _first_record(head)
    if first is None:
        yield reject(1, Reason.EMPTY_FILE, "the file has no records", "")
        return
    line, text, _complete = first
    if parser is not None:
        yield from parser(binary, reject.file_id, reject.file_name, reject.segment)
        return
    name = fmt
    if fmt == "auto":
        detected = _recognised(first, head, reject.file_name)
        if detected is None:
            known = ", ".join(f for f in format_names() if _BY_NAME[f].auto)
            yield reject(
                line,
                Reason.UNKNOWN_FORMAT,
                f"not a recognised format (tried {known}); first record {text[:40]!r}",
                text,
            )
            return
        name = detected
    module = _module(_BY_NAME[name])
    if module is None:
        title = _BY_NAME[name].title
        yield reject(line, Reason.UNSUPPORTED_FORMAT, f"{title} is not supported yet", text)
        return
    yield from module.parse(binary, reject.file_id, reject.file_name, reject.segment)


def _recognised(first: tuple[int, str, bool], head: bytes, file_name: str) -> str | None:
    _line, text, _complete = first
    decoded = head.removeprefix(_BOM).decode("utf-8", errors="replace")
    for fmt in FORMATS:
        module = _module(fmt) if fmt.auto else None
        if module is not None and module.recognises(text, decoded, file_name):
            return fmt.name
    return None


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
