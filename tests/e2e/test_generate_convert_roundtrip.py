"""generate -> convert gives back exactly the values that were written (property, small sizes)."""

from __future__ import annotations

import io
import json
import tempfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meter2cash.service.convert import convert
from meter2cash.synth import generate

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))


def _converted(paths: list[Path]) -> dict[tuple[str, str, str], Decimal]:
    out = io.StringIO()
    report = convert(paths, out, "jsonl")
    assert report.rejections == []
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    return {(r["supply_point_id"], r["channel"], r["start"]): Decimal(r["value"]) for r in rows}


def _nem12_written(path: Path, minutes: int) -> dict[tuple[str, str, str], Decimal]:
    """Independent reading of the NEM12 text: 200 sets NMI/suffix, each 300 lists a day's values."""
    found: dict[tuple[str, str, str], Decimal] = {}
    nmi = suffix = ""
    for line in path.read_text().splitlines():
        fields = line.split(",")
        if fields[0] == "200":
            nmi, suffix = fields[1], fields[4]
        elif fields[0] == "300":
            day = datetime.strptime(fields[1], "%Y%m%d").replace(tzinfo=UTC) - timedelta(hours=10)
            for k, text in enumerate(fields[2 : 2 + 1440 // minutes]):
                start = (day + timedelta(minutes=k * minutes)).isoformat().replace("+00:00", "Z")
                found[nmi, suffix, start] = Decimal(text)
    return found


@SETTINGS
@given(
    seed=st.integers(0, 10**6),
    supply_points=st.integers(1, 3),
    days=st.integers(1, 3),
    minutes=st.sampled_from([5, 15, 30]),
)
def test_nem12_roundtrip(seed: int, supply_points: int, days: int, minutes: int):
    with tempfile.TemporaryDirectory() as tmp:
        result = generate(Path(tmp) / "g", supply_points=supply_points, days=days,
                          start_on=date(2024, 1, 1), seed=seed, interval_minutes=minutes)  # fmt: skip
        written: dict[tuple[str, str, str], Decimal] = {}
        for generated in result.files:
            written |= _nem12_written(generated.path, minutes)
        assert _converted(list(result.paths)) == written
        assert len(written) == result.values_written


@SETTINGS
@given(seed=st.integers(0, 10**6), supply_points=st.integers(1, 2))
def test_m2c_jsonl_roundtrip_across_uk_clock_changes(seed: int, supply_points: int):
    with tempfile.TemporaryDirectory() as tmp:
        result = generate(Path(tmp) / "g", supply_points=supply_points, days=2,
                          start_on=date(2024, 3, 30), seed=seed, fmt="m2c-jsonl",
                          include_clock_changes=True)  # fmt: skip
        converted = _converted(list(result.paths))
        lines = [json.loads(line) for p in result.paths for line in p.read_text().splitlines()]
        assert sum(len(day["values"]) for day in lines) == len(converted) == result.values_written
        assert {len(day["values"]) for day in lines if day["read_on"] == "2024-03-31"} == {46}
        assert {len(day["values"]) for day in lines if day["read_on"] == "2024-10-27"} == {50}
        assert sum(converted.values()) == sum(Decimal(v) for day in lines for v in day["values"])
