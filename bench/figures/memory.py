"""Figure 6: peak RSS while parsing, and separately while converting, a large NEM12 file.

Peak RSS is the child process's own maximum resident set (``os.wait4``), interpreter and imports
included; the same task on a small file, and a child that only imports, show how much of it is
fixed cost and how much grows with the file. Streaming means the growth stays near zero. ``convert``
writes JSON lines to ``/dev/null`` (the output's own size is not the question).
"""

from __future__ import annotations

import time
from typing import Any

from bench.context import FAILED, MEASURED, Context, Row
from bench.datasets import Dataset
from bench.measure import Series, run_child

FIGURE = "6"
GOAL_MIB = 500


def imports_task() -> dict[str, Any]:
    started = time.perf_counter()
    import meter2cash.ingest.sources
    import meter2cash.service.convert  # noqa: F401

    return {"seconds": time.perf_counter() - started}


def convert_task(path: str) -> dict[str, Any]:
    from pathlib import Path

    from meter2cash.service.convert import convert

    with open("/dev/null", "w", encoding="utf-8") as sink:
        started = time.perf_counter()
        report = convert([Path(path)], sink, "jsonl", "nem12")
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "records": report.records, "rejections": len(report.rejections)}


def measure(ctx: Context) -> None:
    ctx.guarded(FIGURE, "memory", "MiB", lambda: _measure(ctx))


def _measure(ctx: Context) -> None:
    sizes = ctx.sizes
    small = ctx.data.synth_values("nem12", sizes.memory_small_values)
    parse_file = ctx.data.synth_values("nem12", sizes.memory_parse_values)
    convert_file = ctx.data.synth_values("nem12", sizes.memory_convert_values)
    timeout = sizes.timeout
    baseline = run_child("figures.memory:imports_task", timeout=timeout)
    ctx.log(f"memory: parse {parse_file.describe()}")
    large_parse, small_parse = ctx.interleave(
        [
            ("figures.parse:parse_task", {"path": str(parse_file.path), "fmt": "nem12"}),
            ("figures.parse:parse_task", {"path": str(small.path), "fmt": "nem12"}),
        ]
    )
    _row(
        ctx,
        "peak RSS parsing NEM12",
        (parse_file, small),
        (large_parse, small_parse),
        baseline.peak_rss_mib,
        large_parse.first["values"],
    )
    ctx.log(f"memory: convert {convert_file.describe()} (one run)")
    large_convert = Series(
        [run_child("figures.memory:convert_task", timeout=timeout, path=str(convert_file.path))]
    )
    small_convert = Series(
        [run_child("figures.memory:convert_task", timeout=timeout, path=str(small.path))]
    )
    _row(
        ctx,
        "peak RSS converting NEM12 (convert --to jsonl)",
        (convert_file, small),
        (large_convert, small_convert),
        baseline.peak_rss_mib,
        large_convert.first["records"],
    )


def _row(
    ctx: Context,
    what: str,
    datasets: tuple[Dataset, Dataset],
    series: tuple[Series, Series],
    imports_mib: float,
    count: int,
) -> None:
    (dataset, small_dataset), (large, small) = datasets, series
    growth = large.median_rss_mib - small.median_rss_mib
    status, problem = MEASURED, ""
    if count != dataset.values:
        status, problem = FAILED, f"processed {count:,} of {dataset.values:,} values; "
        ctx.findings.append(f"figure 6 ({what}): {problem}")
    ctx.add(
        Row(
            FIGURE,
            what,
            large.median_rss_mib,
            "MiB",
            runs=len(large.samples),
            samples=[s.peak_rss_mib for s in large.samples],
            data=dataset.describe(),
            goal=f"bounded, < {GOAL_MIB} MiB",
            note=(
                f"{problem}{growth:+,.1f} MiB over the same task on {small_dataset.megabytes:,.1f} MB"
                f" ({small.median_rss_mib:,.1f} MiB); interpreter + imports alone "
                f"{imports_mib:,.1f} MiB; {count / large.median_seconds:,.0f} values/s"
            ),
            status=status,
            peak_rss_mib=large.median_rss_mib,
            cpu_share=large.median_cpu_share,
            other_cores=large.median_other_cores,
            extra={"small_file_rss_mib": small.median_rss_mib, "imports_rss_mib": imports_mib},
        )
    )
