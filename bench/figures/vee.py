"""Figure 9: validated + estimated intervals per second (VEE), and a bare numpy pass as the limit.

The data is the generator's NEM12 with defects (gaps inside days and whole missing days, spikes,
negatives, zero runs, duplicates, late corrections, estimated days). Outside the timing, the child
reads it into :class:`ChannelDayBatch` columns the way a store-backed caller would (micro-unit
integers, quality codes; no ``Decimal``), adds an all-missing row for every day a channel did not
deliver between its first and last day, and builds the per-channel index estimation needs. Then:

- **validation**: ``validate_intervals`` over the whole batch — every interval rule (C1-C23 that
  apply to intervals), the 28-day history included, no reference data;
- **estimation**: ``estimate_day`` for every channel-day with a C2 mask, the way the pipeline's
  estimation service feeds it (``service/estimation.py``): the market's parameters, like days
  from the same channel (billable, all actual) and the neighbouring days' edge values; building
  those ``DayValues`` is part of the timing (a caller has to);
- **limit**: one bare numpy pass over the same matrices — a missing/negative test, day totals and
  each day's three highest values (C2, C4, C9 and C10's raw arithmetic) — as "fraction of limit".

Validation alone and validation + estimation are reported over all intervals of the batch. The
issues found must be exactly the manifest's defects, counted by rule; otherwise the row fails and
"Findings" says so.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bench.context import FAILED, MEASURED, Context, Fraction, Row
from bench.measure import Series

FIGURE = "9"
#: Per channel-day; what a busy feed of real meters might carry (about 3 % of days need estimation).
DEFECTS = {
    "gaps": 0.005,
    "malformed": 0.002,
    "interval_gaps": 0.02,
    "spikes": 0.005,
    "negatives": 0.005,
    "zero_runs": 0.01,
    "duplicates": 0.005,
    "late_corrections": 0.01,
    "estimates": 0.01,
}
_NEM_OFFSET_S = 10 * 3600  # NEM market time: fixed UTC+10


def _nem12_columns(paths: list[str]) -> dict[str, Any]:
    """NEM12 300/400 records of synthetic files -> column lists (values in micro-units).

    A plain split, for the generator's files only: every value has three decimals; a V day's
    N intervals (400 records) have no value; a record that does not have the day's value count or
    a number in every field (the injected malformed ones) is skipped, like a parser rejection."""
    rows: dict[str, list[Any]] = defaultdict(list)
    nmi = suffix = ""
    per_day = 48
    for path in paths:
        with open(path, encoding="ascii") as handle:
            for line in handle:
                fields = line.rstrip("\n").split(",")
                if fields[0] == "200":
                    nmi, suffix, per_day = fields[1], fields[4], 1440 // int(fields[8])
                elif fields[0] == "300":
                    texts = fields[2:-5]
                    numbers = (t.removeprefix("-").replace(".", "").isdigit() for t in texts)
                    if len(texts) != per_day or not all(numbers):
                        continue
                    on = fields[1]
                    rows["supply_point_id"].append(nmi)
                    rows["channel"].append(suffix)
                    rows["read_on"].append(f"{on[:4]}-{on[4:6]}-{on[6:8]}")
                    rows["milli"].append(",".join(texts).replace(".", ""))
                    flag = fields[-5][0]  # A, E, S; V: per interval, from the 400 records
                    rows["quality"].append(("A" if flag == "V" else flag) * per_day)
                    rows["delivery"].append(Path(path).name)
                    rows["version"].append(2 if "corrections" in path else 1)
                    rows["minutes"].append(1440 // per_day)
                elif fields[0] == "400" and fields[3] == "N":
                    first, last = int(fields[1]) - 1, int(fields[2])
                    flags = rows["quality"][-1]
                    rows["quality"][-1] = flags[:first] + "N" * (last - first) + flags[last:]
    return rows


def _batch(paths: list[str]) -> Any:
    from meter2cash.domain.reads import Direction, SourceRef
    from meter2cash.interpret.vee import ChannelDayBatch, ExpectedDay, absent_days
    from meter2cash.interpret.vee.arrays import object_array

    rows = _nem12_columns(paths)
    (minutes,) = set(rows["minutes"])  # the generator writes one interval length per run
    n, width = len(rows["supply_point_id"]), 1440 // minutes
    values = np.zeros((n, width), dtype=np.int64)
    quality = np.zeros((n, width), dtype=np.uint8)
    for row, (milli, flags) in enumerate(zip(rows["milli"], rows["quality"], strict=True)):
        values[row] = np.array(milli.split(","), dtype=np.int64)
        quality[row] = np.frombuffer(flags.encode("ascii"), np.uint8)
    present = quality != ord("N")
    values = np.where(present, values * 1000, 0)  # milli-kWh -> micro-units
    read_on = np.array(rows["read_on"], dtype="datetime64[D]")
    direction = ["import" if c.startswith("E") else "export" for c in rows["channel"]]
    received = ChannelDayBatch(
        supply_point_id=object_array(rows["supply_point_id"]),
        market=object_array(["AU"] * n),
        channel=object_array(rows["channel"]),
        direction=object_array(direction),
        unit=object_array(["kWh"] * n),
        zone=object_array(["NEM"] * n),
        read_on=read_on,
        day_start_s=read_on.astype("datetime64[s]").astype(np.int64) - _NEM_OFFSET_S,
        interval_minutes=np.full(n, minutes, dtype=np.int64),
        n_intervals=np.full(n, width, dtype=np.int64),
        day_intervals=np.full(n, width, dtype=np.int64),
        values=values,
        present=present,
        quality=quality,
        version=np.array(rows["version"], dtype=np.int64),
        delivery=object_array(rows["delivery"]),
        meter_serial=object_array([None] * n),
        source=object_array([SourceRef(d, k + 1) for k, d in enumerate(rows["delivery"])]),
    )
    # Without configuration a day is due between a channel's first and last delivered day.
    spans: dict[tuple[str, str], list[date]] = {}
    for sp, ch, on in zip(rows["supply_point_id"], rows["channel"], rows["read_on"], strict=True):
        day = date.fromisoformat(on)
        first, last = spans.get((sp, ch), (day, day))
        spans[(sp, ch)] = [min(first, day), max(last, day)]
    expected = [
        ExpectedDay(sp, "AU", ch, first + timedelta(days=k), "NEM", minutes,
                    Direction.IMPORT if ch.startswith("E") else Direction.EXPORT, "kWh")
        for (sp, ch), (first, last) in spans.items()
        for k in range((last - first).days + 1)
    ]  # fmt: skip
    absent = ChannelDayBatch.absent(absent_days(expected, received))
    return ChannelDayBatch.concat([received, absent]) if len(absent) else received


class _Days:
    """``DayValues`` of batch rows, built on first use; each channel's rows by day; which rows
    may serve as like days (billable, every interval actual: one numpy pass, not per value)."""

    def __init__(self, batch: Any, billable: Any) -> None:
        from meter2cash.domain.reads import Quality

        self.batch = batch
        actual = batch.present & (batch.quality == ord(Quality.ACTUAL.value))
        self.like = billable & (actual | ~batch.slots).all(axis=1)
        self._quality = {ord(q.value): q for q in Quality}
        self._made: dict[int, Any] = {}
        self.latest: dict[tuple[str, str], dict[Any, int]] = defaultdict(dict)
        rows = np.arange(len(batch))
        order = np.lexsort(
            (rows, -batch.version, batch.read_on, batch.channel, batch.supply_point_id)
        )
        for row in order.tolist():  # a day's highest version, the first delivered on a tie
            key = (batch.supply_point_id[row], batch.channel[row])
            self.latest[key].setdefault(batch.read_on[row], row)

    def day(self, row: int) -> Any:
        made = self._made.get(row)
        if made is None:
            from meter2cash.interpret.estimate import DayValues

            b, n = self.batch, int(self.batch.n_intervals[row])
            present, values = b.present[row, :n].tolist(), b.values[row, :n].tolist()
            made = DayValues(
                read_on=b.read_on[row].astype(date),
                zone=b.zone[row],
                interval_minutes=int(b.interval_minutes[row]),
                values=tuple(v if p else None for v, p in zip(values, present, strict=True)),
                qualities=tuple(self._quality[q] for q in b.quality[row, :n].tolist()),
                methods=(None,) * n,
                reasons=(None,) * n,
            )
            self._made[row] = made
        return made


def _estimate(batch: Any, findings: Any) -> dict[str, int]:
    from meter2cash.interpret.estimate import EstimationContext, estimate_day, params_for

    mask = findings.mask(("C2",))
    rows = np.flatnonzero(mask.any(axis=1)).tolist()
    billable = findings.billable()
    days = _Days(batch, billable)
    estimated = unestimated = 0
    one_day = np.timedelta64(1, "D")
    for row in rows:
        n = int(batch.n_intervals[row])
        params = params_for(batch.market[row])
        channel = days.latest[(batch.supply_point_id[row], batch.channel[row])]
        on = batch.read_on[row]
        first, last = (np.datetime64(d) for d in params.like_day.window(on.astype(date)))
        history = [days.day(r) for d, r in channel.items() if first <= d <= last and days.like[r]]
        before, after = channel.get(on - one_day), channel.get(on + one_day)
        context = EstimationContext(
            before_day=_edge(days, before, -1, billable),
            after_day=_edge(days, after, 0, billable),
        )
        result = estimate_day(days.day(row), mask[row, :n].tolist(), context, history, None, params)
        estimated += len(result.estimated)
        unestimated += len(result.unestimated)
    return {"masked_days": len(rows), "estimated": estimated, "unestimated": unestimated}


def _edge(days: _Days, row: int | None, k: int, billable: Any) -> int | None:
    if row is None or not billable[row]:
        return None
    day = days.day(row)
    index = k % len(day.values)
    return day.values[index] if day.is_actual(index) else None


def _bare_numpy(batch: Any) -> float:
    """The raw arithmetic of the cheapest rules, once over the matrices: the machine's limit."""
    started = time.perf_counter()
    missing = (~batch.present).any(axis=1)
    negative = (batch.values < 0).any(axis=1)
    totals = np.where(batch.present, batch.values, 0).sum(axis=1)
    top = np.partition(batch.values, batch.width - 3, axis=1)[:, batch.width - 3 :]
    seconds = time.perf_counter() - started
    assert len(missing) == len(negative) == len(totals) == len(top)
    return float(seconds)


