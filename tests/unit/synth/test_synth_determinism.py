"""Same arguments, same bytes; a different seed, different data; the file split changes no value."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from meter2cash.synth import ALL_DEFECT_KINDS, GenerationResult, generate

RATES = {kind: 0.05 for kind in ALL_DEFECT_KINDS}


def _run(out: Path, **overrides: Any) -> GenerationResult:
    arguments: dict[str, Any] = {
        "supply_points": 5,
        "days": 30,
        "start_on": date(2024, 10, 22),
        "seed": 2024,
        "defects": RATES,
    }
    return generate(out, **(arguments | overrides))


def _contents(result: GenerationResult) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(result.out_dir.iterdir())}


@pytest.mark.parametrize("fmt", ["nem12", "m2c-jsonl"])
def test_two_runs_write_byte_identical_folders(tmp_path: Path, fmt: str) -> None:
    first = _run(tmp_path / "a", fmt=fmt, files=2)
    second = _run(tmp_path / "elsewhere" / "b", fmt=fmt, files=2)
    assert _contents(first) == _contents(second)
    assert first.defects == second.defects and len(first.defects) > 0
    assert "manifest.json" in _contents(first)


@pytest.mark.parametrize("fmt", ["nem12", "m2c-jsonl"])
def test_a_different_seed_gives_different_data(tmp_path: Path, fmt: str) -> None:
    first = _contents(_run(tmp_path / "a", fmt=fmt, defects={}))
    second = _contents(_run(tmp_path / "b", fmt=fmt, defects={}, seed=2025))
    assert first.keys() == second.keys()
    assert all(first[name] != second[name] for name in first)


def test_the_file_split_moves_records_but_changes_no_value_or_defect(tmp_path: Path) -> None:
    whole = _run(tmp_path / "one", defects={})
    split = _run(tmp_path / "three", defects={}, files=3)
    records = [line for f in whole.files for line in f.path.read_text().splitlines()[1:-1]]
    parts = [line for f in split.files for line in f.path.read_text().splitlines()[1:-1]]
    assert records == parts

    whole, split = _run(tmp_path / "one-d"), _run(tmp_path / "three-d", files=3)

    def identity(result: GenerationResult) -> list[tuple[object, ...]]:
        return [
            (d.kind, d.supply_point_id, d.channel, d.read_on, d.interval) for d in result.defects
        ]

    assert sorted(identity(whole), key=str) == sorted(identity(split), key=str)
