"""The child-process side of one measurement: run one task function, print its result as JSON.

Invoked by :func:`bench.measure.run_child` as ``python -m bench.child MODULE:FUNCTION '{json}'``.
The task times its own work (interpreter start-up and imports are not part of any figure) and
returns a JSON-able dict. The child adds its own peak RSS, ``VmHWM`` from ``/proc/self/status``:
the high-water mark of this process's memory since its ``exec``. (``ru_maxrss``, from
``getrusage`` or ``wait4``, would not do: Linux carries it across ``exec``, so every child would
report at least the RSS of the parent it was forked from.) And two signs of a shared machine,
over the whole task: its CPU share (CPU time / wall time; well below 1: it was kept waiting) and
``other_cores``, how many cores' worth of CPU everything else used meanwhile (``/proc/stat``:
other processes, and a database server working for the task). On 2 cores that share caches and
memory bandwidth, a busy neighbour slows a task even when its CPU share stays at 1.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time

#: Prefix of the result line on stdout: anything else a task or a library prints is ignored.
RESULT_MARKER = "@@bench-result@@ "


def peak_rss_kib() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def machine_busy_seconds() -> float | None:
    """CPU seconds all CPUs have spent not idle since boot (``/proc/stat``), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> int:
    target, raw_arguments = argv[1], argv[2]
    module_name, function_name = target.split(":")
    task = getattr(importlib.import_module(module_name), function_name)
    arguments = json.loads(raw_arguments)
    busy = machine_busy_seconds()
    wall, cpu = time.perf_counter(), time.process_time()
    result = task(**arguments)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    busy_after = machine_busy_seconds()
    others = None if busy is None or busy_after is None else (busy_after - busy - cpu) / wall
    payload = {
        "result": result,
        "vm_hwm_kib": peak_rss_kib(),
        "cpu_share": cpu / wall,
        "other_cores": others,
    }
    sys.stdout.write(RESULT_MARKER + json.dumps(payload) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