def vee_task(paths: list[str]) -> dict[str, Any]:
    from meter2cash.interpret.vee import validate_intervals

    started = time.perf_counter()
    batch = _batch(paths)
    build = time.perf_counter() - started
    intervals = int(batch.n_intervals.sum())
    validate_intervals(batch.take(np.arange(min(len(batch), 200))))  # warm-up: parameters, caches
    started = time.perf_counter()
    findings = validate_intervals(batch)
    validation = time.perf_counter() - started
    started = time.perf_counter()
    estimation = _estimate(batch, findings)
    estimation_seconds = time.perf_counter() - started
    by_rule: dict[str, int] = defaultdict(int)
    for issue in findings.issues:
        by_rule[issue.rule] += 1
    return {
        "seconds": validation,
        "estimation_seconds": estimation_seconds,
        "numpy_seconds": min(_bare_numpy(batch) for _ in range(3)),
        "build_seconds": build,
        "channel_days": len(batch),
        "intervals": intervals,
        "issues": len(findings.issues),
        "issues_by_rule": dict(sorted(by_rule.items())),
        **estimation,
    }


def measure(ctx: Context) -> None:
    ctx.guarded(FIGURE, "validated + estimated intervals", "intervals/s", lambda: _measure(ctx))


def _counts_problem(manifest: Path | None, result: dict[str, Any]) -> str:
    """The issues must be exactly the generator's defects, by rule (its manifest is the truth)."""
    if result["masked_days"] == 0 or result["estimated"] == 0:
        return "no channel-day needed estimation: the data set has no C2 gap"
    if manifest is None:
        return ""
    defects = json.loads(manifest.read_text(encoding="ascii"))["defects"]
    expected: dict[str, int] = defaultdict(int)
    for defect in defects:
        if defect["rule"] is not None:
            expected[defect["rule"]] += 1
    if dict(sorted(expected.items())) != result["issues_by_rule"]:
        return f"issues by rule {result['issues_by_rule']} != the manifest's {dict(expected)}"
    return ""


