"""Green Button / NAESB REQ.21 ESPI XML: Atom feeds of UsagePoints, ReadingTypes and IntervalBlocks.

The registry's contract: :func:`recognises` (is this head an ESPI document?) and :func:`parse`
(bytes -> ChannelDay / IntervalRead / RegisterRead / Rejection). See ``README.md``.
"""

from meter2cash.ingest.espi.detect import recognises
from meter2cash.ingest.espi.parser import parse_espi

parse = parse_espi

__all__ = ["parse", "parse_espi", "recognises"]
