"""Golden outputs: one representative file per format, converted, compared byte for byte.

A change in any adapter's output (values, UTC instants, quality mapping, source references) shows up
here as a diff to review. Regenerate deliberately with ``M2C_UPDATE_GOLDEN=1 pytest tests/golden``.
Inputs are MIT/Apache-licensed samples copied into tests/data, or small synthetic files written for
this suite (tests/golden/inputs) — never the unlicensed shared samples.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from meter2cash.service.convert import convert
from meter2cash.service.formats import configured_parser

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
MAPPING = ROOT / "examples" / "mappings" / "example-csv-mapping.yaml"

CASES = {
    "nem12": (ROOT / "tests/data/nem12/Example_NEM12_multiple_quality.csv", "auto"),
    "nem13": (ROOT / "tests/data/nem13/Example_NEM13_consumption_data.csv", "auto"),
    "mscons": (ROOT / "tests/data/mscons/MSCONS_TL_Multiple_LOC_SAMPLE.txt", "auto"),
    "espi": (ROOT / "tests/data/espi/TestGBDataHourlyNineDaysBinnedDaily.xml", "auto"),
    "dtc": (HERE / "inputs/d0010.uff", "auto"),
    "stark-df2": (HERE / "inputs/hh_data.df2", "auto"),
    "uk-hh-csv": (HERE / "inputs/settlement.csv", "auto"),
    "csv": (HERE / "inputs/example-readings.csv", "csv"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_output(name: str) -> None:
    source, fmt = CASES[name]
    parser = configured_parser(fmt, MAPPING if fmt == "csv" else None)
    out = io.StringIO()
    report = convert([source], out, "jsonl", fmt, parser)
    rejections = "".join(f"{r}\n" for r in report.rejections)
    actual = out.getvalue() + ("# rejections\n" + rejections if rejections else "")
    golden = HERE / f"{name}.jsonl"
    if os.environ.get("M2C_UPDATE_GOLDEN") == "1":
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file for {name}: run with M2C_UPDATE_GOLDEN=1 once"
    assert report.records > 0
    assert actual == golden.read_text(encoding="utf-8")
