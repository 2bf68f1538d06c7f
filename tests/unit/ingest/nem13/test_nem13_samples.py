"""NEM13 over AEMO's published example files: golden values, the findings in them, and a cross-check
of every register value and read time against the independent ``nemreader`` package.

Fixtures live in ``tests/data/nem13`` (a copied MIT subset, see its PROVENANCE.md); the full shared
set in ``../shared/samples/nem13`` is cross-checked too when present, skipped with a reason when not.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from nemreader import NEMFile

from meter2cash.domain.reads import Quality, RegisterRead, Rejection
from meter2cash.domain.time import NEM_TIME
from meter2cash.ingest.nem13 import parse

DATA = Path(__file__).parents[3] / "data" / "nem13"
SHARED = Path(__file__).parents[4].parent / "shared" / "samples" / "nem13"
FILE_ID = "d" * 64
#: (previous value, current value, previous read time, current read time), NEM local time.
Read4 = tuple[float | None, float | None, datetime | None, datetime | None]


def samples(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*") if p.suffix.lower() in (".zip", ".csv"))


def content(path: Path) -> bytes:
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            return archive.read(archive.namelist()[0])
    return path.read_bytes()


def parsed(path: Path) -> tuple[list[RegisterRead], list[Rejection]]:
    items = list(parse(io.BytesIO(content(path)), FILE_ID, path.name, None))
    reads = [i for i in items if isinstance(i, RegisterRead)]
    rejections = [i for i in items if isinstance(i, Rejection)]
    assert len(reads) + len(rejections) == len(items)
    return reads, rejections


def test_golden_consumption_data() -> None:
    reads, rejections = parsed(DATA / "Example_NEM13_consumption_data.csv")
    assert rejections == []
    previous, current = reads
    assert (previous.value, current.value) == (Decimal("6342.8"), Decimal("7654.9"))
    assert (current.supply_point_id, current.register_id, current.meter_serial) == (
        "VABC005890",
        "11",
        "METSER123",
    )
    assert previous.read_at == datetime(2003, 10, 4, 23, 30, 55, tzinfo=UTC)
    assert current.read_at == datetime(2004, 1, 7, 0, 3, 33, tzinfo=UTC)
    assert previous.quality == current.quality == Quality.ACTUAL


def test_golden_forward_estimate_with_550s_and_a_quantity_the_reads_do_not_explain() -> None:
    reads, [mismatch] = parsed(DATA / "Example_NEM13_forward_estimate.csv")
    assert [(r.register_id, r.value, r.quality, r.method, r.read_type) for r in reads] == [
        ("11", Decimal(888), Quality.ACTUAL, None, "N"),
        ("11", Decimal(999), Quality.ESTIMATED, "64", "E"),
        ("41", Decimal(950), Quality.ACTUAL, None, "N"),
        ("41", Decimal(10015), Quality.ESTIMATED, "64", "E"),
    ]
    # 0000950 -> 0010015 is 9065 kWh, the file says 65: flagged, reads kept.
    assert (mismatch.reason_code, mismatch.source.line) == ("QUANTITY_MISMATCH", 4)


def test_golden_rollover_substitution_and_import_registers() -> None:
    reads, rejections = parsed(DATA / "NEM13#000000000000013#CNRGYMDP#NEMMCO.zip")
    assert rejections == [] and [r.value for r in reads] == [Decimal(99890), Decimal(2034)]
    reads, rejections = parsed(DATA / "NEM13#SEN1318143#AGILITY#NEMMCO.zip")
    assert rejections == []
    assert (reads[0].quality, reads[0].method, reads[0].reason) == (Quality.SUBSTITUTED, "61", "13")
    for name in ("NEM13#SEN1312023#AGILITY#NEMMCO.zip", "NEM13#Scenario12#ETSAMDP#NEMMCO.zip"):
        assert parsed(DATA / name)[1] == [], name  # I registers: negative Quantity, both ways


def test_aemo_rollover_scenario_whose_reads_run_backwards_is_flagged() -> None:
    reads, [mismatch] = parsed(DATA / "nem13#SCENARIO13#TCAUSTM#NEMMCO.zip")
    assert [r.value for r in reads] == [Decimal("105.4"), Decimal("99110.5")]
    assert mismatch.reason_code == "QUANTITY_MISMATCH"


def _nemreader_reads(
    path: Path,
) -> dict[tuple[str, str], list[Read4]]:
    data = NEMFile(str(path)).nem_data()
    return {
        (nmi, suffix): [(r.val_start, r.val_end, r.t_start, r.t_end) for r in readings]
        for nmi, suffixes in data.readings.items()
        for suffix, readings in suffixes.items()
    }


def _ours(path: Path) -> dict[tuple[str, str], list[Read4]]:
    reads, _ = parsed(path)
    by_record: dict[int, list[RegisterRead]] = defaultdict(list)
    for read in reads:
        by_record[read.source.line].append(read)
    ours: dict[tuple[str, str], list[Read4]] = defaultdict(list)
    for line in sorted(by_record):
        previous, current = by_record[line]
        local = [r.read_at.astimezone(NEM_TIME).replace(tzinfo=None) for r in (previous, current)]
        ours[(current.supply_point_id, current.register_id)].append(
            (float(previous.value), float(current.value), local[0], local[1])
        )
    return dict(ours)


def _cross_check(paths: list[Path]) -> None:
    assert paths
    for path in paths:
        assert _ours(path) == _nemreader_reads(path), path.name


def test_every_fixture_equals_nemreader() -> None:
    _cross_check(samples(DATA))


@pytest.mark.samples
def test_every_shared_sample_equals_nemreader() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared NEM13 samples not present: {SHARED}")
    _cross_check(samples(SHARED))


@pytest.mark.samples
def test_shared_samples_reject_nothing_but_the_quantity_findings() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"shared NEM13 samples not present: {SHARED}")
    findings = {path.name: [r.reason_code for r in parsed(path)[1]] for path in samples(SHARED)}
    flagged = {name: codes for name, codes in findings.items() if codes}
    assert flagged == {
        "Example_NEM13_forward_estimate.csv": ["QUANTITY_MISMATCH"],  # 950 -> 10015, says 65
        "NEM13#000000000000011#CNRGYMDP#NEMMCO.zip": ["QUANTITY_MISMATCH"],  # 172, says 31
        "nem13#12#INTEGM#NEMMCO.zip": ["QUANTITY_MISMATCH"],  # 290 -> 290, says -10
        "nem13#SCENARIO13#TCAUSTM#NEMMCO.zip": ["QUANTITY_MISMATCH"],  # runs backwards
        "nem13#SCENARIO15#TCAUSTM#NEMMCO.zip": ["QUANTITY_MISMATCH"],  # 868, says 868.294
    }
    assert len(findings) == 63
