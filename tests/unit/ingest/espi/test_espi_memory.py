"""Bounded memory: a generated feed far larger than what the parser may hold.

The feed is the worst order for a one-pass reader (its ReadingType comes after every block).
The unit-test variant is ~5 MB; ``M2C_ESPI_LARGE_MB=200`` runs the same check on a larger file.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

from tests.unit.ingest.espi.feeds import write_large_feed

from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.ingest.espi import parse

MEGABYTE = 1_000_000


def test_peak_memory_stays_far_below_the_file_size(tmp_path: Path) -> None:
    size = int(float(os.environ.get("M2C_ESPI_LARGE_MB", "5")) * MEGABYTE)
    path = tmp_path / "large.xml"
    readings = write_large_feed(path, size, rt_last=True)
    days = values = 0
    tracemalloc.start()
    try:
        with path.open("rb") as binary:
            for item in parse(binary, "f" * 64, path.name, None):
                assert isinstance(item, ChannelDay), item
                days += 1
                values += sum(q is not Quality.MISSING for q in item.qualities)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert values == readings and days >= readings // 25
    # Measured: 1.1 MB for 5 MB. What remains is 64 open days, the parser's small caches and the
    # domain's cache of day lengths (ChannelDay checks its length: ~200 B per distinct day, at most
    # 65536 entries), which alone grows with a long file: 9.3 MB for 200 MB (39373 days).
    bound = 2 * MEGABYTE + 250 * min(days, 65536)
    assert peak < bound, f"peak {peak / MEGABYTE:.1f} MB for a {size / MEGABYTE:.0f} MB file"
    assert peak < size / 2
