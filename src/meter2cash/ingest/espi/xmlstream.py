"""A streaming, namespace-aware, line-numbering and safe XML reader over a byte stream.

Built on the standard library's expat (``pyexpat``) rather than ``ElementTree.iterparse`` because
expat reports the line of every element, which a rejection must name, and builds no element tree
at all: handlers see each start tag, end tag and text run once and keep only what they need, so
memory does not grow with the document. Element names arrive as ``"{namespace URI} {local name}"``
strings, so prefixes (``espi:``, ``ns:``, a default namespace) never matter.

Entity declarations are refused (as ``defusedxml`` does): a Green Button feed never needs one, and
they are how "billion laughs" and external-entity attacks arrive. External entities are never
fetched.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from meter2cash.ingest.espi.reasons import EspiReason

ATOM_NS = "http://www.w3.org/2005/Atom"
ESPI_NS = "http://naesb.org/espi"
CHUNK_BYTES = 1 << 16


def atom(local: str) -> str:
    return f"{ATOM_NS} {local}"


def espi(local: str) -> str:
    return f"{ESPI_NS} {local}"


def local_name(name: str) -> str:
    return name.rpartition(" ")[2]


@dataclass(frozen=True, slots=True)
class Damage:
    """Where and why the document stopped being readable; what came before it stands."""

    line: int
    reason: EspiReason
    message: str


class _Refused(Exception):
    pass


def new_parser() -> Any:
    """An expat parser with namespace processing, coalesced text and entities refused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = CHUNK_BYTES
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(*_args: object) -> int:
        raise _Refused

    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


class Feeder:
    """Feeds a byte stream to a parser; iterating yields once per chunk so that a caller can hand
    on what its handlers collected. After iteration, ``damage`` says whether the document broke
    and ``bytes_read`` how much there was."""

    def __init__(self, parser: Any, binary: IO[bytes]) -> None:
        self.parser = parser
        self.binary = binary
        self.damage: Damage | None = None
        self.bytes_read = 0

    def __iter__(self) -> Iterator[None]:
        parser = self.parser
        try:
            while chunk := self.binary.read(CHUNK_BYTES):
                self.bytes_read += len(chunk)
                parser.Parse(chunk, False)
                yield
        except expat.ExpatError as exc:
            self.damage = Damage(
                exc.lineno,
                EspiReason.MALFORMED_XML,
                f"not well-formed XML at line {exc.lineno}, column {exc.offset + 1}: "
                f"{expat.ErrorString(exc.code)}; nothing after it can be read",
            )
            return
        except _Refused:
            self.damage = _refused(parser.CurrentLineNumber)
            return
        try:
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            self.damage = Damage(
                exc.lineno,
                EspiReason.TRUNCATED_XML,
                f"the document ends at line {exc.lineno} before its elements are closed "
                f"({expat.ErrorString(exc.code)}): truncated file?",
            )
        except _Refused:
            self.damage = _refused(parser.CurrentLineNumber)
        yield


def _refused(line: int) -> Damage:
    return Damage(
        line,
        EspiReason.FORBIDDEN_XML,
        "the document declares entities, which a Green Button feed never needs and which are "
        "refused for safety; nothing after the declaration is read",
    )
