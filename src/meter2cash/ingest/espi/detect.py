"""Recognising a Green Button document from the head of the file.

Strict, because other XML formats are tried too: the first element must be an Atom ``feed`` or
``entry`` (namespace ``http://www.w3.org/2005/Atom``) or an element in the ESPI namespace
``http://naesb.org/espi``, and the ESPI namespace must appear in the head (an Atom feed declares it
on its root or on the first resource, well inside 64 KiB even after the GBA sample files'
50-line licence comment).
"""

from __future__ import annotations

from xml.parsers import expat

from meter2cash.ingest.espi.xmlstream import ESPI_NS, atom, new_parser

_ROOTS = frozenset({atom("feed"), atom("entry")})


class _Root(Exception):
    def __init__(self, name: str) -> None:
        self.name = name


def recognises(first_line: str, head: str, file_name: str) -> bool:
    """True when ``head`` (the first 64 KiB as text) starts an ESPI XML document."""
    if ESPI_NS not in head or not first_line.lstrip("\ufeff").startswith("<"):
        return False
    root = root_element(head)
    return root is not None and (root in _ROOTS or root.startswith(ESPI_NS + " "))


def root_element(head: str) -> str | None:
    """The namespaced name (``"{uri} {local}"``) of the first element in ``head``, if any."""
    parser = new_parser()

    def found(name: str, attrs: dict[str, str]) -> None:
        raise _Root(name)

    parser.StartElementHandler = found
    text = head.removeprefix("\ufeff")
    try:
        # The head is already text: whatever the declaration says, parse its UTF-8 bytes.
        parser.Parse(_without_encoding(text).encode("utf-8"), False)
    except _Root as root:
        return root.name
    except expat.ExpatError:
        return None
    return None


def _without_encoding(text: str) -> str:
    if text.startswith("<?xml"):
        end = text.find("?>")
        if end > 0:
            return text[end + 2 :]
    return text
