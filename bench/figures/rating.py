"""Figure 4: monthly bills rated per second by ``rate_month`` on prebuilt determinants.

The determinants are what the determine stage hands the rate stage for a half-hourly supply point's
month: days of supply, monthly import and, for a quarter of them, monthly export, each naming the
31 channel-day versions behind it. A pool of distinct supply points is built before timing and
rated round-robin (``rate_month`` is pure, so reuse changes nothing); the GB demo tariff (flat,
5 % VAT) prices them. Storing bills is not part of this figure (it is in figure 3).
"""

from __future__ import annotations

import random
import time
from datetime import date
from typing import Any

from bench.context import FAILED, MEASURED, Context, Row

FIGURE = "4"
GOAL_BILLS, GOAL_SECONDS = 1_000_000, 60.0
POOL = 1_000
MONTH_ON = date(2024, 1, 1)
DAYS = 31


def _determinants(pool: int, seed: int) -> list[tuple[str, list[tuple[int, Any]]]]:
    from meter2cash.domain.billing import Determinant, DeterminantKind
    from meter2cash.domain.quantity import MICRO, Unit
    from meter2cash.synth.ids import SupplyPointIds

    ids = SupplyPointIds(seed)
    rng = random.Random(seed)
    sets = []
    for index in range(pool):
        supply_point = ids.mpan(index)
        lineage = tuple(range(index * DAYS, (index + 1) * DAYS))
        determinants = [
            (
                3 * index,
                Determinant(
                    supply_point,
                    "*",
                    DeterminantKind.MONTHLY_DAYS,
                    MONTH_ON,
                    DAYS * MICRO,
                    "day",
                    lineage,
                ),
            ),
            (
                3 * index + 1,
                Determinant(
                    supply_point,
                    "AI",
                    DeterminantKind.MONTHLY_IMPORT,
                    MONTH_ON,
                    rng.randint(50, 900) * MICRO + rng.randrange(MICRO),
                    Unit.KWH,
                    lineage,
                ),
            ),
        ]
        if index % 4 == 0:
            determinants.append(
                (
                    3 * index + 2,
                    Determinant(
                        supply_point,
                        "AE",
                        DeterminantKind.MONTHLY_EXPORT,
                        MONTH_ON,
                        rng.randrange(200 * MICRO),
                        Unit.KWH,
                        lineage,
                    ),
                ),
            )
        sets.append((supply_point, determinants))
    return sets


def rating_task(bills: int, tariffs_dir: str, pool: int = POOL, seed: int = 7) -> dict[str, Any]:
    from pathlib import Path

    from meter2cash.rate.flat import rate_month
    from meter2cash.rate.tariff_file import load_tariffs

    tariff = load_tariffs(Path(tariffs_dir))["GB"]
    sets = _determinants(pool, seed)
    rated = 0
    started = time.perf_counter()
    for number in range(bills):
        supply_point, determinants = sets[number % pool]
        if rate_month(supply_point, MONTH_ON, determinants, tariff) is not None:
            rated += 1
    seconds = time.perf_counter() - started
    sample = rate_month(sets[0][0], MONTH_ON, sets[0][1], tariff)
    assert sample is not None
    return {
        "seconds": seconds,
        "bills": rated,
        "sample_lines": len(sample.lines),
        "sample_total": str(sample.total),
        "lines_add_up": sum(line.amount for line in sample.lines) == sample.total,
    }


def measure(ctx: Context) -> None:
    ctx.guarded(FIGURE, "rating: rate_month", "bills/s", lambda: _measure(ctx))


def _measure(ctx: Context) -> None:
    bills = ctx.sizes.rating_bills
    ctx.log(f"rating {bills:,} bills")
    series = ctx.repeat("figures.rating:rating_task", bills=bills, tariffs_dir=ctx.tariffs_dir)
    result = series.first
    rate = series.rate(bills)
    projected = GOAL_BILLS / rate
    problem = ""
    if result["bills"] != bills or not result["lines_add_up"]:
        problem = f"rated {result['bills']:,} of {bills:,}; lines add up: {result['lines_add_up']}"
        ctx.findings.append(f"figure 4: {problem}")
    ctx.add(
        Row(
            FIGURE,
            "rating: monthly HH bills, rate_month",
            rate,
            "bills/s",
            runs=len(series.samples),
            samples=[bills / s for s in series.seconds],
            data=f"{bills:,} bills ({POOL:,} distinct supply points, 3-4 lines each)",
            goal=f"{GOAL_BILLS:,} bills in < {GOAL_SECONDS:.0f} s",
            note=problem or f"1,000,000 bills would take {projected:,.1f} s",
            status=FAILED if problem else MEASURED,
            peak_rss_mib=series.median_rss_mib,
            cpu_share=series.median_cpu_share,
            other_cores=series.median_other_cores,
            extra={"projected_seconds_for_goal": projected},
        )
    )
