"""Every injected defect is in the manifest exactly once, at the line and intervals where it is.

An independent checker compares a run with defects against the same run without them (defects draw
from their own random stream, so every other value is identical) and lists what differs; that list
must equal the manifest's.
"""

from __future__ import annotations

import itertools
import json
import re
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meter2cash.codec import from_builtins
from meter2cash.domain.reads import ChannelDay
from meter2cash.synth import ALL_DEFECT_KINDS, GenerationResult, generate

#: Zero runs need 21 ordinary days before them, so they get a higher rate to show up at all.
RATES = {kind: 0.04 for kind in ALL_DEFECT_KINDS} | {"zero_runs": 0.15}
Key = tuple[str, str, str]  # supply point, channel, ISO read_on
#: kind, file, line, key, first interval, last interval
Finding = tuple[str, str | None, int | None, Key, int | None, int | None]


@dataclass(frozen=True)
class Record:
    file: str
    line: int
    key: Key
    values: list[str]
    quality: str
    updated: str
    malformed: bool
    nulls: tuple[int, int] | None = None  # the intervals without a value, first..last


def _numeric(text: Any) -> bool:
    try:
        return isinstance(text, str) and Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _span(indices: list[int]) -> tuple[int, int] | None:
    return (indices[0], indices[-1]) if indices else None


def _nem12_records(path: Path) -> list[Record]:
    records: list[Record] = []
    nmi, suffix, per_day = "", "", 0
    for number, text in enumerate(path.read_text(encoding="ascii").splitlines(), 1):
        fields = text.split(",")
        if fields[0] == "200":
            nmi, suffix, per_day = fields[1], fields[4], 1440 // int(fields[8])
        if fields[0] == "400" and fields[3] == "N":  # the null intervals of the V day above
            last = records[-1]
            nulls = (int(fields[1]) - 1, int(fields[2]) - 1)
            assert last.quality == "V" and last.nulls is None
            records[-1] = Record(**{**last.__dict__, "nulls": nulls})
        if fields[0] != "300":
            continue
        on = fields[1]
        key = (nmi, suffix, f"{on[:4]}-{on[4:6]}-{on[6:]}")
        values, tail = fields[2:-5], fields[-5:]
        malformed = len(values) != per_day or not all(_numeric(v) for v in values)
        records.append(Record(path.name, number, key, values, tail[0], tail[3], malformed))
    return records


_JSON_KEY = re.compile(r'"supply_point_id":"(\d+)".*?"channel":"(\w+)".*?"read_on":"([\d-]+)"')


def _jsonl_records(path: Path) -> list[Record]:
    records = []
    for number, raw in enumerate(path.read_bytes().splitlines(), 1):
        try:
            payload = json.loads(raw)
        except ValueError:
            match = _JSON_KEY.match(raw.decode("ascii"), 1)
            assert match is not None
            records.append(Record(path.name, number, match.groups(), [], "", "", True))  # type: ignore[arg-type]
            continue
        key = (payload["supply_point_id"], payload["channel"], payload["read_on"])
        try:
            day = from_builtins(payload, ChannelDay)
        except msgspec.ValidationError:
            values = [str(v) for v in payload["values"]]
            records.append(Record(path.name, number, key, values, "", "", True))
            continue
        quality = "".join(sorted(set(day.qualities)))
        nulls = _span([k for k, v in enumerate(day.values) if v is None])
        values = ["0.000" if v is None else str(v) for v in day.values]
        if nulls:
            assert quality == "AN"
            quality = "V"
        records.append(Record(path.name, number, key, values, quality, "", False, nulls))
    return records


def _differing(these: list[str], those: list[str]) -> list[int]:
    return [k for k, (a, b) in enumerate(zip(these, those, strict=False)) if a != b]


def _records(result: GenerationResult, role: str) -> list[Record]:
    read = _nem12_records if result.files[0].name.endswith(".csv") else _jsonl_records
    return [r for f in result.files if f.role == role for r in read(f.path)]


