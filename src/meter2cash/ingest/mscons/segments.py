"""EDIFACT segments from a byte stream, one at a time, with the syntax left to ``pydifact``.

ISO 9735 (syntax version 3, as BDEW's MIGs require: ``UNB+UNOC:3``) lays an interchange out as::

    UNA:+.? '          optional service string advice: component separator, data separator,
                       decimal mark, release character, reserved (space), segment terminator
    UNB+...'UNH+...'...'UNT+...'UNZ+...'   segments, each ended by the segment terminator

``pydifact`` (PyPI, MIT) tokenizes a whole interchange held in one string. To keep memory bounded
this module only finds where each segment ends -- the next segment terminator not preceded by an odd
number of release characters, scanned in the raw bytes chunk by chunk -- and hands each segment's
text to pydifact's tokenizer, which owns every other rule (separators, release character, empty and
repeated components). The UNA advice and the UNB character set (``UNOC`` = ISO 8859-1) decide how
the following segments are split and decoded. Separators are ASCII, so splitting raw bytes is safe
for the single-byte sets and for UTF-8 alike.

Segments are numbered from 1 in file order, UNA included: the number is the line a person sees after
``tr "'" '\\n'`` (the samples are one physical line), and it is what ``SourceRef.line`` carries.
Line breaks and spaces between segments are skipped, as pydifact does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, TypeAlias

from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError
from pydifact.parser import Parser
from pydifact.tokenizer import Tokenizer

from meter2cash.ingest.items import undecodable
from meter2cash.ingest.mscons.reasons import Code, MsconsReason
from meter2cash.ingest.reasons import Reason

Element: TypeAlias = str | tuple[str, ...]

#: ISO 9735 default service characters when there is no UNA: ``:+.? '``.
DEFAULT_ADVICE = ":+.? '"
CHUNK_BYTES = 64 * 1024
#: A segment longer than this is damage, not data (MSCONS segments are well under 1 KB).
MAX_SEGMENT_BYTES = 1024 * 1024
#: Decoded segments kept (a few MB): two months of quarter-hour DTM texts plus common QTY texts.
TOKENIZE_CACHE = 16 * 1024
_BOM = b"\xef\xbb\xbf"
_BETWEEN_SEGMENTS = b" \t\r\n"
_TAG = re.compile(r"[A-Z0-9]{3}")

#: UNB S001 DE0001 (syntax identifier) -> Python codec. UNOA/UNOB are subsets of UNOC = ISO 8859-1
#: (MIG 2.4c UNB: "UNOC UN/ECE-Zeichensatz C"); UNOD..UNOK are ISO 8859-2..-9 and UNOW is UTF-8 per
#: ISO 9735 [M: from memory, not read]. Unknown identifiers are read as ISO 8859-1, which decodes any
#: byte, so nothing is lost and the tags and numbers (ASCII) still read correctly.
_CHARSETS = {
    "UNOA": "latin-1",
    "UNOB": "latin-1",
    "UNOC": "latin-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOW": "utf-8",
}


@dataclass(frozen=True, slots=True)
class Segment:
    """One decoded segment: ``elements`` are data elements, a composite one as a tuple."""

    number: int
    tag: str
    elements: tuple[Element, ...]
    text: str

    def component(self, element: int, component: int = 0) -> str:
        """Component ``component`` of data element ``element`` (0-based, after the tag), or ''."""
        if element >= len(self.elements):
            return ""
        value = self.elements[element]
        if isinstance(value, str):
            return value if component == 0 else ""
        return value[component] if component < len(value) else ""


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    """A stretch of the file that is not a usable segment."""

    number: int
    reason: Code
    message: str
    text: str


@dataclass(frozen=True, slots=True)
class Advice:
    """The service characters in force (UNA, or the ISO 9735 defaults)."""

    component: str
    data: str
    decimal: str
    release: str
    terminator: str

    @classmethod
    def parse(cls, six: str) -> Advice:
        return cls(six[0], six[1], six[2], six[3], six[5])


def read_segments(binary: IO[bytes]) -> Iterator[Segment | SyntaxProblem]:
    """Yield the file's segments in order; a problem stands in for a stretch that is not one."""
    return _Reader(binary).segments()


