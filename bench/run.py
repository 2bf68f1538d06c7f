"""Entry point: ``python -m bench [--full | --smoke] [--only FIGURES] [--runs N] [--keep-data]``.

Quick and full runs write ``bench/results/<date>-<mode>-<revision>.json`` and ``latest.json``
and regenerate their block of ``docs/benchmarks.md``. Smoke runs (every figure at a tiny size, for
CI) and partial runs (``--only``) write no file unless ``--out FILE``. All print the Markdown
table. Exit status 1 when any figure failed (a crash, or counts that do not add up).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import machine, report
from bench.context import FAILED, NOT_MEASURABLE, Context, Row
from bench.datasets import SEED, Datasets
from bench.figures import ORDER
from bench.measure import ROOT
from bench.pg import Server, server_url
from bench.sizes import MODES

RESULTS_DIR = ROOT / "bench" / "results"
DOC_PATH = ROOT / "docs" / "benchmarks.md"
NOT_YET = (
    ("streaming latency, receipt -> determinant, p50 / p99", "s"),
    ("scaling, 1 vs 2 workers", "x"),
)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="meter2cash benchmarks: quick by default (make bench), --full (make bench-full) "
        "or --smoke (CI). See bench/README.md.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--full", dest="mode", action="store_const", const="full", help="larger sizes"
    )
    mode.add_argument(
        "--smoke",
        dest="mode",
        action="store_const",
        const="smoke",
        help="every figure at a tiny size (< 60 s), for CI",
    )
    parser.set_defaults(mode="quick")
    names = [name for name, _ in ORDER]
    parser.add_argument("--only", help=f"comma-separated figures: {','.join(names)}")
    parser.add_argument("--runs", type=int, help="runs per figure (default: 3; smoke 1)")
    parser.add_argument("--workdir", type=Path, help="where data sets go (default: system temp)")
    parser.add_argument("--keep-data", action="store_true", help="keep the generated data sets")
    parser.add_argument("--out", type=Path, help="also write the JSON result here")
    args = parser.parse_args(argv)
    args.only = None if not args.only else [n.strip() for n in args.only.split(",")]
    unknown = set(args.only or ()) - set(names)
    if unknown:
        parser.error(f"unknown figure(s) {', '.join(sorted(unknown))}; known: {', '.join(names)}")
    return args


def _postgres() -> tuple[Server | None, str]:
    server = Server(server_url())
    try:
        version = server.check()
    except Exception as error:  # any driver error means: no PostgreSQL figures, say why
        reason = " ".join(str(error).split())[:200]
        return None, f"PostgreSQL not reachable ({type(error).__name__}: {reason}): skipped"
    return server, f"PostgreSQL {version}, a scratch database per run (created, then dropped)"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    sizes = MODES[args.mode]
    if args.runs:
        sizes = type(sizes)(**{**asdict(sizes), "runs": args.runs})
    started_at = datetime.now(UTC)
    facts = machine.describe(started_at)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="m2c-bench-", dir=args.workdir))
    pg, pg_note = _postgres()
    ctx = Context(sizes, Datasets(workdir), pg, pg_note, str(ROOT / "examples" / "tariffs"))
    ctx.log(f"meter2cash bench, {sizes.mode}, revision {facts['git_revision']}; data in {workdir}")
    ctx.log(pg_note)
    try:
        _run_figures(ctx, args.only)
    finally:
        if args.keep_data:
            ctx.log(f"data kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    result = _result(ctx, facts, sizes.note(), pg_note, time.monotonic() - ctx.started, args)
    _write(result, args)
    print("\n".join(report.markdown(result)))
    return 1 if any(r.status == FAILED for r in ctx.rows) else 0


def _run_figures(ctx: Context, only: list[str] | None) -> None:
    for name, title in ORDER:
        if only and name not in only:
            continue
        ctx.log(f"== {title}")
        try:
            importlib.import_module(f"bench.figures.{name}").measure(ctx)
        except Exception as error:  # a harness bug: report it, go on with the next figure
            traceback.print_exc()
            note = f"harness error: {type(error).__name__}: {error}"
            ctx.add(Row(title.split(".")[0], title, None, "", status=FAILED, note=note))
    if not only:
        for what, unit in NOT_YET:
            note = "needs the consumer-group workers (issue #6)"
            ctx.add(Row("-", what, None, unit, status=NOT_MEASURABLE, note=note))


def _result(
    ctx: Context,
    facts: dict[str, Any],
    note: str,
    pg_note: str,
    seconds: float,
    args: argparse.Namespace,
) -> dict[str, Any]:
    stamp = facts["date_utc"].replace(":", "").replace("-", "")
    suffix = "-partial" if args.only else ""
    # At the end the bench itself counts in the load average: about 1 on top of everything else.
    facts["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return {
        "file_name": f"{stamp}-{ctx.sizes.mode}{suffix}-{facts['git_revision']}.json",
        "mode": ctx.sizes.mode,
        "sizes_note": note,
        "sizes": asdict(ctx.sizes),
        "seed": SEED,
        "only": args.only,
        "written": args.mode in {"quick", "full"} and not args.only,
        "machine": facts,
        "postgresql": pg_note,
        "duration_seconds": seconds,
        **ctx.to_json(),
    }


def _write(result: dict[str, Any], args: argparse.Namespace) -> None:
    if result["written"]:
        path = report.write_json(result, RESULTS_DIR, latest=True)
        report.update_doc(DOC_PATH, args.mode, report.markdown(result))
        print(
            f"wrote {path.relative_to(ROOT)}, bench/results/latest.json and docs/benchmarks.md",
            file=sys.stderr,
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
