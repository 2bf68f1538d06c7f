"""Figure 7: what the machine can do with the same data, so each figure reads as a fraction of it.

- raw read of each parsed file: bytes/s in 1 MiB binary reads, and lines/s in a plain Python
  ``for line in file`` loop (the floor of any line parser written in Python);
- a bare PostgreSQL ``COPY ... (FORMAT BINARY)`` (psycopg ``write_row``) of the end-to-end run's
  readings, one row per half-hour, into an unindexed staging table;
- a bare SQLite ``executemany`` of the same rows into an unindexed table, in one transaction;
- a bare validation + aggregation of figure 2's NEM12 values with ``pyarrow.compute`` (non-null
  and non-negative filter, daily and monthly sums per supply point and channel).

Only the bare operation is timed; turning the file into rows or columns beforehand is not. Files
are read from the page cache (they were just written), as the parsers read them.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bench.context import SKIPPED, Context, Fraction, Row
from bench.measure import Series

FIGURE = "7"
_NEM_TIME = timezone(timedelta(hours=10))  # NEM market time: fixed UTC+10


def raw_bytes_task(path: str) -> dict[str, Any]:
    total = 0
    started = time.perf_counter()
    with open(path, "rb", buffering=0) as handle:
        while chunk := handle.read(1 << 20):
            total += len(chunk)
    return {"seconds": time.perf_counter() - started, "bytes": total}


def raw_lines_task(path: str) -> dict[str, Any]:
    lines = 0
    started = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        for _line in handle:
            lines += 1
    return {"seconds": time.perf_counter() - started, "lines": lines}


def _nem12_days(path: str) -> Iterator[tuple[str, str, date, int, list[str]]]:
    """(NMI, suffix, day, interval minutes, value texts) of each 300 record: a plain split, for
    synthetic files only (no 400/500 records, every value with three decimals)."""
    nmi = suffix = ""
    minutes = 30
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split(",")
            if fields[0] == "200":
                nmi, suffix, minutes = fields[1], fields[4], int(fields[8])
            elif fields[0] == "300":
                on = fields[1]
                day = date(int(on[:4]), int(on[4:6]), int(on[6:8]))
                yield nmi, suffix, day, minutes, fields[2 : 2 + 1440 // minutes]


def _micro(text: str) -> int:
    whole, _, frac = text.partition(".")
    assert len(frac) == 3, text
    return int(whole + frac) * 1000


def _rows(path: str) -> list[tuple[str, str, datetime, int, str]]:
    rows = []
    for nmi, suffix, day, minutes, texts in _nem12_days(path):
        start = datetime(day.year, day.month, day.day, tzinfo=_NEM_TIME).astimezone(UTC)
        step = timedelta(minutes=minutes)
        rows.extend((nmi, suffix, start + k * step, _micro(t), "A") for k, t in enumerate(texts))
    return rows


_STAGING = (
    "CREATE TABLE staging (supply_point_id text, channel text, start_at {time}, "
    "energy_micro bigint, quality text)"
)


def copy_task(database_url: str, path: str) -> dict[str, Any]:
    import psycopg

    from bench.pg import libpq_url

    rows = _rows(path)
    with psycopg.connect(libpq_url(database_url)) as connection:
        connection.execute(_STAGING.format(time="timestamptz"))
        connection.commit()
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.copy("COPY staging FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types(["text", "text", "timestamptz", "int8", "text"])
            for row in rows:
                copy.write_row(row)
        connection.commit()
        seconds = time.perf_counter() - started
        stored = connection.execute("SELECT count(*) FROM staging").fetchone()
    return {"seconds": seconds, "rows": len(rows), "stored": stored[0] if stored else 0}


def sqlite_insert_task(path: str) -> dict[str, Any]:
    import sqlite3

    rows = [(a, b, c.isoformat(), d, e) for a, b, c, d, e in _rows(path)]
    with tempfile.TemporaryDirectory(prefix="m2c-bench-sqlite-") as scratch:
        connection = sqlite3.connect(Path(scratch) / "bare.db", isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(_STAGING.format(time="text"))
        started = time.perf_counter()
        connection.execute("BEGIN")
        connection.executemany("INSERT INTO staging VALUES (?, ?, ?, ?, ?)", rows)
        connection.execute("COMMIT")
        seconds = time.perf_counter() - started
        stored = connection.execute("SELECT count(*) FROM staging").fetchone()[0]
        connection.close()
    return {"seconds": seconds, "rows": len(rows), "stored": stored}


def arrow_task(path: str) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.compute as pc

    supply_points: dict[str, int] = {}
    columns: dict[str, list[int]] = {"sp": [], "channel": [], "day": [], "month": [], "value": []}
    for nmi, suffix, day, _minutes, texts in _nem12_days(path):
        n = len(texts)
        columns["sp"].extend([supply_points.setdefault(nmi, len(supply_points))] * n)
        columns["channel"].extend([0 if suffix.startswith("E") else 1] * n)
        columns["day"].extend([day.toordinal()] * n)
        columns["month"].extend([day.year * 12 + day.month] * n)
        columns["value"].extend(_micro(t) for t in texts)
    table = pa.table({name: pa.array(values, pa.int64()) for name, values in columns.items()})

    def aggregate(rows: pa.Table) -> tuple[pa.Table, pa.Table]:
        value = rows["value"]
        valid = rows.filter(pc.and_(pc.is_valid(value), pc.greater_equal(value, 0)))
        daily = valid.group_by(["sp", "channel", "day", "month"]).aggregate([("value", "sum")])
        return daily, daily.group_by(["sp", "channel", "month"]).aggregate([("value_sum", "sum")])

    aggregate(table.slice(0, 1_000))  # warm-up: kernels and thread pools start outside the timing
    started = time.perf_counter()
    daily, monthly = aggregate(table)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "values": table.num_rows,
        "daily_rows": daily.num_rows,
        "monthly_rows": monthly.num_rows,
    }


def measure(ctx: Context) -> None:
    ctx.guarded(FIGURE, "raw read", "MB/s", lambda: _raw_reads(ctx))
    ctx.guarded(FIGURE, "bare stores", "rows/s", lambda: _stores(ctx))
    ctx.guarded(FIGURE, "bare pyarrow aggregation", "values/s", lambda: _arrow(ctx))


def _raw_reads(ctx: Context) -> None:
    for fmt, (dataset, parse_series) in ctx.kept.get("parse", {}).items():
        raw_bytes, raw_lines = ctx.interleave(
            [
                ("figures.baselines:raw_bytes_task", {"path": str(dataset.path)}),
                ("figures.baselines:raw_lines_task", {"path": str(dataset.path)}),
            ]
        )
        megabytes = dataset.megabytes
        bytes_rate = megabytes / raw_bytes.median_seconds
        lines_rate = megabytes / raw_lines.median_seconds
        lines = raw_lines.first["lines"]
        for what, rate, series, note in (
            (f"raw read, {fmt} file (1 MiB binary reads)", bytes_rate, raw_bytes, ""),
            (
                f"raw read, {fmt} file (Python line loop)",
                lines_rate,
                raw_lines,
                f"{lines / raw_lines.median_seconds:,.0f} lines/s",
            ),
        ):
            ctx.add(
                Row(
                    FIGURE,
                    what,
                    rate,
                    "MB/s",
                    runs=len(series.samples),
                    samples=[megabytes / s for s in series.seconds],
                    data=dataset.describe(),
                    note=note,
                    in_table=False,
                )
            )
        parse_rate = megabytes / parse_series.median_seconds
        line_loop = f"Python line loop ({lines / raw_lines.median_seconds / 1e6:,.1f} M lines/s)"
        ctx.fractions.append(
            Fraction(f"parse {fmt}", parse_rate, "raw binary read", bytes_rate, "MB/s")
        )
        ctx.fractions.append(Fraction(f"parse {fmt}", parse_rate, line_loop, lines_rate, "MB/s"))


def _stores(ctx: Context) -> None:
    sizes = ctx.sizes
    dataset = ctx.data.synth("nem12", sizes.chain_supply_points, sizes.chain_days)
    path = str(dataset.path)
    ctx.log(f"bare SQLite insert of {dataset.values:,} rows")
    sqlite = ctx.repeat("figures.baselines:sqlite_insert_task", path=path)
    _store_row(ctx, "bare SQLite executemany, unindexed table", sqlite, dataset.describe())
    _store_fraction(ctx, "chain_sqlite", "end to end, SQLite", "bare SQLite insert", sqlite)
    if ctx.pg is None:
        ctx.add(
            Row(
                FIGURE,
                "bare PostgreSQL COPY BINARY",
                None,
                "rows/s",
                note=ctx.pg_note,
                status=SKIPPED,
            )
        )
        return
    pg = ctx.pg
    ctx.log(f"bare PostgreSQL COPY of {dataset.values:,} rows")
    copy = ctx.repeat(
        "figures.baselines:copy_task",
        before=lambda: {"database_url": pg.create()},
        after=lambda extra: pg.drop(extra["database_url"]) if extra else None,
        path=path,
    )
    _store_row(ctx, "bare PostgreSQL COPY BINARY, unindexed table", copy, dataset.describe())
    _store_fraction(ctx, "chain_pg", "end to end, PostgreSQL", "bare PostgreSQL COPY", copy)


def _store_row(ctx: Context, what: str, series: Series, data: str) -> None:
    rows = series.first["rows"]
    note = (
        "" if series.first["stored"] == rows else f"stored {series.first['stored']:,} of {rows:,}"
    )
    ctx.add(
        Row(
            FIGURE,
            what,
            series.rate(rows),
            "rows/s",
            runs=len(series.samples),
            samples=[rows / s for s in series.seconds],
            data=f"{rows:,} rows ({data})",
            note=note,
            peak_rss_mib=series.median_rss_mib,
            cpu_share=series.median_cpu_share,
            other_cores=series.median_other_cores,
        )
    )
    ctx.kept[what] = series.rate(rows)


def _store_fraction(ctx: Context, key: str, what: str, limit: str, series: Series) -> None:
    chain = ctx.kept.get(key)
    if chain is not None and chain.value:
        rows = series.first["rows"]
        ctx.fractions.append(Fraction(what, chain.value, limit, series.rate(rows), "readings/s"))


def _arrow(ctx: Context) -> None:
    dataset = ctx.data.synth_values("nem12", ctx.sizes.nemreader_values)
    ctx.log(f"bare pyarrow validation + aggregation: {dataset.describe()}")
    series = ctx.repeat("figures.baselines:arrow_task", path=str(dataset.path))
    values = series.first["values"]
    rate = series.rate(values)
    ctx.add(
        Row(
            FIGURE,
            "bare pyarrow.compute validation + daily/monthly sums",
            rate,
            "values/s",
            runs=len(series.samples),
            samples=[values / s for s in series.seconds],
            data=dataset.describe(),
            peak_rss_mib=series.median_rss_mib,
            cpu_share=series.median_cpu_share,
            other_cores=series.median_other_cores,
            note=f"{series.first['daily_rows']:,} channel-days, "
            f"{series.first['monthly_rows']:,} channel-months",
        )
    )
    for key, what in (
        ("chain_sqlite", "end to end, SQLite"),
        ("chain_pg", "end to end, PostgreSQL"),
    ):
        chain = ctx.kept.get(key)
        if chain is not None and chain.value:
            ctx.fractions.append(
                Fraction(what, chain.value, "bare pyarrow aggregation", rate, "readings/s")
            )
