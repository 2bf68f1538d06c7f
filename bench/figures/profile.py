"""Figure 8: one profiled end-to-end run (cProfile, SQLite) and where its time goes.

Four views of the same profile: the cumulative time of each stage runner; self time summed by where
the code lives (each meter2cash package, SQLAlchemy, the sqlite3 driver, JSON, ...); the functions
with the most self time; and meter2cash's own functions by cumulative time (the hot paths). cProfile slows Python-heavy code more than C-heavy code, so
read the shares, not the absolute seconds.
"""

from __future__ import annotations

import pstats
from collections import defaultdict
from typing import Any

from bench.context import MEASURED, Context, Row
from bench.figures.chain import chain_arguments

FIGURE = "8"
TOP = 25
STAGES = {
    "ingest_file": "ingest (archive, parse, raw log)",
    "run_interpret": "interpret (versions, validation)",
    "run_determine": "determine (determinants)",
    "run_rate": "rate (bills)",
}
_BUCKETS = (
    ("/meter2cash/", None),  # refined to meter2cash.<package> below
    ("/sqlalchemy/", "SQLAlchemy"),
    ("/alembic/", "Alembic"),
    ("/psycopg/", "psycopg"),
    ("/msgspec/", "msgspec"),
    ("/json/", "json (stdlib)"),
    ("/sqlite3/", "sqlite3 (stdlib wrapper)"),
)


def _bucket(filename: str, name: str) -> str:
    if filename == "~":  # a built-in: name it by what it belongs to
        if "sqlite3" in name:
            return "sqlite3 driver (C)"
        if "decimal" in name.lower():
            return "decimal (C)"
        if "json" in name or "msgspec" in name:
            return "JSON encode/decode (C)"
        return "other built-ins"
    for marker, bucket in _BUCKETS:
        if marker in filename:
            if bucket is None:
                package = filename.split("/meter2cash/", 1)[1].split("/", 1)[0].removesuffix(".py")
                return f"meter2cash.{package}"
            return bucket
    if "/site-packages/" in filename:
        return "other third-party"
    return "Python stdlib"


def summarise(profiler: Any, top: int, seconds: float) -> dict[str, Any]:
    stats = pstats.Stats(profiler)
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in entries.values())
    rows = []
    buckets: dict[str, float] = defaultdict(float)
    stages: dict[str, float] = defaultdict(float)
    for (filename, line, name), (_cc, calls, self_time, cumulative, _callers) in entries.items():
        buckets[_bucket(filename, name)] += self_time
        if name in STAGES and "/meter2cash/service/" in filename:
            stages[STAGES[name]] += cumulative
        rows.append((self_time, cumulative, calls, _where(filename, line, name)))
    rows.sort(reverse=True)
    ours = sorted(
        ((c, s, n, w) for s, c, n, w in rows if w.startswith("meter2cash/")), reverse=True
    )
    return {
        "profiled_seconds": seconds,
        "self_seconds_total": total,
        "top_self": [
            {"function": where, "calls": calls, "self_s": round(s, 3), "cumulative_s": round(c, 3)}
            for s, c, calls, where in rows[:top]
        ],
        "top_cumulative_meter2cash": [
            {"function": where, "calls": calls, "self_s": round(s, 3), "cumulative_s": round(c, 3)}
            for c, s, calls, where in ours[:top]
        ],
        "by_package": sorted(
            ({"where": k, "self_s": round(v, 3), "share": v / total} for k, v in buckets.items()),
            key=lambda item: -item["self_s"],
        ),
        "stages": [
            {
                "stage": label,
                "cumulative_s": round(stages[label], 3),
                "share": stages[label] / seconds,
            }
            for label in STAGES.values()
        ],
    }


def _where(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name
    for marker in ("/site-packages/", "/src/", "/lib/python3"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({name})"


def measure(ctx: Context) -> None:
    ctx.guarded(FIGURE, "profile", "s", lambda: _measure(ctx))


def _measure(ctx: Context) -> None:
    from bench.measure import run_child

    sizes = ctx.sizes
    dataset = ctx.data.synth("nem12", sizes.profile_supply_points, sizes.chain_days)
    ctx.log(f"profiling end to end on SQLite: {dataset.describe()}")
    sample = run_child(
        "figures.chain:chain_task",
        timeout=sizes.timeout,
        profile_top=TOP,
        **chain_arguments(ctx, dataset),
    )
    ctx.profile = {"data": dataset.describe(), **sample.result["profile"]}
    ctx.add(
        Row(
            FIGURE,
            "profiled end to end, SQLite (cProfile on)",
            dataset.values / sample.seconds,
            "readings/s",
            runs=1,
            data=dataset.describe(),
            status=MEASURED,
            note="under cProfile: slower than figure 3; see 'Where the time goes'",
        )
    )
