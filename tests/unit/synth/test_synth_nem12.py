"""NEM12 output is structurally right, counts what was asked, and reads the same in nemreader."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.synth import GenerationResult, generate

SAMPLE = Path(__file__).parents[4] / "shared/samples/nem12/Example_NEM12_actual_interval.csv"
START = date(2024, 5, 30)


def _run(out: Path, **overrides: object) -> GenerationResult:
    arguments: dict[str, object] = {
        "supply_points": 6,
        "days": 5,
        "start_on": START,
        "seed": 11,
        "export_share": 0.5,
    }
    arguments.update(overrides)
    return generate(out, **arguments)  # type: ignore[arg-type]


def _lines(path: Path) -> list[list[str]]:
    return [line.split(",") for line in path.read_text(encoding="ascii").splitlines()]


def _channel_days(path: Path) -> dict[tuple[str, str, str], list[str]]:
    """(NMI, suffix, YYYYMMDD) -> the 300 record's values, checking each key appears once."""
    days: dict[tuple[str, str, str], list[str]] = {}
    nmi = suffix = ""
    length = 0
    for fields in _lines(path):
        if fields[0] == "200":
            nmi, suffix, length = fields[1], fields[4], 1440 // int(fields[8])
        elif fields[0] == "300":
            key = (nmi, suffix, fields[1])
            assert key not in days
            days[key] = fields[2 : 2 + length]
    return days


@pytest.mark.parametrize(("interval_minutes", "per_day"), [(30, 48), (15, 96), (5, 288)])
def test_records_are_in_nem12_order_with_the_right_value_count(
    tmp_path: Path, interval_minutes: int, per_day: int
) -> None:
    result = _run(tmp_path, interval_minutes=interval_minutes)
    (written,) = result.files
    lines = _lines(written.path)
    assert lines[0] == ["100", "NEM12", "202406040600", "SYNTHMDP", "SYNTHRET"]
    assert lines[-1] == ["900"]
    assert {f[0] for f in lines[1:-1]} == {"200", "300"}
    assert lines[1][0] == "200"
    previous = ""
    for fields in lines[1:-1]:
        if fields[0] == "200":
            assert fields[8] == str(interval_minutes)
            previous = ""
            continue
        assert len(fields) == 2 + per_day + 5
        values, (quality, reason, description, updated, msats) = fields[2:-5], fields[-5:]
        assert all(Decimal(v) >= 0 and len(v.split(".")[1]) == 3 for v in values)
        assert (quality, reason, description, msats) == ("A", "", "", "")
        read_on = date(int(fields[1][:4]), int(fields[1][4:6]), int(fields[1][6:]))
        assert updated == f"{read_on + timedelta(days=1):%Y%m%d}030000"
        assert fields[1] > previous  # days ascend inside a 200 block
        previous = fields[1]


def test_200_records_describe_the_channels(tmp_path: Path) -> None:
    result = _run(tmp_path, supply_points=8, export_share=0.25)
    headers = [f for f in _lines(result.files[0].path) if f[0] == "200"]
    assert len(headers) == 8 + 2
    for fields in headers:
        nmi, configuration, register, suffix, stream, serial, uom = fields[1:8]
        assert len(nmi) == 10 and nmi.startswith("NCDE")
        assert configuration in {"E1", "E1B1"}
        assert register == suffix and suffix in configuration
        assert stream == {"E1": "N1", "B1": "N2"}[suffix]
        assert serial.startswith("SYN") and uom == "kWh" and fields[9] == ""
    exporting = [f[1] for f in headers if f[4] == "B1"]
    assert len(exporting) == 2
    assert len({f[1] for f in headers}) == 8


def test_counts_are_supply_points_times_days_times_channels(tmp_path: Path) -> None:
    result = _run(tmp_path / "both", export_share=1.0)
    assert result.supply_points == 6
    assert result.channel_days == 6 * 5 * 2
    assert result.interval_values == 6 * 5 * 2 * 48
    assert result.records_written == result.channel_days
    assert result.values_written == result.interval_values
    days = _channel_days(result.files[0].path)
    assert len(days) == 60
    assert Counter(suffix for _, suffix, _ in days) == {"E1": 30, "B1": 30}
    assert {d for _, _, d in days} == {f"{START + timedelta(days=k):%Y%m%d}" for k in range(5)}

    import_only = _run(tmp_path / "import", channels=("import",))
    assert import_only.channel_days == 6 * 5
    assert len(_channel_days(import_only.files[0].path)) == 30


def test_files_split_supply_points_without_changing_a_value(tmp_path: Path) -> None:
    single = _run(tmp_path / "one")
    split = _run(tmp_path / "three", files=3)
    assert [f.name for f in split.files] == [
        "nem12-00001.csv",
        "nem12-00002.csv",
        "nem12-00003.csv",
    ]
    assert all(f.role == "original" for f in split.files)
    parts = [_channel_days(f.path) for f in split.files]
    nmis = [{nmi for nmi, _, _ in part} for part in parts]
    assert [len(n) for n in nmis] == [2, 2, 2]
    assert not (nmis[0] & nmis[1] or nmis[1] & nmis[2])
    merged = {k: v for part in parts for k, v in part.items()}
    assert merged == _channel_days(single.files[0].path)
    for f in split.files:
        lines = _lines(f.path)
        assert lines[0][0] == "100" and lines[-1] == ["900"]


@pytest.mark.samples
def test_field_counts_match_a_real_nem12_file(tmp_path: Path) -> None:
    if not SAMPLE.exists():
        pytest.skip(f"sample {SAMPLE} is not available")
    real = {f[0]: len(f) for f in _lines(SAMPLE)}
    ours = {f[0]: len(f) for f in _lines(_run(tmp_path).files[0].path)}
    assert ours == real


def test_nemreader_reads_the_same_values(tmp_path: Path) -> None:
    nemreader = pytest.importorskip("nemreader")
    for interval_minutes in (30, 5):
        result = _run(tmp_path / str(interval_minutes), interval_minutes=interval_minutes)
        path = result.files[0].path
        ours = _channel_days(path)
        data = nemreader.NEMFile(str(path), strict=True).nem_data()
        assert data.header.creation_date.strftime("%Y%m%d%H%M") == "202406040600"
        theirs: dict[tuple[str, str, str], list[Decimal]] = {}
        for nmi, channels in data.readings.items():
            for suffix, readings in channels.items():
                for reading in readings:
                    assert reading.quality_method == "A" and reading.uom == "kWh"
                    key = (nmi, suffix, f"{reading.t_start:%Y%m%d}")
                    theirs.setdefault(key, []).append(Decimal(repr(reading.read_value)))
        assert theirs.keys() == ours.keys()
        for key, values in ours.items():
            assert [Decimal(v) for v in values] == theirs[key]
