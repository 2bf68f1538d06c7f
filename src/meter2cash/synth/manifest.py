"""What a run wrote: the result object returned to callers and ``manifest.json`` beside the files.

The manifest names files relative to the output directory and holds no clock reading, so the same
arguments give a byte-identical manifest wherever the run is written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from meter2cash.synth.defects import DEFECT_KINDS, Defect
from meter2cash.synth.writer import GeneratedFile

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True, slots=True)
class GenerationResult:
    out_dir: Path
    manifest_path: Path
    files: tuple[GeneratedFile, ...]  # in writing (= name) order; corrections last
    supply_points: int
    channel_days: int  # planned: supply points x days x each one's channels (gaps included)
    interval_values: int  # planned: the intervals of those channel-days (46/50 on clock changes)
    clock_change_days: tuple[date, ...]
    defects: tuple[Defect, ...]

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(f.path for f in self.files)

    @property
    def records_written(self) -> int:
        """Channel-day records in all files: duplicates, corrections and malformed ones included."""
        return sum(f.records for f in self.files)

    @property
    def values_written(self) -> int:
        """Interval values in all well-formed records of all files."""
        return sum(f.values for f in self.files)

    def defect_counts(self) -> dict[str, int]:
        counts = Counter(d.kind for d in self.defects)
        return {kind: counts[kind] for kind in DEFECT_KINDS if counts[kind]}


def write_manifest(result: GenerationResult, *, seed: int, arguments: Mapping[str, Any]) -> None:
    manifest = {
        "generator": "meter2cash.synth",
        "manifest_version": MANIFEST_VERSION,
        "seed": seed,
        "arguments": dict(arguments),
        "counts": {
            "supply_points": result.supply_points,
            "channel_days": result.channel_days,
            "interval_values": result.interval_values,
            "records_written": result.records_written,
            "values_written": result.values_written,
            "defects": result.defect_counts(),
        },
        "clock_change_days": [d.isoformat() for d in result.clock_change_days],
        "files": [f.to_json() for f in result.files],
        "defects": [d.to_json() for d in result.defects],
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    result.manifest_path.write_text(text, encoding="ascii", newline="\n")