def _median(series: Series, *keys: str) -> float:
    return float(statistics.median(sum(s.result[k] for k in keys) for s in series.samples))


def _measure(ctx: Context) -> None:
    sizes = ctx.sizes
    dataset = ctx.data.synth("nem12", sizes.vee_supply_points, sizes.vee_days, defects=DEFECTS)
    ctx.log(f"VEE: validate + estimate {dataset.describe()}")
    series = ctx.repeat("figures.vee:vee_task", paths=[str(p) for p in dataset.paths])
    first = series.first
    intervals = first["intervals"]
    data = (
        f"{intervals:,} intervals ({first['channel_days']:,} channel-days, half-hourly NEM12 with "
        f"defects), {sizes.vee_supply_points:,} supply points x {sizes.vee_days} days"
    )
    problem = _counts_problem(dataset.manifest, first)
    if problem:
        ctx.findings.append(f"figure 9: {problem}")

    def row(what: str, seconds: list[float], note: str, extra: dict[str, Any]) -> Row:
        return Row(
            FIGURE,
            what,
            intervals / statistics.median(seconds),
            "intervals/s",
            runs=len(series.samples),
            samples=[intervals / s for s in seconds],
            data=data,
            note=problem or note,
            status=FAILED if problem else MEASURED,
            peak_rss_mib=series.median_rss_mib,
            cpu_share=series.median_cpu_share,
            other_cores=series.median_other_cores,
            extra=extra,
        )

    validation = [s.result["seconds"] for s in series.samples]
    both = [s.result["seconds"] + s.result["estimation_seconds"] for s in series.samples]
    per_day = first["masked_days"] / _median(series, "estimation_seconds")
    issues = ", ".join(f"{k} {v:,}" for k, v in first["issues_by_rule"].items())
    ctx.add(
        row(
            "VEE: validate_intervals, every interval rule",
            validation,
            f"{statistics.median(validation):.2f} s; {first['issues']:,} issues ({issues})",
            {"build_seconds": first["build_seconds"], "issues_by_rule": first["issues_by_rule"]},
        )
    )
    ctx.add(
        row(
            "VEE: validated + estimated (estimate_day on every C2 day)",
            both,
            f"{statistics.median(both):.2f} s; {first['masked_days']:,} days estimated, "
            f"{first['estimated']:,} intervals filled, {first['unestimated']:,} left open; "
            f"estimation alone {per_day:,.0f} days/s",
            {key: first[key] for key in ("masked_days", "estimated", "unestimated")},
        )
    )
    numpy_rate = intervals / _median(series, "numpy_seconds")
    ctx.add(
        Row(
            FIGURE,
            "bare numpy pass over the same matrices (missing, negative, totals, top 3)",
            numpy_rate,
            "intervals/s",
            runs=len(series.samples),
            samples=[intervals / s.result["numpy_seconds"] for s in series.samples],
            data=data,
            in_table=False,
        )
    )
    for what, seconds in (("VEE validation", validation), ("VEE validation + estimation", both)):
        rate = intervals / statistics.median(seconds)
        ctx.fractions.append(Fraction(what, rate, "bare numpy pass", numpy_rate, "intervals/s"))
