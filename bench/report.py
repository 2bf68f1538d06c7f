"""Results out: one JSON file per run (plus ``latest.json``) and the generated part of
``docs/benchmarks.md``, which keeps everything outside its markers (the hand-written analysis)."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from typing import Any

DOC_TITLE = "# Benchmarks"
HAND_WRITTEN_HEADING = "## Where the time goes"


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if unit in {"x", "k"}:
        return f"{value:.2f}"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} M"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _loads(loads: list[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in loads)


def _busy(result: dict[str, Any]) -> str:
    """A warning when other work shared the machine: at the start, or during the figures."""
    others = [r["other_cores"] for r in result["rows"] if r.get("other_cores") is not None]
    during = max(0.0, statistics.median(others)) if others else 0.0
    if result["machine"]["load_average_at_start"][0] < 0.5 and during < 0.3:
        return ""
    return (
        " — **the machine was shared with other work (see the load average, and the median "
        f'"other CPU" of {during:.1f} cores during the figures): figures are lower, and noisier, '
        "than on an idle machine; compare runs by their ratios**"
    )


def markdown(result: dict[str, Any]) -> list[str]:
    machine, mode = result["machine"], result["mode"]
    packages = ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v)
    minutes, seconds = divmod(round(result["duration_seconds"]), 60)
    out = [
        f"### {mode.capitalize()} run: {machine['date_utc']}, revision `{machine['git_revision']}`",
        "",
        f"- Machine: {machine['cpu_model']}, {machine['cores']} cores, {machine['ram_gib']} GiB RAM; "
        f"{machine['python']}; Linux {machine['kernel']}; load average (1/5/15 min) at start "
        f"{_loads(machine['load_average_at_start'])}, at end {_loads(machine['load_average_at_end'])}"
        + _busy(result),
        f"- PostgreSQL: {result['postgresql']}",
        f"- Packages: {packages}",
        f"- Mode: {result['sizes_note']}. Took {minutes} min {seconds} s. "
        + (
            f"Raw results: `bench/results/{result['file_name']}`"
            if result["written"]
            else "Raw results: not written (smoke or partial run; `--out FILE` writes them)"
        ),
        "",
        "Each figure is the median of its runs, each run a fresh child process that times only the "
        'work; peak RSS is that process\'s own (interpreter and imports included). "Other CPU" is '
        "how many cores' worth of CPU everything else on the machine used during the run (median; "
        "a PostgreSQL server working for the run counts here): on 2 cores that share caches, "
        "anything above ~0.3 slows the figure.",
        "",
    ]
    rows = [
        [
            r["figure"],
            r["what"],
            number(r["value"], r["unit"]),
            r["unit"],
            r["runs"] or "-",
            "-" if r["peak_rss_mib"] is None else f"{r['peak_rss_mib']:,.0f} MiB",
            "-" if r.get("other_cores") is None else f"{max(0.0, r['other_cores']):.1f}",
            r["data"],
            r["goal"],
            r["status"] if r["status"] != "measured" else "",
            r["note"],
        ]
        for r in result["rows"]
        if r.get("in_table", True)
    ]
    out += _table(
        [
            "#",
            "what",
            "median",
            "unit",
            "runs",
            "peak RSS",
            "other CPU",
            "data",
            "goal",
            "status",
            "note",
        ],
        rows,
    )
    if result["fractions"]:
        out += ["", "#### Fraction of limit (figures 7, 9): the same data, the bare operation", ""]
        out += _table(
            ["figure", "value", "limit", "limit value", "fraction of limit"],
            [
                [
                    f["what"],
                    f"{number(f['figure_value'])} {f['unit']}",
                    f["limit_what"],
                    f"{number(f['limit_value'])} {f['unit']}",
                    f"{f['fraction']:.1%}",
                ]
                for f in result["fractions"]
            ],
        )
    out += _profile(result.get("profile") or {})
    if result["findings"]:
        out += ["", "#### Findings: what looked wrong in the product during this run", ""]
        out += [f"- {_cell(f)}" for f in result["findings"]]
    return out


def _profile(profile: dict[str, Any]) -> list[str]:
    if not profile:
        return []
    out = [
        "",
        f"#### Profile (figure 8): one end-to-end run on SQLite under cProfile, {profile['data']}",
        "",
        f"{profile['profiled_seconds']:.1f} s profiled. Stages (cumulative time):",
        "",
    ]
    out += _table(
        ["stage", "seconds", "share"],
        [[s["stage"], f"{s['cumulative_s']:.2f}", f"{s['share']:.0%}"] for s in profile["stages"]],
    )
    out += ["", "Self time by where the code lives:", ""]
    out += _table(
        ["where", "self seconds", "share"],
        [
            [b["where"], f"{b['self_s']:.2f}", f"{b['share']:.1%}"]
            for b in profile["by_package"][:14]
        ],
    )
    out += ["", "Top functions by self time:", ""]
    out += _functions(profile["top_self"])
    out += ["", "meter2cash's own functions by cumulative time (the hot paths):", ""]
    out += _functions(profile.get("top_cumulative_meter2cash", [])[:20])
    return out


def _functions(entries: list[dict[str, Any]]) -> list[str]:
    return _table(
        ["function", "calls", "self s", "cumulative s"],
        [
            [
                f"`{e['function']}`",
                f"{e['calls']:,}",
                f"{e['self_s']:.2f}",
                f"{e['cumulative_s']:.2f}",
            ]
            for e in entries
        ],
    )


def write_json(result: dict[str, Any], directory: Path, latest: bool) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / result["file_name"]
    text = json.dumps(result, indent=2, sort_keys=False) + "\n"
    path.write_text(text, encoding="utf-8")
    if latest:
        (directory / "latest.json").write_text(text, encoding="utf-8")
    return path


_TEMPLATE = f"""{DOC_TITLE}

How fast meter2cash is on one machine, measured by `make bench` (quick, under 10 minutes) and
`make bench-full` (larger data, about 1.5 hours) — `python -m bench [--full]`. The sections between
the `bench:` markers are generated by the harness (`bench/`, see `bench/README.md`); everything
else on this page is written by hand and kept when the harness runs. Raw results, one JSON file per
run: `bench/results/`.

Goals tracked (the current walking skeleton is far below them; these runs are the baseline for the
optimisation work): end to end >= 1,000,000 readings/s embedded and >= 500,000 readings/s on
PostgreSQL; 1,000,000 monthly bills rated in < 60 s; bounded memory (< 500 MB) whatever the file size.

<!-- bench:quick:begin -->
_No quick run yet: `make bench`._
<!-- bench:quick:end -->

<!-- bench:full:begin -->
_No full run yet: `make bench-full`._
<!-- bench:full:end -->

{HAND_WRITTEN_HEADING}

_Hand-written: read the profile above and say what dominates._
"""


def update_doc(path: Path, mode: str, block: list[str]) -> None:
    """Replace the ``mode`` block of the page (creating the page if needed), keep the rest."""
    text = path.read_text(encoding="utf-8") if path.exists() else _TEMPLATE
    begin, end = f"<!-- bench:{mode}:begin -->", f"<!-- bench:{mode}:end -->"
    generated = f"{begin}\n" + "\n".join(block) + f"\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: generated, text)
    else:
        text = text.replace(HAND_WRITTEN_HEADING, f"{generated}\n\n{HAND_WRITTEN_HEADING}", 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
