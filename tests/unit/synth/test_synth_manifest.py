"""manifest.json records the arguments, every file with its checksum, the counts, the rule thresholds
and every defect with what must find it; it can go outside the output folder."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import pytest

from meter2cash.synth import MANIFEST_NAME, generate


def test_manifest_describes_the_run(tmp_path: Path) -> None:
    rates = {"spikes": 0.1, "late_corrections": 0.1}
    result = generate(tmp_path / "out", supply_points=3, days=4, start_on=date(2024, 2, 27),
                      seed=9, defects=rates, files=2, export_share=0.4)  # fmt: skip
    assert result.manifest_path == tmp_path / "out" / MANIFEST_NAME
    manifest = json.loads(result.manifest_path.read_text(encoding="ascii"))
    assert manifest["generator"] == "meter2cash.synth" and manifest["manifest_version"] == 2
    assert manifest["seed"] == 9
    assert manifest["arguments"] == {
        "supply_points": 3,
        "days": 4,
        "start_on": "2024-02-27",
        "seed": 9,
        "fmt": "nem12",
        "interval_minutes": 30,
        "defects": {"late_corrections": 0.1, "spikes": 0.1},
        "files": 2,
        "channels": ["import", "export"],
        "export_share": 0.4,
        "include_clock_changes": False,
    }
    assert manifest["counts"] == {
        "supply_points": 3,
        "channel_days": result.channel_days,
        "interval_values": result.interval_values,
        "records_written": result.records_written,
        "values_written": result.values_written,
        "defects": result.defect_counts(),
    }
    assert result.channel_days == 3 * 4 + 1 * 4  # one of three supply points exports (40 %)
    on_disk = sorted(p.name for p in result.out_dir.iterdir())
    assert on_disk == sorted([*(f["name"] for f in manifest["files"]), MANIFEST_NAME])
    for entry, written in zip(manifest["files"], result.files, strict=True):
        data = written.path.read_bytes()
        assert entry["name"] == written.name and "/" not in entry["name"]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["lines"] == data.count(b"\n")
        assert entry["records"] == data.count(b"\n300,")
    assert manifest["defects"] == [d.to_json() for d in result.defects]
    assert set(manifest["defects"][0]) == {
        "kind", "supply_point_id", "channel", "read_on", "first_interval", "last_interval",
        "file", "line", "rule", "outcome", "detail",
    }  # fmt: skip
    assert {d["outcome"] for d in manifest["defects"]} <= set(manifest["outcomes"])
    assert manifest["rules"]["C10"] == {"tolerance": "1.5", "base_floor_kw": "0.5"}
    assert manifest["rules"]["C7"] == {"interval_days": 7, "directions": ["import"]}


def test_the_manifest_can_go_outside_the_output_folder(tmp_path: Path) -> None:
    elsewhere = tmp_path / "truth" / "defects.json"
    result = generate(tmp_path / "out", supply_points=2, days=3, start_on=date(2024, 2, 27),
                      seed=9, defects={"negatives": 0.3}, manifest_path=elsewhere)  # fmt: skip
    assert result.manifest_path == elsewhere
    assert sorted(p.name for p in result.out_dir.iterdir()) == ["nem12-00001.csv"]
    manifest = json.loads(elsewhere.read_text(encoding="ascii"))
    assert [f["name"] for f in manifest["files"]] == ["nem12-00001.csv"]  # relative to the folder
    assert manifest["defects"] == [d.to_json() for d in result.defects] != []
    with pytest.raises(FileExistsError, match="exists"):
        generate(tmp_path / "again", supply_points=1, days=1, start_on=date(2024, 1, 1), seed=1,
                 manifest_path=elsewhere)  # fmt: skip
    assert not (tmp_path / "again").exists()


def test_refuses_a_folder_that_already_holds_files(tmp_path: Path) -> None:
    (tmp_path / "old.csv").write_text("keep me")
    with pytest.raises(FileExistsError, match="not empty"):
        generate(tmp_path, supply_points=1, days=1, start_on=date(2024, 1, 1), seed=1)
    assert [p.name for p in tmp_path.iterdir()] == ["old.csv"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"fmt": "mscons"}, "unknown format"),
        ({"supply_points": 0}, "at least 1"),
        ({"supply_points": 10**6 + 1}, "at most"),
        ({"days": 0}, "at least 1"),
        ({"interval_minutes": 10}, "interval_minutes"),
        ({"files": 3}, "files"),
        ({"channels": ("export",)}, "channels"),
        ({"channels": ("import", "reactive")}, "channels"),
        ({"export_share": 1.5}, "export_share"),
    ],
)
def test_bad_arguments_are_refused(
    tmp_path: Path, arguments: dict[str, object], message: str
) -> None:
    base: dict[str, object] = {
        "supply_points": 2,
        "days": 1,
        "start_on": date(2024, 1, 1),
        "seed": 1,
    }
    with pytest.raises(ValueError, match=message):
        generate(tmp_path / "out", **(base | arguments))  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()
