"""One module per figure; each has ``measure(ctx)`` (parent side) and the ``*_task`` functions its
child processes run. ``ORDER`` is the order of the results table."""

from __future__ import annotations

ORDER = (
    ("parse", "1. ingest+parse per format"),
    ("nemreader", "2. NEM12 parser vs nemreader"),
    ("chain", "3. end-to-end throughput"),
    ("rating", "4. rating"),
    ("growth", "5. cost growth"),
    ("memory", "6. memory"),
    ("baselines", "7. baselines (fraction of limit)"),
    ("profile", "8. profile of the end-to-end hot path"),
    ("vee", "9. validation + estimation (VEE)"),
)
