"""Figure 1: ingest+parse throughput per format, and the parsing child's peak RSS.

A parse is ``parse_file`` consuming every item of one large file, as ingest does, without storing
anything. NEM12 and m2c-jsonl files come from the product's generator; the other formats are
written by ``bench/writers.py`` from the generator's values. NEM12 is ``parse_values`` values;
every other file is sized to parse in about ``parse_seconds`` (they run at very different speeds). Throughput counts interval values (``ChannelDay`` values the file delivered, not the
``MISSING`` padding of partial days) or, for register formats, register reads.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Any

from bench.context import FAILED, MEASURED, SKIPPED, Context, Row
from bench.datasets import Dataset

FIGURE = "1"


def parse_task(path: str, fmt: str, mapping: str | None = None) -> dict[str, Any]:
    from meter2cash.domain.reads import ChannelDay, IntervalRead, Quality, RegisterRead
    from meter2cash.ingest.sources import parse_file

    parser = None
    if mapping is not None:
        from meter2cash.service.formats import configured_parser

        parser = configured_parser(fmt, Path(mapping))
    missing = Quality.MISSING
    items = values = registers = rejections = 0
    first_rejections: list[str] = []
    source = Path(path)
    started = time.perf_counter()
    for item in parse_file(source, "bench", source.name, fmt, parser):
        items += 1
        if isinstance(item, ChannelDay):
            values += len(item.qualities) - item.qualities.count(missing)
        elif isinstance(item, IntervalRead):
            values += 1
        elif isinstance(item, RegisterRead):
            registers += 1
        else:
            rejections += 1
            if len(first_rejections) < 3:
                first_rejections.append(str(item))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "items": items,
        "values": values,
        "registers": registers,
        "rejections": rejections,
        "first_rejections": first_rejections,
    }


def parsed_count(result: dict[str, Any], unit: str) -> int:
    return int(result["registers"] if unit == "records" else result["values"])


def measure(ctx: Context) -> None:
    from meter2cash.ingest import FORMATS, format_names

    available = set(format_names())
    for fmt in FORMATS:
        what = f"parse {fmt.name}"
        if fmt.name not in available:
            ctx.add(
                Row(FIGURE, what, None, "values/s", note="parser not in this build", status=SKIPPED)
            )
            continue
        ctx.guarded(FIGURE, what, "values/s", partial(_measure_format, ctx, fmt.name))


def _measure_format(ctx: Context, fmt: str) -> None:
    try:
        dataset, mapping = _dataset(ctx, fmt)
    except LookupError as missing:
        ctx.add(Row(FIGURE, f"parse {fmt}", None, "values/s", note=str(missing), status=SKIPPED))
        return
    _measure_one(ctx, dataset, mapping)


def _dataset(ctx: Context, fmt: str) -> tuple[Dataset, str | None]:
    from bench import writers

    if fmt == "nem12":  # the reference: always parse_values, as figures 6 and 7 use it too
        return ctx.data.synth_values(fmt, ctx.sizes.parse_values), None
    if fmt == "m2c-jsonl":
        small = ctx.data.synth_values(fmt, writers.CHECK_VALUES, days=2)
        values = writers.source_values_for(ctx, small, small.values, None)
        return ctx.data.synth_values(fmt, values), None
    return writers.dataset_for(ctx, fmt)


def _measure_one(ctx: Context, dataset: Dataset, mapping: str | None) -> None:
    ctx.log(f"parsing {dataset.fmt}: {dataset.describe()}")
    series = ctx.repeat(
        "figures.parse:parse_task", path=str(dataset.path), fmt=dataset.fmt, mapping=mapping
    )
    result = series.first
    parsed = parsed_count(result, dataset.unit)
    status, note = MEASURED, ""
    if result["rejections"] or parsed != dataset.values:
        status = FAILED
        note = (
            f"expected {dataset.values:,} {dataset.unit} and no rejection, got {parsed:,} and "
            f"{result['rejections']:,} rejections: {'; '.join(result['first_rejections'])}"
        )
        ctx.findings.append(f"figure 1 (parse {dataset.fmt}): {note}")
    rate = series.rate(parsed)
    ctx.add(
        Row(
            FIGURE,
            f"parse {dataset.fmt}",
            rate,
            f"{dataset.unit}/s",
            runs=len(series.samples),
            samples=[parsed / s for s in series.seconds],
            data=dataset.describe(),
            note=note or f"{dataset.megabytes / series.median_seconds:,.1f} MB/s",
            status=status,
            peak_rss_mib=series.median_rss_mib,
            cpu_share=series.median_cpu_share,
            other_cores=series.median_other_cores,
        )
    )
    ctx.kept.setdefault("parse", {})[dataset.fmt] = (dataset, series)
