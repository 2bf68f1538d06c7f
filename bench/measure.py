"""Run a task in a child process and measure it: its own timing and its own peak RSS.

Peak RSS is the child's ``VmHWM`` (see :mod:`bench.child` for why not ``ru_maxrss``); where
``/proc`` is missing it falls back to ``os.wait4``'s ``ru_maxrss`` of exactly that child, which
over-reports by whatever the parent held when it forked.
"""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.child import RESULT_MARKER

ROOT = Path(__file__).resolve().parent.parent
_POLL_SECONDS = 0.02


class ChildFailedError(Exception):
    """A task's process exited without a result: its message carries the end of its stderr."""


@dataclass(frozen=True)
class Sample:
    result: dict[str, Any]
    peak_rss_mib: float
    cpu_share: float
    other_cores: float | None
    wall_seconds: float  # the whole child, start-up included: for the log, never a figure

    @property
    def seconds(self) -> float:
        return float(self.result["seconds"])


@dataclass
class Series:
    """The samples of one measurement repeated ``len(samples)`` times."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_rss_mib(self) -> float:
        return statistics.median(s.peak_rss_mib for s in self.samples)

    @property
    def median_cpu_share(self) -> float:
        return statistics.median(s.cpu_share for s in self.samples)

    @property
    def median_other_cores(self) -> float | None:
        values = [s.other_cores for s in self.samples if s.other_cores is not None]
        return statistics.median(values) if values else None

    @property
    def first(self) -> dict[str, Any]:
        return self.samples[0].result

    def rate(self, count: float) -> float:
        """``count`` per second at the median time."""
        return count / self.median_seconds


def _child_environment() -> dict[str, str]:
    # The product reads M2C_* at start-up; a developer's own settings must not leak into a figure.
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2C_")}
    env["PYTHONHASHSEED"] = "0"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_child(task: str, *, timeout: float, **arguments: Any) -> Sample:
    """Run ``bench.<task>`` (``"module:function"``) with ``arguments`` in a fresh interpreter."""
    command = [sys.executable, "-m", "bench.child", f"bench.{task}", json.dumps(arguments)]
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=err, env=_child_environment()
        )
        status, usage = _wait(process, timeout, task)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    lines = [ln for ln in stdout.splitlines() if ln.startswith(RESULT_MARKER)]
    code = os.waitstatus_to_exitcode(status)
    if code != 0 or not lines:
        tail = "\n".join(stderr.strip().splitlines()[-12:])
        raise ChildFailedError(f"{task} exited with {code}:\n{tail}")
    payload = json.loads(lines[-1].removeprefix(RESULT_MARKER))
    peak_kib = payload["vm_hwm_kib"] or usage.ru_maxrss  # both in KiB on Linux
    return Sample(
        payload["result"], peak_kib / 1024, payload["cpu_share"], payload["other_cores"], wall
    )


def _wait(process: subprocess.Popen[bytes], timeout: float, task: str) -> tuple[int, Any]:
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
            return status, usage
        if time.monotonic() > deadline:
            process.send_signal(signal.SIGKILL)
            os.wait4(process.pid, 0)
            process.returncode = -9
            raise ChildFailedError(f"{task} took longer than {timeout:.0f} s: killed")
        time.sleep(_POLL_SECONDS)


def repeat(
    runs: int,
    task: str,
    *,
    timeout: float,
    before: Callable[[], dict[str, Any]] | None = None,
    after: Callable[[dict[str, Any]], None] | None = None,
    **arguments: Any,
) -> Series:
    """``runs`` samples of one task. ``before`` supplies per-run arguments (a fresh database) and
    ``after`` releases them, whether the run succeeded or not."""
    series = Series()
    for _ in range(runs):
        extra = before() if before else {}
        try:
            series.samples.append(run_child(task, timeout=timeout, **arguments, **extra))
        finally:
            if after:
                after(extra)
    return series


def interleave(
    runs: int, tasks: Sequence[tuple[str, dict[str, Any]]], *, timeout: float
) -> list[Series]:
    """Run several tasks side by side, A B A B ...: drift on a shared machine hits both alike."""
    all_series = [Series() for _ in tasks]
    for _ in range(runs):
        for series, (task, arguments) in zip(all_series, tasks, strict=True):
            series.samples.append(run_child(task, timeout=timeout, **arguments))
    return all_series