def _find(clean: GenerationResult, dirty: GenerationResult) -> list[Finding]:
    truth = {r.key: r for r in _records(clean, "original")}
    assert len(truth) == clean.channel_days == dirty.channel_days
    received: dict[Key, list[Record]] = defaultdict(list)
    for record in _records(dirty, "original"):
        received[record.key].append(record)
    assert set(received) <= set(truth)
    found: list[Finding] = []
    zero_days: list[Record] = []
    for key, expected in truth.items():
        whole = (0, len(expected.values) - 1)
        if not received.get(key):
            found.append(("gaps", None, None, key, *whole))
            continue
        first, *again = received[key]
        where = (first.file, first.line, key)
        diff = _differing(first.values, expected.values)
        if first.malformed:
            found.append(("malformed", *where, *whole))
        elif first.quality == "V":
            assert first.nulls is not None
            assert set(diff) <= set(range(first.nulls[0], first.nulls[1] + 1))
            found.append(("interval_gaps", *where, *first.nulls))
        elif first.quality != "A":
            assert first.quality in {"E", "E52", "S", "S53"}
            found.append(("estimates", *where, *whole))
        elif diff and all(Decimal(v) == 0 for v in first.values):
            zero_days.append(first)
        elif diff:
            (k,) = diff
            new, old = Decimal(first.values[k]), Decimal(expected.values[k])
            if new < 0:
                found.append(("negatives", *where, k, k))
            else:
                assert new > old and new == max(Decimal(v) for v in first.values)
                found.append(("spikes", *where, k, k))
        assert len(again) <= 1
        for dup in again:
            differs = _differing(dup.values, first.values)
            assert len(differs) <= 1 and dup.quality == "A"
            span = (differs[0], differs[0]) if differs else (None, None)
            found.append(("duplicates", dup.file, dup.line, key, *span))
    found += _zero_runs(zero_days)
    for fix in _records(dirty, "corrections"):
        original = received[fix.key]
        assert [r.values for r in original] == [truth[fix.key].values]
        assert fix.values != truth[fix.key].values and fix.quality == "A"
        assert fix.updated > original[0].updated or fix.updated == original[0].updated == ""
        changed = _differing(fix.values, truth[fix.key].values)
        found.append(("late_corrections", fix.file, fix.line, fix.key, changed[0], changed[-1]))
    return found


def _zero_runs(days: list[Record]) -> list[Finding]:
    """Runs of seven consecutive all-zero days of one channel: one finding, on the seventh."""
    by_channel: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for day in days:
        by_channel[day.key[:2]].append(day)
    found: list[Finding] = []
    for run in by_channel.values():
        run.sort(key=lambda r: r.key[2])
        assert len(run) % 7 == 0
        for start in range(0, len(run), 7):
            seven = run[start : start + 7]
            first_on, last_on = (date.fromisoformat(r.key[2]) for r in (seven[0], seven[-1]))
            assert last_on - first_on == timedelta(days=6)
            last = seven[-1]
            found.append(("zero_runs", last.file, last.line, last.key, 0, len(last.values) - 1))
    return found


def _manifest_findings(result: GenerationResult) -> list[Finding]:
    manifest = json.loads(result.manifest_path.read_text(encoding="ascii"))
    return [
        (
            d["kind"],
            None if d["kind"] == "gaps" else d["file"],
            d["line"],
            (d["supply_point_id"], d["channel"], d["read_on"]),
            d["first_interval"],
            d["last_interval"],
        )
        for d in manifest["defects"]
    ]


def _pair(out: Path, rates: dict[str, float], **arguments: Any) -> tuple[GenerationResult, ...]:
    defaults: dict[str, Any] = {
        "supply_points": 8,
        "days": 12,
        "start_on": date(2024, 3, 25),
        "seed": 3,
        "export_share": 0.5,
    }
    clean = generate(out / "clean", **(defaults | arguments))
    dirty = generate(out / "dirty", defects=rates, **(defaults | arguments))
    return clean, dirty


