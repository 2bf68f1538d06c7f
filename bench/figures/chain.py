"""Figure 3: end-to-end throughput, files on disk -> stored consumption, determinants and bills.

One timed ``run_chain`` over freshly generated NEM12 files into an empty store: archive, parse,
raw log, interpretation (versions, validation), determinants, rating and bills — everything
``meter2cash ingest`` does except start-up. Each run gets a new store: a temporary data directory
(embedded SQLite) or a scratch PostgreSQL database, created before and dropped after. Schema
migration (``bootstrap``) is timed separately and not part of the figure.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.context import FAILED, MEASURED, SKIPPED, Context, Row
from bench.datasets import Dataset
from bench.measure import Series

FIGURE = "3"
RECEIVED_AT = datetime(2024, 2, 15, 6, 0, tzinfo=UTC)  # fixed: the same input, the same store
GOALS = {"SQLite": 1_000_000, "PostgreSQL": 500_000}


def chain_task(
    paths: list[str], tariffs_dir: str, database_url: str | None = None, profile_top: int = 0
) -> dict[str, Any]:
    from meter2cash.bootstrap import bootstrap
    from meter2cash.config import Settings
    from meter2cash.service.pipeline import run_chain

    with tempfile.TemporaryDirectory(prefix="m2c-bench-chain-") as scratch:
        settings = Settings(
            data_dir=Path(scratch) / "data",
            database_url=database_url,
            tariffs_dir=Path(tariffs_dir),
        )
        started = time.perf_counter()
        app = bootstrap(settings)
        bootstrap_seconds = time.perf_counter() - started
        try:
            tariffs = app.tariffs
            profiler = None
            if profile_top:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            started = time.perf_counter()
            report = run_chain(
                [Path(p) for p in paths], app.uow_factory, app.archive, tariffs, RECEIVED_AT
            )
            seconds = time.perf_counter() - started
            if profiler is not None:
                profiler.disable()
        finally:
            app.close()
    result: dict[str, Any] = {
        "seconds": seconds,
        "bootstrap_seconds": bootstrap_seconds,
        "files": len(report.files),
        "records": sum(f.records for f in report.files),
        "rejected": sum(f.rejected for f in report.files),
        "duplicates": sum(f.duplicates for f in report.files),
        "curated": report.curated,
        "months_recomputed": report.months_recomputed,
        "bills_issued": report.bills_issued,
    }
    if profiler is not None:
        from bench.figures.profile import summarise

        result["profile"] = summarise(profiler, profile_top, seconds)
    return result


def chain_arguments(ctx: Context, dataset: Dataset) -> dict[str, Any]:
    return {"paths": [str(p) for p in dataset.paths], "tariffs_dir": ctx.tariffs_dir}


def check(ctx: Context, where: str, dataset: Dataset, result: dict[str, Any]) -> str:
    """What does not add up in one run's counts ("" when all do): each is a product finding.

    Every channel-day must be recorded and curated, and every supply point billed once. A month
    may be recomputed more than once (its channel-days can straddle two determine batches): that
    is extra work, noted, not a wrong result.
    """
    expected = {
        "records": dataset.channel_days,
        "rejected": 0,
        "curated": dataset.channel_days,
        "bills_issued": dataset.supply_points,  # January only: one bill per supply point
    }
    wrong = [f"{k} {result[k]:,} (expected {v:,})" for k, v in expected.items() if result[k] != v]
    if result["months_recomputed"] < dataset.supply_points:
        wrong.append(
            f"months_recomputed {result['months_recomputed']:,} (< {dataset.supply_points:,})"
        )
    extra = result["months_recomputed"] - dataset.supply_points
    if extra > 0:
        note = (
            f"{where}: determine recomputed {result['months_recomputed']:,} (supply point, month) "
            f"pairs for {dataset.supply_points:,} ({extra:,} twice: their channel-days straddled a "
            "determine batch), over " + dataset.describe()
        )
        if note not in ctx.findings:
            ctx.findings.append(note)
    if wrong:
        problem = f"counts off over {dataset.describe()}: " + ", ".join(wrong)
        ctx.findings.append(f"{where}: {problem}")
        return problem
    return ""


def chain_row(
    ctx: Context, figure: str, what: str, dataset: Dataset, series: Series, goal: str = ""
) -> Row:
    problem = check(ctx, f"figure {figure} ({what})", dataset, series.first)
    boot = sorted(s.result["bootstrap_seconds"] for s in series.samples)[len(series.samples) // 2]
    note = problem or (
        f"{series.median_seconds:,.1f} s per run; schema set-up {boot:.2f} s (not counted)"
    )
    return ctx.add(
        Row(
            figure,
            what,
            series.rate(dataset.values),
            "readings/s",
            runs=len(series.samples),
            samples=[dataset.values / s for s in series.seconds],
            data=dataset.describe(),
            goal=goal,
            note=note,
            status=FAILED if problem else MEASURED,
            peak_rss_mib=series.median_rss_mib,
            cpu_share=series.median_cpu_share,
            other_cores=series.median_other_cores,
            extra={"median_seconds": series.median_seconds, "counts": series.first},
        )
    )


def measure(ctx: Context) -> None:
    sizes = ctx.sizes
    dataset = ctx.data.synth("nem12", sizes.chain_supply_points, sizes.chain_days)
    arguments = chain_arguments(ctx, dataset)
    scale = f"{sizes.mode} size: {dataset.describe()}"

    def embedded() -> None:
        ctx.log(f"end to end on SQLite: {dataset.describe()}")
        series = ctx.repeat("figures.chain:chain_task", **arguments)
        goal = f">= {GOALS['SQLite']:,} readings/s"
        ctx.kept["chain_sqlite"] = chain_row(
            ctx, FIGURE, "end to end, embedded SQLite", dataset, series, goal
        )
        ctx.kept["chain_sqlite"].data = scale

    def postgres() -> None:
        assert ctx.pg is not None
        ctx.log(f"end to end on PostgreSQL: {dataset.describe()}")
        pg = ctx.pg
        series = ctx.repeat(
            "figures.chain:chain_task",
            before=lambda: {"database_url": pg.create()},
            after=lambda extra: pg.drop(extra["database_url"]) if extra else None,
            **arguments,
        )
        goal = f">= {GOALS['PostgreSQL']:,} readings/s"
        ctx.kept["chain_pg"] = chain_row(
            ctx, FIGURE, "end to end, PostgreSQL", dataset, series, goal
        )
        ctx.kept["chain_pg"].data = scale

    ctx.guarded(FIGURE, "end to end, embedded SQLite", "readings/s", embedded)
    if ctx.pg is None:
        ctx.add(
            Row(
                FIGURE,
                "end to end, PostgreSQL",
                None,
                "readings/s",
                note=ctx.pg_note,
                status=SKIPPED,
            )
        )
    else:
        ctx.guarded(FIGURE, "end to end, PostgreSQL", "readings/s", postgres)
