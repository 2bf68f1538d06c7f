"""The rules over generated data: silent on clean data; each injected defect found exactly once,
by the rule meant for it (the synth manifest lists every defect with file, line and interval)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.domain.quantity import from_micro
from meter2cash.domain.reads import ChannelDay, Rejection
from meter2cash.domain.validation import ValidationIssue
from meter2cash.ingest.sources import parse_file
from meter2cash.interpret.vee import (
    ChannelDayBatch,
    ExpectedDay,
    IntervalFindings,
    absent_days,
    shipped_parameters,
    validate_intervals,
)
from meter2cash.synth import DEFECT_KINDS, GenerationResult, generate
from meter2cash.synth.defects import Defect

RATES = {kind: 0.02 for kind in DEFECT_KINDS}
#: Which rule is meant to find each defect kind (None: no rule should fire).
MEANT = {
    "spikes": "C10",
    "negatives": "C4",
    "duplicates": "C3",  # the "conflicting" variant; an exact repeat is absorbed
    "gaps": "C2",  # the channel-day was never written
    "malformed": "C2",  # rejected at ingest, so the day is absent
    "estimates": None,  # estimated data is valid data
    "late_corrections": None,  # a later delivery is a new version, not a duplicate
}
#: A rule that may *also* fire on a defect's day because the defect changed the day's total.
ALSO_TRUE = {"spikes": {"C9"}}

CASES = {
    "nem12-30": {"fmt": "nem12", "interval_minutes": 30, "supply_points": 40, "days": 60},
    "nem12-5": {"fmt": "nem12", "interval_minutes": 5, "supply_points": 12, "days": 45},
    "uk-jsonl-30": {
        "fmt": "m2c-jsonl",
        "interval_minutes": 30,
        "supply_points": 40,
        "days": 60,
        "include_clock_changes": True,
    },
}


@dataclass
class Run:
    result: GenerationResult
    batch: ChannelDayBatch
    findings: IntervalFindings
    rejections: list[Rejection]


def _run(out: Path, case: dict[str, object], defects: dict[str, float] | None) -> Run:
    result = generate(out, start_on=date(2024, 2, 20), seed=11, defects=defects, **case)  # type: ignore[arg-type]
    days: list[ChannelDay] = []
    rejections: list[Rejection] = []
    for path in result.paths:
        for item in parse_file(path, path.name, path.name):
            if isinstance(item, ChannelDay):
                days.append(item)
            elif isinstance(item, Rejection):
                rejections.append(item)
    received = ChannelDayBatch.from_days(days, [1] * len(days))
    on_days = sorted({d.read_on for d in days})
    channels = {(d.supply_point_id, d.channel): d for d in days}
    expected = [
        ExpectedDay(sp, d.market, ch, on, d.zone, d.interval_minutes, d.direction, str(d.unit))
        for (sp, ch), d in channels.items()
        for on in on_days
    ]
    absent = ChannelDayBatch.absent(absent_days(expected, received))
    batch = ChannelDayBatch.concat([received, absent]) if len(absent) else received
    return Run(result, batch, validate_intervals(batch), rejections)


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def clean(case: str, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp(f"clean-{case}"), CASES[case], None)


@pytest.fixture(scope="module")
def dirty(case: str, tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _run(tmp_path_factory.mktemp(f"dirty-{case}"), CASES[case], RATES)


def test_clean_generated_data_raises_nothing(clean: Run):
    assert clean.rejections == []
    assert len(clean.batch) == clean.result.channel_days
    assert clean.findings.issues == []
    assert clean.findings.billable().all()


def _key(issue: ValidationIssue) -> tuple[str, str, date]:
    return issue.supply_point_id, issue.channel, issue.read_on


def _spike_visible(batch: ChannelDayBatch, row: int, interval: int) -> bool:
    """C10's definition recomputed in ``Decimal`` from the row's values (not the numpy code)."""
    market, on = str(batch.market[row]), batch.read_on[row].astype(date)
    params = shipped_parameters()
    tolerance = Decimal(str(params.value("C10", "tolerance", market, on)))
    floor_kw = Decimal(str(params.value("C10", "base_floor_kw", market, on)))
    n = int(batch.n_intervals[row])
    values = [from_micro(int(v)) for v in batch.values[row, :n]]
    highest, _, third = sorted(values, reverse=True)[:3]
    base = max(third, floor_kw * int(batch.interval_minutes[row]) / 60)
    return values.index(highest) == interval and (highest - third) / base > tolerance


def _changed_intervals(defect: Defect) -> set[int]:
    if defect.kind == "late_corrections":
        return set(defect.detail["changed_intervals"])
    return set() if defect.interval is None else {defect.interval}


def test_each_injected_defect_is_found_exactly_once_by_its_rule(dirty: Run):
    batch, issues = dirty.batch, dirty.findings.issues
    row_at = {(s.file_id, s.line): r for r, s in enumerate(batch.source.tolist())}
    defect_at = {(d.supply_point_id, d.channel, d.read_on): d for d in dirty.result.defects}
    expected: list[tuple[object, ...]] = []
    invisible = 0
    for defect in dirty.result.defects:
        key = (defect.supply_point_id, defect.channel, defect.read_on)
        rule = MEANT[defect.kind]
        if defect.kind == "duplicates" and defect.detail["variant"] == "exact":
            rule = None
        if defect.kind == "malformed":  # rejected at ingest, with its line, exactly once
            lines = [r.source.line for r in dirty.rejections if r.source.file_id == defect.file]
            assert lines.count(defect.line) == 1
        if rule is None:
            continue
        if defect.kind in {"gaps", "malformed"}:
            expected.append((rule, *key, "whole day", 0))
        elif defect.kind == "spikes" and not _spike_visible(
            batch, row_at[(defect.file, defect.line)], defect.interval
        ):
            invisible += 1  # a spiked low value still below the day's peak: not C10's to see
        else:
            expected.append((rule, *key, defect.interval, defect.line))

    found, also = [], Counter()
    for issue in issues:
        defect = defect_at.get(_key(issue))
        assert defect is not None, f"issue on a channel-day without a defect: {issue}"
        if issue.rule in ALSO_TRUE.get(defect.kind, ()):
            also[(defect.kind, issue.rule)] += 1
            continue
        if issue.rule == "C10" and defect.kind != "spikes":
            # An altered value (conflicting duplicate, late correction) can itself be a spike by
            # C10's definition — on 5-minute data 0.02 -> 0.49 kWh is one. True, so allowed.
            row = row_at[(issue.source.file_id, issue.source.line)]
            assert issue.first_interval in _changed_intervals(defect)
            assert _spike_visible(batch, row, issue.first_interval)
            also[(defect.kind, "C10")] += 1
            continue
        whole = issue.rule == "C2" and issue.source.line == 0
        assert whole or issue.first_interval == issue.last_interval
        where = "whole day" if whole else issue.first_interval
        found.append((issue.rule, *_key(issue), where, issue.source.line))
    assert Counter(found) == Counter(expected)
    assert len(found) == len(set(found))  # exactly once each
    spikes = sum(d.kind == "spikes" for d in dirty.result.defects)
    assert invisible <= 0.1 * spikes
    print(f"found {Counter(f[0] for f in found)}; also true {dict(also)}; invisible {invisible}")
