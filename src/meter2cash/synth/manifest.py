"""What a run wrote: the result object returned to callers and the manifest (``manifest.json``).

The manifest is the run's ground truth: the arguments, every file with its checksum, the counts,
and every injected defect exactly (kind, supply point, channel, local day, 0-based interval range,
file and line) with the rule that must find it and the expected outcome, plus the rule thresholds
the generator sized defects against (:mod:`meter2cash.synth.truth`). It goes beside the files, or
anywhere else (``manifest_path``) so that the output folder holds only metering files. It names
files relative to the output folder and holds no clock reading, so the same arguments give a
byte-identical manifest wherever the run is written.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from meter2cash.synth.defects import ALL_DEFECT_KINDS, Defect
from meter2cash.synth.truth import OUTCOMES, parameters
from meter2cash.synth.writer import GeneratedFile

MANIFEST_NAME = "manifest.json"
#: 2: defects carry first/last_interval, rule and outcome; the rule thresholds are recorded.
MANIFEST_VERSION = 2


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
        return {kind: counts[kind] for kind in ALL_DEFECT_KINDS if counts[kind]}


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
        "rules": parameters(),
        "outcomes": OUTCOMES,
        "defects": [d.to_json() for d in result.defects],
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    result.manifest_path.parent.mkdir(parents=True, exist_ok=True)
    result.manifest_path.write_text(text, encoding="ascii", newline="\n")
