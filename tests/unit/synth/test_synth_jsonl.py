"""m2c-jsonl output: canonical UK ChannelDays, valid MPANs, 46/50 half-hours on clock changes."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from meter2cash.codec import encode, from_builtins, to_builtins
from meter2cash.domain.reads import ChannelDay, Direction, Quality, SourceRef
from meter2cash.synth import GenerationResult, generate, is_valid_mpan_core


def _run(out: Path, **overrides: object) -> GenerationResult:
    arguments: dict[str, object] = {
        "supply_points": 4,
        "days": 3,
        "start_on": date(2024, 1, 10),
        "seed": 5,
        "fmt": "m2c-jsonl",
        "export_share": 0.5,
    }
    arguments.update(overrides)
    return generate(out, **arguments)  # type: ignore[arg-type]


def _channel_days(result: GenerationResult) -> list[ChannelDay]:
    days = []
    for written in result.files:
        for line in written.path.read_bytes().splitlines():
            day = from_builtins(json.loads(line), ChannelDay)  # validates the interval count
            assert encode(to_builtins(day)) == line  # exactly the canonical encoding
            days.append(day)
    return days


def test_every_line_is_a_valid_canonical_channel_day(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert [f.name for f in result.files] == ["m2c-00001.jsonl"]
    days = _channel_days(result)
    assert len(days) == result.channel_days == 4 * 3 + 2 * 3
    assert result.values_written == result.interval_values == len(days) * 48
    for day in days:
        assert is_valid_mpan_core(day.supply_point_id)
        assert (day.market, day.zone, day.unit, day.source_unit) == (
            "GB",
            "Europe/London",
            "kWh",
            "kWh",
        )
        assert day.source == SourceRef(file_id="synthetic", line=0)
        assert (day.channel, day.direction) in {("AI", Direction.IMPORT), ("AE", Direction.EXPORT)}
        assert set(day.qualities) == {Quality.ACTUAL}
        assert set(day.methods) == set(day.reasons) == {None}
        assert all(v is not None and v >= 0 and v.as_tuple().exponent == -3 for v in day.values)
        assert day.meter_serial is not None and day.meter_serial.startswith("SYN")
    assert Counter(d.channel for d in days) == {"AI": 12, "AE": 6}
    assert len({d.supply_point_id for d in days}) == 4


def test_forced_clock_change_days_hold_46_and_50_half_hours(tmp_path: Path) -> None:
    result = _run(tmp_path, include_clock_changes=True, channels=("import",))
    assert result.clock_change_days == (date(2024, 3, 31), date(2024, 10, 27))
    counts = {(d.supply_point_id, d.read_on): len(d.values) for d in _channel_days(result)}
    assert len(counts) == 4 * (3 + 2)
    assert {n for (_, on), n in counts.items() if on == date(2024, 3, 31)} == {46}
    assert {n for (_, on), n in counts.items() if on == date(2024, 10, 27)} == {50}
    assert {n for (_, on), n in counts.items() if on.month == 1} == {48}
    assert result.interval_values == 4 * (3 * 48 + 46 + 50)
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["clock_change_days"] == ["2024-03-31", "2024-10-27"]


def test_a_range_across_a_clock_change_includes_it_naturally(tmp_path: Path) -> None:
    result = _run(
        tmp_path, start_on=date(2024, 10, 25), days=4, interval_minutes=15, channels=("import",)
    )
    counts = Counter((d.read_on, len(d.values)) for d in _channel_days(result))
    assert counts == {
        (date(2024, 10, 25), 96): 4,
        (date(2024, 10, 26), 96): 4,
        (date(2024, 10, 27), 100): 4,
        (date(2024, 10, 28), 96): 4,
    }
    assert result.clock_change_days == (date(2024, 10, 27),)


def test_clock_changes_are_only_for_the_uk_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="m2c-jsonl"):
        _run(tmp_path, fmt="nem12", include_clock_changes=True)


def test_days_run_consecutively_per_supply_point_and_channel(tmp_path: Path) -> None:
    days = _channel_days(_run(tmp_path, days=6))
    by_channel: dict[tuple[str, str], list[date]] = {}
    for day in days:
        by_channel.setdefault((day.supply_point_id, day.channel), []).append(day.read_on)
    expected = [date(2024, 1, 10) + timedelta(days=k) for k in range(6)]
    assert all(read_on == expected for read_on in by_channel.values())
