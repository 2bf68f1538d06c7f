"""Figure 5: how end-to-end time grows with data size on SQLite (1x, 4x, 16x supply points).

The exponent is the slope of log(time) against log(size), least squares over the three medians:
1.0 is linear; above it, something costs more per reading as the store fills (an index that grows,
a query that scans, a batch that is re-read).
"""

from __future__ import annotations

import math

from bench.context import FAILED, MEASURED, Context, Row
from bench.figures.chain import chain_arguments, check

FIGURE = "5"
FACTORS = (1, 4, 16)


def fitted_exponent(sizes: list[float], seconds: list[float]) -> float:
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in seconds]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return covariance / sum((x - mean_x) ** 2 for x in xs)


def measure(ctx: Context) -> None:
    ctx.guarded(FIGURE, "cost growth", "s", lambda: _measure(ctx))


def _measure(ctx: Context) -> None:
    base = ctx.sizes.growth_base_supply_points
    days = ctx.sizes.chain_days
    readings: list[float] = []
    medians: list[float] = []
    problems = []
    for factor in FACTORS:
        dataset = ctx.data.synth("nem12", base * factor, days)
        ctx.log(f"growth {factor}x: {dataset.describe()}")
        series = ctx.repeat("figures.chain:chain_task", **chain_arguments(ctx, dataset))
        problem = check(ctx, f"figure {FIGURE} ({factor}x)", dataset, series.first)
        problems.append(problem)
        readings.append(dataset.values)
        medians.append(series.median_seconds)
        ctx.add(
            Row(
                FIGURE,
                f"end to end, SQLite, {factor}x",
                series.median_seconds,
                "s",
                runs=len(series.samples),
                samples=series.seconds,
                data=dataset.describe(),
                note=problem or f"{dataset.values / series.median_seconds:,.0f} readings/s",
                status=FAILED if problem else MEASURED,
                peak_rss_mib=series.median_rss_mib,
                cpu_share=series.median_cpu_share,
                other_cores=series.median_other_cores,
            )
        )
    exponent = fitted_exponent(readings, medians)
    verdict = (
        "linear" if 0.9 <= exponent <= 1.1 else ("sub-linear" if exponent < 0.9 else "super-linear")
    )
    ctx.add(
        Row(
            FIGURE,
            "cost growth exponent (time ~ size^k)",
            exponent,
            "k",
            runs=len(FACTORS),
            data=f"{base}, {4 * base} and {16 * base} supply points x {days} days",
            goal="1.0 (linear)",
            note=f"{verdict}; per-reading time at 16x / 1x = "
            f"{(medians[-1] / readings[-1]) / (medians[0] / readings[0]):.2f}; step exponents "
            + ", ".join(
                f"{FACTORS[i]}x->{FACTORS[i + 1]}x {fitted_exponent(readings[i : i + 2], medians[i : i + 2]):.2f}"
                for i in range(len(FACTORS) - 1)
            )
            + " (fixed start-up costs weigh most on the smallest run)",
            status=FAILED if any(problems) else MEASURED,
            extra={"readings": readings, "median_seconds": medians},
        )
    )