@pytest.mark.parametrize(
    "arguments",
    [{"fmt": "nem12"}, {"fmt": "nem12", "interval_minutes": 5, "files": 3}, {"fmt": "m2c-jsonl"}],
    ids=["nem12", "nem12-5min-3files", "m2c-jsonl"],
)
def test_each_injected_defect_is_found_exactly_once_where_the_manifest_says(
    tmp_path: Path, arguments: dict[str, Any]
) -> None:
    clean, dirty = _pair(tmp_path, RATES, days=40, **arguments)
    found = _find(clean, dirty)
    assert Counter(found) == Counter(_manifest_findings(dirty))
    assert {f[0] for f in found} == set(ALL_DEFECT_KINDS)  # rates high enough for every kind
    assert dirty.defect_counts() == Counter(f[0] for f in found)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(["nem12", "m2c-jsonl"]),
    seed=st.integers(0, 2**32),
    rates=st.dictionaries(st.sampled_from(ALL_DEFECT_KINDS), st.floats(0.0, 0.11), max_size=9),
    days=st.sampled_from([6, 30]),
)
def test_manifest_matches_the_data_for_any_rates(
    fmt: str, seed: int, rates: dict[str, float], days: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        clean, dirty = _pair(Path(folder), rates, fmt=fmt, seed=seed, supply_points=3, days=days)
        assert Counter(_find(clean, dirty)) == Counter(_manifest_findings(dirty))


def test_zero_rates_inject_nothing_and_change_no_byte(tmp_path: Path) -> None:
    clean, dirty = _pair(tmp_path, {kind: 0.0 for kind in ALL_DEFECT_KINDS})
    assert dirty.defects == ()
    assert [f.role for f in dirty.files] == ["original"]
    assert [f.path.read_bytes() for f in dirty.files] == [f.path.read_bytes() for f in clean.files]
    assert json.loads(dirty.manifest_path.read_text())["defects"] == []
    assert {r.quality for r in _records(dirty, "original")} == {"A"}


def _by_line(result: GenerationResult) -> dict[tuple[str, int], Record]:
    records = _records(result, "original") + _records(result, "corrections")
    return {(r.file, r.line): r for r in records}


@pytest.mark.parametrize("fmt", ["nem12", "m2c-jsonl"])
def test_defect_details_describe_the_line(tmp_path: Path, fmt: str) -> None:
    clean, dirty = _pair(tmp_path, RATES, fmt=fmt, days=40)
    truth = {r.key: r for r in _records(clean, "original")}
    lines = _by_line(dirty)
    for defect in dirty.defects:
        detail, key = defect.detail, (defect.supply_point_id, defect.channel, str(defect.read_on))
        if defect.kind == "gaps":
            assert defect.line is None and detail["variant"] == "missing_channel_day"
            assert all(r.key != key for r in lines.values())
            continue
        assert defect.line is not None
        record = lines[(defect.file, defect.line)]
        assert record.key == key
        assert (defect.rule, defect.outcome) == _MEANT[defect.kind, detail.get("variant")]
        if defect.first_interval is not None:
            assert defect.last_interval is not None
            assert 0 <= defect.first_interval <= defect.last_interval < len(truth[key].values)
            assert _at(detail["interval_start_at"]) < _at(detail["interval_end_at"])
            span = _at(detail["interval_end_at"]) - _at(detail["interval_start_at"])
            assert span == (defect.last_interval - defect.first_interval + 1) * _step(dirty)
        if defect.kind in ("spikes", "negatives"):
            assert defect.interval is not None
            assert detail["original"] == truth[key].values[defect.interval]
            assert detail["value"] == record.values[defect.interval]
        if defect.kind == "spikes":
            assert Decimal(detail["c10_ratio"]) >= Decimal("4.5")  # 3 x C10's tolerance
        if defect.kind == "interval_gaps":
            assert record.quality == "V" and record.nulls == (
                defect.first_interval,
                defect.last_interval,
            )
        if defect.kind == "zero_runs":
            assert defect.channel in {"E1", "AI"} and set(record.values) == {"0.000"}
            first = lines[(defect.file, detail["first_line"])]
            assert first.key[2] == detail["first_day"] and set(first.values) == {"0.000"}
        if defect.kind == "negatives":
            assert Decimal(detail["value"]) < 0 and defect.channel in {"E1", "AI"}
        if defect.kind == "estimates":
            expected = detail["quality_method"] if fmt == "nem12" else detail["quality"]
            assert record.quality == expected
            assert (detail["quality"], detail["method"]) in {
                ("E", "PREVIOUS_READ"),
                ("S", "MANUAL_ADJ"),
            }
        if defect.kind == "malformed":
            assert record.malformed
            assert detail["variant"] in {"short", "long", "non_numeric", "truncated"}
            if detail["variant"] in {"short", "long"}:
                assert len(record.values) == detail["value_count"] != detail["expected"]
        if defect.kind == "duplicates":
            original = lines[(defect.file, detail["original_line"])]
            assert original.key == key and detail["original_line"] < defect.line
            if detail["variant"] == "exact":
                assert record.values == original.values and defect.first_interval is None
            else:
                assert defect.interval is not None
                assert record.values[defect.interval] == detail["value"]
                assert original.values[defect.interval] == detail["original"] != detail["value"]
        if defect.kind == "late_corrections":
            original = lines[(detail["original_file"], detail["original_line"])]
            assert original.key == key and original.values == truth[key].values
            changed = _differing(record.values, original.values)
            assert changed == detail["changed_intervals"]
    kinds = Counter(d.kind for d in dirty.defects)
    assert dict(kinds) == dirty.defect_counts() and set(kinds) == set(ALL_DEFECT_KINDS)


_MEANT: dict[tuple[str, str | None], tuple[str | None, str]] = {
    ("gaps", "missing_channel_day"): ("C2", "exception"),
    ("interval_gaps", "short"): ("C2", "estimable"),
    ("interval_gaps", "long"): ("C2", "exception"),
    **{("malformed", v): ("C2", "rejected") for v in ("short", "long", "non_numeric", "truncated")},
    ("spikes", None): ("C10", "exception"),
    ("negatives", None): ("C4", "exception"),
    ("zero_runs", None): ("C7", "exception"),
    ("duplicates", "conflicting"): ("C3", "exception"),
    ("duplicates", "exact"): (None, "absorbed"),
    ("late_corrections", None): (None, "new_version"),
    ("estimates", None): (None, "flagged"),
}


def _at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _step(result: GenerationResult) -> timedelta:
    manifest = json.loads(result.manifest_path.read_text(encoding="ascii"))
    return timedelta(minutes=manifest["arguments"]["interval_minutes"])


def test_late_corrections_come_in_a_later_file_that_sorts_last(tmp_path: Path) -> None:
    _, dirty = _pair(tmp_path, {"late_corrections": 0.2}, files=2)
    names = [f.name for f in dirty.files]
    assert names == ["nem12-00001.csv", "nem12-00002.csv", "nem12-00003-corrections.csv"]
    assert sorted(names) == names
    assert [f.role for f in dirty.files] == ["original", "original", "corrections"]
    original_header = dirty.files[0].path.read_text().splitlines()[0].split(",")
    corrections = dirty.files[2].path.read_text().splitlines()
    assert corrections[0].split(",")[2] > original_header[2]
    assert corrections[-1] == "900"
    assert {d.file for d in dirty.defects} == {"nem12-00003-corrections.csv"}
    assert dirty.files[2].records == len(dirty.defects) > 0


def test_negatives_only_touch_import_channels(tmp_path: Path) -> None:
    _, dirty = _pair(tmp_path, {"negatives": 1.0}, export_share=1.0)
    assert {d.channel for d in dirty.defects} == {"E1"}
    assert len(dirty.defects) == 8 * 12


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        ({"gremlins": 0.1}, "unknown defect kinds"),
        ({"gaps": -0.1}, "within"),
        ({"gaps": 0.6, "spikes": 0.6}, "sum to <= 1"),
    ],
)
def test_bad_rates_are_refused(tmp_path: Path, rates: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(tmp_path, supply_points=1, days=1, start_on=date(2024, 1, 1), seed=1,
                 defects=rates)  # fmt: skip
    assert not any(tmp_path.iterdir())


def test_zero_runs_are_seven_import_days_a_c9_window_apart(tmp_path: Path) -> None:
    _, dirty = _pair(tmp_path, {"zero_runs": 1.0}, days=90, export_share=1.0)
    runs = [d for d in dirty.defects if d.kind == "zero_runs"]
    assert runs and {d.channel for d in runs} == {"E1"}
    start_on = date(2024, 3, 25)
    for supply_point in {d.supply_point_id for d in runs}:
        spans = sorted(
            (date.fromisoformat(d.detail["first_day"]), d.read_on)
            for d in runs
            if d.supply_point_id == supply_point
        )
        assert len(spans) == 2  # days 21-27 and 56-62: a C9 window of ordinary days between
        for first, last in spans:
            assert last - first == timedelta(days=6) and first - start_on >= timedelta(days=21)
        for (_, earlier_last), (later_first, _) in itertools.pairwise(spans):
            assert later_first - earlier_last > timedelta(days=28)


def test_estimated_days_never_run_past_c21(tmp_path: Path) -> None:
    _, dirty = _pair(tmp_path, {"estimates": 1.0}, days=70, supply_points=2)
    for channel in {(d.supply_point_id, d.channel) for d in dirty.defects}:
        days = sorted(d.read_on for d in dirty.defects if (d.supply_point_id, d.channel) == channel)
        run = longest = 1
        for earlier, later in itertools.pairwise(days):
            run = run + 1 if later - earlier == timedelta(days=1) else 1
            longest = max(longest, run)
        assert longest == 30 and len(days) == 70 - 2  # every 31st day is left actual


def test_missing_days_sit_between_two_days_of_the_run(tmp_path: Path) -> None:
    _, dirty = _pair(tmp_path, {"gaps": 0.5, "malformed": 0.5}, days=5)
    assert dirty.defects
    assert {d.read_on for d in dirty.defects} <= {
        date(2024, 3, 26) + timedelta(days=k) for k in range(3)
    }
