"""MSCONS: BDEW EDIFACT metered-consumption reports (MIG 2.2x-2.4c), Germany's load profiles and
meter readings.

``recognises`` accepts a file only when its first segments are an EDIFACT interchange (``UNA`` and/or
``UNB``) whose first message header says ``MSCONS``; ``parse`` streams it segment by segment (see
:mod:`~meter2cash.ingest.mscons.parser` for the layout and the decisions taken).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.mscons.parser import parse_mscons
from meter2cash.ingest.mscons.segments import DEFAULT_ADVICE

__all__ = ["parse", "parse_mscons", "recognises"]

_LEADING = "\ufeff \t\r\n"


def recognises(first_line: str, head: str, file_name: str) -> bool:
    """True for an EDIFACT interchange whose first UNH (within ``head``) is an MSCONS message."""
    text = head.lstrip(_LEADING)
    advice = DEFAULT_ADVICE
    if text.startswith("UNA"):
        if len(text) < 9:
            return False
        advice, text = text[3:9], text[9:].lstrip(_LEADING)
    component, data, terminator = advice[0], advice[1], advice[5]
    if not text.startswith("UNB" + data):
        return False
    not_end = f"[^{re.escape(terminator + data)}]*"
    unh = (
        f"{re.escape(terminator)}\\s*UNH{re.escape(data)}{not_end}{re.escape(data)}"
        f"MSCONS{re.escape(component)}"
    )
    return re.search(unh, text) is not None


def parse(
    binary: IO[bytes], file_id: str, file_name: str, segment: str | None
) -> Iterator[ParsedItem]:
    """The registry's entry point: see :func:`~meter2cash.ingest.mscons.parser.parse_mscons`."""
    return parse_mscons(binary, file_id, file_name, segment)
