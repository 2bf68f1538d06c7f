"""Regenerate the synthetic part of examples/demo (deterministic: same seed, same bytes).

The generator's manifests (the list of injected defects) go to examples/manifests/, outside the input
folder, so `meter2cash run` ingests only metering files.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from meter2cash.synth import generate

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo"
MANIFESTS = ROOT / "examples" / "manifests"

DEFECTS = {
    "gaps": 0.01,
    "duplicates": 0.01,
    "spikes": 0.01,
    "negatives": 0.005,
    "late_corrections": 0.02,
    "estimates": 0.02,
    "malformed": 0.005,
}

SETS = {
    # AU: 40 NMIs, January-February 2024, NEM12, split over two files plus a corrections file
    "synthetic-au": dict(
        supply_points=40, days=60, start_on=date(2024, 1, 1), seed=20240101, fmt="nem12", files=2
    ),
    # GB: 12 MPANs across the October 2024 clock change (50 half-hours on 2024-10-27)
    "synthetic-gb": dict(
        supply_points=12,
        days=45,
        start_on=date(2024, 10, 10),
        seed=20241027,
        fmt="m2c-jsonl",
        files=1,
    ),
}


def main() -> None:
    MANIFESTS.mkdir(parents=True, exist_ok=True)
    for name, arguments in SETS.items():
        target = DEMO / name
        with tempfile.TemporaryDirectory() as scratch:
            result = generate(Path(scratch) / name, defects=DEFECTS, **arguments)  # type: ignore[arg-type]
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            for generated in result.files:
                shutil.copyfile(generated.path, target / generated.name)
            shutil.copyfile(result.manifest_path, MANIFESTS / f"{name}.json")
        print(
            f"{name}: {len(result.files)} files, {result.values_written} values, "
            f"{len(result.defects)} defects"
        )


if __name__ == "__main__":
    main()
