"""Text decoding shared by the line-oriented formats."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO

from meter2cash.ingest.items import ParsedItem

LineParser = Callable[[Iterable[str], str, str, str | None], Iterator[ParsedItem]]


@contextmanager
def text_lines(binary: IO[bytes]) -> Iterator[io.TextIOWrapper]:
    """Universal newlines (CRLF, CR), a UTF-8 BOM dropped, and bytes that are not UTF-8 carried as
    lone surrogates so that a parser rejects just their line, not the file."""
    lines = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline=None)
    try:
        yield lines
    finally:
        lines.detach()  # the caller owns (and closes) the binary stream


def binary_parser(
    parse_lines: LineParser,
) -> Callable[[IO[bytes], str, str, str | None], Iterator[ParsedItem]]:
    """Adapt a line parser to the registry's ``parse(binary, file_id, file_name, segment)``."""

    def parse(
        binary: IO[bytes], file_id: str, file_name: str, segment: str | None
    ) -> Iterator[ParsedItem]:
        with text_lines(binary) as lines:
            yield from parse_lines(lines, file_id, file_name, segment)

    return parse
