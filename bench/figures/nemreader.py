"""Figure 2: our NEM12 parser against the ``nemreader`` package, on the same file, side by side.

Ours: ``parse_file`` consuming every ``ChannelDay`` (exact ``Decimal`` values, flags, source
references). nemreader: ``NEMFile(path).nem_data()``, which reads the whole file into memory and
builds one ``Reading`` (float value, start/end datetimes) per interval; every reading is counted.
Both must see the same number of values.
"""

from __future__ import annotations

import time
from importlib import metadata
from typing import Any

from bench.context import MEASURED, Context, Row

FIGURE = "2"


def nemreader_task(path: str) -> dict[str, Any]:
    import nemreader

    started = time.perf_counter()
    data = nemreader.NEMFile(path).nem_data()
    values = sum(
        len(readings) for channels in data.readings.values() for readings in channels.values()
    )
    return {"seconds": time.perf_counter() - started, "values": values}


def measure(ctx: Context) -> None:
    ctx.guarded(FIGURE, "NEM12 parser vs nemreader", "x", lambda: _measure(ctx))


def _measure(ctx: Context) -> None:
    dataset = ctx.data.synth_values("nem12", ctx.sizes.nemreader_values)
    ctx.log(f"ours vs nemreader, interleaved: {dataset.describe()}")
    ours, theirs = ctx.interleave(
        [
            ("figures.parse:parse_task", {"path": str(dataset.path), "fmt": "nem12"}),
            ("figures.nemreader:nemreader_task", {"path": str(dataset.path)}),
        ]
    )
    values = ours.first["values"]
    note = ""
    if theirs.first["values"] != values or values != dataset.values:
        note = (
            f"value counts differ: file {dataset.values:,}, ours {values:,}, "
            f"nemreader {theirs.first['values']:,}"
        )
        ctx.findings.append(f"figure 2: {note}")
    speedup = theirs.median_seconds / ours.median_seconds
    rows = (
        ("meter2cash NEM12 parser", ours),
        (f"nemreader {metadata.version('nemreader')} NEMFile.nem_data()", theirs),
    )
    for what, series in rows:
        ctx.add(
            Row(
                FIGURE,
                what,
                series.rate(values),
                "values/s",
                runs=len(series.samples),
                samples=[values / s for s in series.seconds],
                data=dataset.describe(),
                peak_rss_mib=series.median_rss_mib,
                cpu_share=series.median_cpu_share,
                other_cores=series.median_other_cores,
                note=note,
            )
        )
    ctx.add(
        Row(
            FIGURE,
            "ratio: meter2cash / nemreader throughput",
            speedup,
            "x",
            runs=len(ours.samples),
            samples=[t / o for o, t in zip(ours.seconds, theirs.seconds, strict=True)],
            data=dataset.describe(),
            note=f"peak RSS {ours.median_rss_mib:,.0f} MiB vs {theirs.median_rss_mib:,.0f} MiB",
            status=MEASURED,
        )
    )
