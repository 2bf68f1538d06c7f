"""The manifest is ground truth for the VEE rules: clean data raises nothing under C1-C23 (default
parameters, no reference data), and every injected defect is found exactly once, by the rule the
manifest names, over the interval range it names — nothing else is flagged anywhere.

The rules run as the pipeline would run them without configuration (``interpret/vee``), over the
files parsed by the real parsers; days never received become all-missing rows, as C2 expects.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from meter2cash.domain.reads import ChannelDay, Direction, Rejection
from meter2cash.ingest.sources import parse_file
from meter2cash.interpret.estimate import params_for
from meter2cash.interpret.vee import (
    ChannelDayBatch,
    ExpectedDay,
    IntervalFindings,
    absent_days,
    shipped_parameters,
    validate_intervals,
)
from meter2cash.synth import ALL_DEFECT_KINDS, GenerationResult, generate, truth
from meter2cash.synth.inject import clear_of_spikes, spike_value

#: Zero runs need 21 ordinary days before them, so they get a higher rate to show up at all.
RATES = {kind: 0.025 for kind in ALL_DEFECT_KINDS} | {"zero_runs": 0.15}

#: Small but varied: both formats, 5- and 30-minute data, both hemispheres' seasons, solar export
#: on half the supply points, and the UK clock-change days (46 and 50 half-hours).
CASES: dict[str, dict[str, Any]] = {
    "nem12-30-summer": {"fmt": "nem12", "start_on": date(2024, 1, 5), "supply_points": 30},
    "nem12-5-winter": {
        "fmt": "nem12",
        "interval_minutes": 5,
        "start_on": date(2024, 6, 20),
        "supply_points": 10,
    },
    "nem12-15-spring": {
        "fmt": "nem12",
        "interval_minutes": 15,
        "start_on": date(2024, 9, 25),
        "supply_points": 12,
    },
    "jsonl-30-winter": {
        "fmt": "m2c-jsonl",
        "start_on": date(2024, 11, 20),
        "supply_points": 30,
        "include_clock_changes": True,
    },
    "jsonl-30-summer": {"fmt": "m2c-jsonl", "start_on": date(2024, 6, 1), "supply_points": 30},
}


@dataclass
class Checked:
    result: GenerationResult
    batch: ChannelDayBatch
    findings: IntervalFindings
    rejections: list[Rejection]


def _check(out: Path, case: dict[str, Any], defects: dict[str, float] | None) -> Checked:
    arguments = {"days": 45, "seed": 17, "export_share": 0.5} | case
    result = generate(out, defects=defects, **arguments)
    days: list[ChannelDay] = []
    rejections: list[Rejection] = []
    for path in result.paths:
        for item in parse_file(path, path.name, path.name):
            if isinstance(item, ChannelDay):
                days.append(item)
            elif isinstance(item, Rejection):
                rejections.append(item)
    received = ChannelDayBatch.from_days(days, [1] * len(days))
    # Without configuration a day is due when the channel delivered days before and after it.
    spans: dict[tuple[str, str], list[ChannelDay]] = {}
    for day in days:
        spans.setdefault((day.supply_point_id, day.channel), []).append(day)
    expected = []
    for channel_days in spans.values():
        first_on = min(d.read_on for d in channel_days)
        last_on = max(d.read_on for d in channel_days)
        d = channel_days[0]
        for on in _days(result):
            if first_on <= on <= last_on:
                expected.append(
                    ExpectedDay(
                        d.supply_point_id, d.market, d.channel, on, d.zone, d.interval_minutes,
                        d.direction, str(d.unit),
                    )
                )  # fmt: skip
    absent = ChannelDayBatch.absent(absent_days(expected, received))
    batch = ChannelDayBatch.concat([received, absent]) if len(absent) else received
    return Checked(result, batch, validate_intervals(batch), rejections)


def _days(result: GenerationResult) -> list[date]:
    """The run's days: the arguments' range plus any forced clock-change days."""
    manifest = json.loads(result.manifest_path.read_text())
    start = date.fromisoformat(manifest["arguments"]["start_on"])
    days = [start + timedelta(days=k) for k in range(manifest["arguments"]["days"])]
    return sorted(set(days) | set(result.clock_change_days))


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def clean(case: str, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    return _check(tmp_path_factory.mktemp(f"clean-{case}"), CASES[case], None)


@pytest.fixture(scope="module")
def dirty(case: str, tmp_path_factory: pytest.TempPathFactory) -> Checked:
    return _check(tmp_path_factory.mktemp(f"dirty-{case}"), CASES[case], RATES)


def test_thresholds_are_the_shipped_parameters() -> None:
    params = shipped_parameters()
    on = date(2024, 1, 1)
    for market in ("GB", "AU"):

        def value(rule: str, name: str, market: str = market) -> Any:
            return params.value(rule, name, market, on)

        assert Fraction(str(value("C10", "tolerance"))) == truth.C10_TOLERANCE
        assert Fraction(str(value("C10", "base_floor_kw"))) == truth.C10_BASE_FLOOR_KW
        assert value("C7", "interval_days") == truth.C7_INTERVAL_DAYS
        assert list(value("C7", "directions")) == ["import"]
        assert value("C9", "window_days") == truth.C9_WINDOW_DAYS
        assert value("C21", "interval_days") == truth.C21_INTERVAL_DAYS
        gap = params_for(market).max_linear_gap
        assert gap == timedelta(minutes=truth.MAX_LINEAR_GAP_MINUTES)


def test_clean_data_raises_nothing_under_any_rule(clean: Checked) -> None:
    assert clean.rejections == []
    assert len(clean.batch) == clean.result.channel_days
    assert [str(i) for i in clean.findings.issues] == []
    assert clean.findings.billable().all()


def test_clean_days_keep_well_clear_of_the_spike_tolerance(clean: Checked) -> None:
    batch = clean.batch
    limit = truth.C10_TOLERANCE * truth.CLEAN_RATIO_OF_TOLERANCE
    for row in range(len(batch)):
        n, minutes = int(batch.n_intervals[row]), int(batch.interval_minutes[row])
        milli = [int(v) // 1000 for v in batch.values[row, :n]]
        assert truth.spike_ratio(milli, minutes) <= limit


def test_each_defect_is_found_exactly_once_by_its_rule_and_nothing_else(dirty: Checked) -> None:
    defects = dirty.result.defects
    assert {d.kind for d in defects} == set(ALL_DEFECT_KINDS)
    by_day = {(d.supply_point_id, d.channel, d.read_on): d for d in defects}
    assert len(by_day) == len(defects)  # one defect per channel-day
    expected: Counter[tuple[Any, ...]] = Counter(
        (d.rule, d.supply_point_id, d.channel, d.read_on, d.first_interval, d.last_interval)
        for d in defects
        if d.rule is not None
    )
    found: Counter[tuple[Any, ...]] = Counter(
        (i.rule, i.supply_point_id, i.channel, i.read_on, i.first_interval, i.last_interval)
        for i in dirty.findings.issues
    )
    assert found - expected == Counter(), "issues the manifest does not list"
    assert expected - found == Counter(), "defects no rule found"
    assert max(found.values()) == 1


def test_malformed_records_are_rejected_at_their_line(dirty: Checked) -> None:
    malformed = Counter((d.file, d.line) for d in dirty.result.defects if d.kind == "malformed")
    rejected = Counter((r.source.file_id, r.source.line) for r in dirty.rejections)
    assert rejected == malformed and malformed


def test_short_gaps_are_interpolable_and_long_ones_are_not(dirty: Checked) -> None:
    gaps = [d for d in dirty.result.defects if d.kind == "interval_gaps"]
    assert {d.detail["variant"] for d in gaps} == {"short", "long"}
    for gap in gaps:
        assert gap.first_interval is not None and gap.last_interval is not None
        minutes = (gap.last_interval - gap.first_interval + 1) * _minutes(dirty)
        short = gap.detail["variant"] == "short"
        assert (minutes <= truth.MAX_LINEAR_GAP_MINUTES) == short
        assert gap.outcome == ("estimable" if short else "exception")
        assert gap.first_interval >= 1  # an actual value on both sides
        row = _row(dirty.batch, gap)
        assert gap.last_interval + 1 < int(dirty.batch.n_intervals[row])


def test_zero_runs_are_c7_days_long_on_import_and_end_on_the_flagged_day(dirty: Checked) -> None:
    runs = [d for d in dirty.result.defects if d.kind == "zero_runs"]
    assert runs
    batch = dirty.batch
    for run in runs:
        first_on = date.fromisoformat(run.detail["first_day"])
        assert run.read_on - first_on == timedelta(days=truth.C7_INTERVAL_DAYS - 1)
        rows = [
            r
            for r in range(len(batch))
            if (batch.supply_point_id[r], batch.channel[r]) == (run.supply_point_id, run.channel)
            and first_on <= batch.read_on[r].astype(date) <= run.read_on
        ]
        assert len(rows) == truth.C7_INTERVAL_DAYS
        assert all(batch.direction[r] == str(Direction.IMPORT) for r in rows)
        assert not batch.values[rows].any()


def _minutes(checked: Checked) -> int:
    return int(checked.batch.interval_minutes[0])


def _row(batch: ChannelDayBatch, defect: Any) -> int:
    for row, source in enumerate(batch.source.tolist()):
        if (source.file_id, source.line) == (defect.file, defect.line):
            return row
    raise AssertionError(f"no row at {defect.file}:{defect.line}")


@pytest.mark.parametrize("minutes", [5, 15, 30])
def test_a_spike_is_the_days_highest_with_a_clear_ratio(minutes: int) -> None:
    """On any clean day (random values, then capped as every generated day is)."""
    rng = random.Random(minutes)
    low, high = (truth.C10_TOLERANCE * t for t in truth.SPIKE_RATIO_TIMES_TOLERANCE)
    for _ in range(300):
        values = [rng.randint(0, 3000) * minutes // 30 for _ in range(1440 // minutes)]
        clear_of_spikes(values, minutes)
        k = rng.randrange(len(values))
        spiked = list(values)
        spiked[k] = spike_value(values, k, rng, minutes)
        assert spiked[k] == max(spiked) and spiked.count(spiked[k]) == 1
        assert low <= truth.spike_ratio(spiked, minutes) <= high + 1  # + 1: rounding up a milli


def test_expectations_cover_every_kind_and_name_a_documented_outcome() -> None:
    for kind in ALL_DEFECT_KINDS:
        variant = {"duplicates": "exact", "interval_gaps": "short"}.get(kind)
        rule, outcome = truth.expectation(kind, variant)
        assert outcome in truth.OUTCOMES
        assert rule is None or rule.startswith("C")
    assert truth.expectation("duplicates", "exact") == (None, "absorbed")
    assert truth.expectation("interval_gaps", "short") == ("C2", "estimable")
