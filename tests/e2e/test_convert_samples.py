"""Every public sample either converts to canonical records or is rejected with a precise reason.

The samples live in the shared folder beside the repository (some have no licence and cannot be
copied in); the test is skipped, with the reason shown, when that folder is absent.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from tests.e2e.conftest import REPO, Cli

from meter2cash.service.convert import convert

SAMPLES = REPO.parent / "shared" / "samples"
FOLDERS = ("nem12", "nem13", "mscons", "greenbutton", "uk-dtc", "stark-df2")
#: The deliberately malformed NEM12 fixtures (nem-reader's examples/invalid).
INVALID = SAMPLES / "nem12" / "invalid"


def _sample_files() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted(
        p for folder in FOLDERS for p in (SAMPLES / folder).rglob("*")
        if p.is_file() and p.name != "PROVENANCE.md"
    )  # fmt: skip


@pytest.fixture(scope="module")
def converted() -> dict[Path, tuple[int, list[str]]]:
    """Convert each sample in process (the CLI is exercised once, below): {file: (records, reasons)}."""
    if not SAMPLES.is_dir():
        pytest.skip(f"shared samples not present at {SAMPLES}")
    results: dict[Path, tuple[int, list[str]]] = {}
    for path in _sample_files():
        out = io.StringIO()
        report = convert([path], out, "jsonl")
        records = out.getvalue().splitlines()
        for record in records:
            row = json.loads(record)
            assert row["start"].endswith("Z") and row["end"].endswith("Z")
            assert row["value"] is None or isinstance(row["value"], str)
        assert len(records) == report.records
        results[path] = (report.records, [r.reason_code for r in report.rejections])
    return results


def test_convert_command_writes_csv_and_reports_rejections(tmp_path: Path):
    if not SAMPLES.is_dir():
        pytest.skip(f"shared samples not present at {SAMPLES}")
    cli = Cli(dict(os.environ), tmp_path)
    out = tmp_path / "out.csv"
    sample = SAMPLES / "nem12" / "invalid" / "Example_NEM12_15min_200_30min_300.csv"
    run = cli("convert", str(sample), "--to", "csv", "--out", str(out), "--strict", check=False)
    assert run.returncode == 1
    assert (
        "rejected: Example_NEM12_15min_200_30min_300.csv:3: INTERVAL_COUNT_MISMATCH" in run.stderr
    )
    assert out.read_text().startswith("kind,supply_point_id,channel,")


def test_every_sample_converts_or_is_rejected_with_a_precise_reason(converted):
    assert converted, "no sample files found"
    for path, (records, reasons) in converted.items():
        assert records or reasons, f"{path.name}: neither records nor rejections"
        assert "UNKNOWN_FORMAT" not in reasons, f"{path.name} was not recognised"


def test_every_deliberately_invalid_nem12_sample_is_rejected(converted):
    invalid = [p for p in converted if p.parent == INVALID]
    assert len(invalid) >= 10
    for path in invalid:
        _records, reasons = converted[path]
        assert reasons, f"{path.name} is deliberately malformed but nothing was rejected"


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_market_format_yields_records(converted, folder):
    produced = sum(n for p, (n, _) in converted.items() if SAMPLES / folder in p.parents)
    if folder == "stark-df2":  # chellow's error fixture: its MPAN check digit is wrong
        assert produced == 0
        reasons = [r for p, (_, rs) in converted.items() if p.parent.name == folder for r in rs]
        assert "INVALID_MPAN" in reasons
    else:
        assert produced > 0, f"no records from {folder}"
