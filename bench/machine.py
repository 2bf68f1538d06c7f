"""Where and on what a run was measured: machine, Python, package versions, git revision, date."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.measure import ROOT

_PACKAGES = ("meter2cash", "sqlalchemy", "psycopg", "msgspec", "pyarrow", "nemreader")


def _proc_field(path: str, key: str) -> str | None:
    try:
        for line in Path(path).read_text().splitlines():
            name, _, value = line.partition(":")
            if name.strip() == key:
                return value.strip()
    except OSError:
        return None
    return None


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


#: What a figure depends on: a change here, committed or not (new files too), makes the tree dirty.
_MEASURED_PATHS = ("src", "bench", "examples", "pyproject.toml")


def git_revision() -> str:
    """``git rev-parse --short HEAD``, plus ``-dirty`` when the code measured differs from it
    (uncommitted or untracked files under the product or the harness)."""
    revision = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("status", "--porcelain", "--", *_MEASURED_PATHS)
    return f"{revision}-dirty" if dirty else revision


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def describe(now: datetime | None = None) -> dict[str, Any]:
    mem_kib = _proc_field("/proc/meminfo", "MemTotal")
    ram_gib = round(int(mem_kib.split()[0]) / 1024**2, 1) if mem_kib else None
    return {
        "date_utc": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_revision": git_revision(),
        "cpu_model": _proc_field("/proc/cpuinfo", "model name")
        or platform.processor()
        or "unknown",
        "cores": os.cpu_count(),
        "ram_gib": ram_gib,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "kernel": platform.release(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "packages": {p: _version(p) for p in _PACKAGES},
    }