class _Reader:
    def __init__(self, binary: IO[bytes]) -> None:
        self.binary = binary
        self.number = 0
        self.advice = Advice.parse(DEFAULT_ADVICE)
        self.charset = "latin-1"

    def segments(self) -> Iterator[Segment | SyntaxProblem]:
        buffer = self._head()
        if buffer.startswith(b"UNA"):
            self.number += 1
            una = buffer[:9].decode("latin-1")
            if len(una) < 9:
                yield SyntaxProblem(
                    self.number, MsconsReason.TRUNCATED_SEGMENT, "the UNA advice is cut short", una
                )
                return
            self.advice = Advice.parse(una[3:9])
            yield Segment(self.number, "UNA", (una[3:9],), una)
            buffer = buffer[9:]
        pattern = _segment_pattern(self.advice.terminator, self.advice.release)
        position, skipping = 0, False
        while True:
            match = pattern.match(buffer, position)
            if match is None:
                rest = buffer[position:]
                if len(rest) > MAX_SEGMENT_BYTES:  # not a segment: bound the memory it can take
                    if not skipping:
                        self.number += 1
                        yield SyntaxProblem(
                            self.number,
                            MsconsReason.BAD_SEGMENT,
                            f"no segment terminator within {MAX_SEGMENT_BYTES} bytes",
                            rest[:200].decode(self.charset, errors="replace"),
                        )
                    rest, skipping = rest[-1:], True  # the last byte may be a release character
                more = self.binary.read(CHUNK_BYTES)
                if not more:
                    if rest.strip(_BETWEEN_SEGMENTS):
                        self.number += 1
                        yield SyntaxProblem(
                            self.number,
                            MsconsReason.TRUNCATED_SEGMENT,
                            "the file ends inside a segment (no segment terminator): truncated?",
                            rest.decode(self.charset, errors="replace"),
                        )
                    return
                buffer, position = rest + more, 0
                continue
            position = match.end()
            if skipping:  # the end of the oversized stretch already rejected
                skipping = False
                continue
            self.number += 1
            yield self._decode(match.group(1).lstrip(_BETWEEN_SEGMENTS))

    def _head(self) -> bytes:
        """The first bytes, with a BOM and leading blank lines dropped, long enough to hold a UNA."""
        buffer = b""
        while len(buffer) < 9 + len(_BOM) and (more := self.binary.read(CHUNK_BYTES)):
            buffer = (buffer + more).removeprefix(_BOM).lstrip(_BETWEEN_SEGMENTS)
        return buffer

    def _decode(self, raw: bytes) -> Segment | SyntaxProblem:
        text = raw.decode(self.charset, errors="surrogateescape")
        if self.charset != "latin-1" and undecodable(text):
            return SyntaxProblem(
                self.number, Reason.BAD_ENCODING, f"the segment is not valid {self.charset}", text
            )
        if not text:
            return SyntaxProblem(self.number, MsconsReason.BAD_SEGMENT, "an empty segment", text)
        try:
            tag, elements = _tokenize(text, self.advice)
        except (EDISyntaxError, IndexError) as exc:
            return SyntaxProblem(self.number, MsconsReason.BAD_SEGMENT, f"not EDIFACT: {exc}", text)
        if not _TAG.fullmatch(tag):
            return SyntaxProblem(
                self.number,
                MsconsReason.BAD_SEGMENT,
                f"segment tag {tag[:20]!r} is not three letters or digits",
                text,
            )
        if tag == "UNB":
            self.charset = _CHARSETS.get(_first(elements[0]) if elements else "", "latin-1")
        return Segment(self.number, tag, elements, text)


def _first(element: Element) -> str:
    return element if isinstance(element, str) else element[0]


@lru_cache(maxsize=16)
def _segment_pattern(terminator: str, release: str) -> re.Pattern[bytes]:
    """Everything up to the next terminator that no release character escapes, and the terminator."""
    end, escape = re.escape(terminator.encode()), re.escape(release.encode())
    return re.compile(b"((?:[^" + end + escape + b"]|" + escape + b".)*)" + end, re.DOTALL)


@lru_cache(maxsize=TOKENIZE_CACHE)
def _tokenize(text: str, advice: Advice) -> tuple[str, tuple[Element, ...]]:
    """pydifact's tokenizer and element assembly over one segment.

    pydifact tokenizes character by character in Python (about 40k segments/s here), so decoded
    segments are cached: QTY texts repeat within a series, and the DTM texts of one period repeat
    for every Meldepunkt of an interchange that covers it.
    """
    characters = _characters(advice)
    tokens = Tokenizer().get_tokens(text + advice.terminator, characters)
    raw = next(_ASSEMBLER.convert_tokens_to_raw_segments(tokens))
    tag = raw[0]
    if not isinstance(tag, str):
        raise EDISyntaxError("the segment tag is a composite")
    return tag, tuple(e if isinstance(e, str) else tuple(e) for e in raw[1:])


@lru_cache(maxsize=16)
def _characters(advice: Advice) -> Characters:
    return Characters(  # type: ignore[no-untyped-call]
        component_separator=advice.component,
        data_separator=advice.data,
        decimal_point=advice.decimal,
        escape_character=advice.release,
        segment_terminator=advice.terminator,
    )


_ASSEMBLER = Parser()
