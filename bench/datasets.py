"""Benchmark data sets, generated once per run into the work directory by the product's own
deterministic generator (``meter2cash.synth``) and shared by the figures that need the same file."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

SEED = 20240101
START_ON = date(2024, 1, 1)  # 30 days stay inside January: one bill per supply point
EXPORT_SHARE = 0.25  # synth's default: a quarter of the supply points export (a second channel)


@dataclass(frozen=True)
class Dataset:
    name: str
    fmt: str  # the meter2cash format name
    paths: tuple[Path, ...]
    supply_points: int
    days: int
    channel_days: int
    values: int  # interval values (or register reads, for register formats)
    bytes: int
    unit: str = "values"  # what ``values`` counts: "values" (intervals) or "records" (registers)
    manifest: Path | None = None  # the generator's manifest (every defect, the rule meant for it)

    @property
    def path(self) -> Path:
        (only,) = self.paths
        return only

    @property
    def megabytes(self) -> float:
        return self.bytes / 1e6

    def describe(self) -> str:
        size = f"{self.megabytes:,.1f}" if self.megabytes >= 10 else f"{self.megabytes:.2f}"
        return (
            f"{self.values:,} {self.unit}, {self.supply_points:,} supply points x {self.days} days, "
            f"{size} MB"
        )


def supply_points_for(values: int, days: int) -> int:
    """Supply points that give about ``values`` half-hourly values over ``days`` days."""
    per_supply_point = days * 48 * (1 + EXPORT_SHARE)
    return max(1, math.ceil(values / per_supply_point))


class Datasets:
    """Generates on first request, then hands out the same files."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._made: dict[tuple[str, int, int, str], Dataset] = {}

    def synth(
        self, fmt: str, supply_points: int, days: int, defects: dict[str, float] | None = None
    ) -> Dataset:
        """``defects``: rates per channel-day (``meter2cash.synth``); the files then hold
        defects, duplicates and a corrections file, and ``paths`` lists every file."""
        tag = "-defects" if defects else ""
        key = (fmt, supply_points, days, repr(sorted((defects or {}).items())))
        if key not in self._made:
            from meter2cash.synth import generate

            out = self.workdir / f"{fmt}-{supply_points}sp-{days}d{tag}"
            result = generate(
                out,
                supply_points=supply_points,
                days=days,
                start_on=START_ON,
                seed=SEED,
                fmt=fmt,
                export_share=EXPORT_SHARE,
                defects=defects,
                manifest_path=self.workdir / f"{out.name}.manifest.json",
            )
            self._made[key] = Dataset(
                name=out.name,
                fmt=fmt,
                paths=result.paths,  # the data files only: the manifest is beside the folder
                supply_points=supply_points,
                days=days,
                channel_days=result.records_written,
                values=result.values_written,
                bytes=sum(f.bytes for f in result.files),
                manifest=result.manifest_path,
            )
        return self._made[key]

    def synth_values(self, fmt: str, values: int, days: int = 30) -> Dataset:
        return self.synth(fmt, supply_points_for(values, days), days)
