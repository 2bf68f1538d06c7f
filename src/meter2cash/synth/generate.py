"""``generate``: write a deterministic synthetic interval data set, its defects and its manifest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from meter2cash.synth.calendar import build_calendar
from meter2cash.synth.defects import checked_rates
from meter2cash.synth.ids import MAX_NMIS, SupplyPointIds
from meter2cash.synth.jsonl import JsonlFormat
from meter2cash.synth.manifest import MANIFEST_NAME, GenerationResult, write_manifest
from meter2cash.synth.model import RecordFormat
from meter2cash.synth.nem12 import Nem12Format
from meter2cash.synth.run import Run

FORMATS = ("nem12", "m2c-jsonl")
CHANNELS = ("import", "export")
INTERVAL_MINUTES = (5, 15, 30)


def generate(
    out_dir: Path,
    *,
    supply_points: int,
    days: int,
    start_on: date,
    seed: int,
    fmt: str = "nem12",
    interval_minutes: int = 30,
    defects: Mapping[str, float] | None = None,
    files: int | None = None,
    channels: Sequence[str] = CHANNELS,
    export_share: float = 0.25,
    include_clock_changes: bool = False,
    manifest_path: Path | None = None,
) -> GenerationResult:
    """Write ``supply_points`` x ``days`` of interval data to the empty (or new) ``out_dir``.

    ``fmt`` "nem12" gives AU NEM12 files (NMIs, market time UTC+10); "m2c-jsonl" gives UK canonical
    ChannelDay lines (MPANs, Europe/London days). Supply points are split into ``files`` contiguous
    groups (default one file); late corrections go to one extra file that sorts after them.
    ``channels`` "export" gives an export (solar) channel to ``export_share`` of the supply points,
    spread evenly. ``include_clock_changes`` (m2c-jsonl) adds the UK clock-change days of every year
    the range touches. ``defects`` maps kinds in ``ALL_DEFECT_KINDS`` to per-channel-day rates.
    The manifest goes to ``manifest_path`` (a new file), by default ``out_dir/manifest.json``.
    """
    rates = checked_rates(defects or {})
    _check(fmt, supply_points, days, interval_minutes, files, channels, export_share)
    if include_clock_changes and fmt != "m2c-jsonl":
        raise ValueError("include_clock_changes is about Europe/London days: use fmt='m2c-jsonl'")
    out_dir = Path(out_dir)
    if out_dir.exists() and any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty: generate writes into a new or empty folder")
    manifest_path = Path(manifest_path) if manifest_path else out_dir / MANIFEST_NAME
    if manifest_path.exists():
        raise FileExistsError(f"{manifest_path} exists: generate writes a new manifest")
    out_dir.mkdir(parents=True, exist_ok=True)

    zone = "NEM" if fmt == "nem12" else "Europe/London"
    calendar = build_calendar(
        start_on, days, zone, interval_minutes, clock_changes=include_clock_changes
    )
    record_format: RecordFormat = Nem12Format(calendar) if fmt == "nem12" else JsonlFormat(calendar)
    share = export_share if "export" in channels else 0.0
    run = Run(out_dir, record_format, calendar, SupplyPointIds(seed), rates, seed, share)
    groups = files or 1
    bounds = [number * supply_points // groups for number in range(groups + 1)]
    written = [run.write_file(n + 1, range(bounds[n], bounds[n + 1])) for n in range(groups)]
    if run.corrections:
        written.append(run.write_corrections(groups + 1))

    result = GenerationResult(
        out_dir=out_dir,
        manifest_path=manifest_path,
        files=tuple(written),
        supply_points=supply_points,
        channel_days=run.channel_days,
        interval_values=run.interval_values,
        clock_change_days=tuple(s.read_on for s in calendar.slots if s.clock_change),
        defects=tuple(run.defects),
    )
    arguments = {
        "supply_points": supply_points,
        "days": days,
        "start_on": start_on.isoformat(),
        "seed": seed,
        "fmt": fmt,
        "interval_minutes": interval_minutes,
        "defects": dict(sorted(dict(defects or {}).items())),
        "files": files,
        "channels": [c for c in CHANNELS if c in channels],
        "export_share": export_share,
        "include_clock_changes": include_clock_changes,
    }
    write_manifest(result, seed=seed, arguments=arguments)
    return result


def _check(
    fmt: str,
    supply_points: int,
    days: int,
    interval_minutes: int,
    files: int | None,
    channels: Sequence[str],
    export_share: float,
) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}")
    if fmt == "nem12" and supply_points > MAX_NMIS:
        raise ValueError(f"synthetic NMIs allow at most {MAX_NMIS} supply points")
    if supply_points < 1 or days < 1:
        raise ValueError("supply_points and days must be at least 1")
    if interval_minutes not in INTERVAL_MINUTES:
        raise ValueError(f"interval_minutes must be one of {INTERVAL_MINUTES}")
    if files is not None and not 1 <= files <= supply_points:
        raise ValueError("files must be between 1 and the number of supply points")
    if "import" not in channels or not set(channels) <= set(CHANNELS):
        raise ValueError(f"channels must include 'import' and be drawn from {CHANNELS}")
    if not 0.0 <= export_share <= 1.0:
        raise ValueError("export_share must be within [0, 1]")
