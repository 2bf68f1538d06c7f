"""Vectorised building blocks shared by the rules: runs, group ids, composite keys, run lengths.

Every rule turns a boolean matrix (rows x intervals) or vector into findings; these helpers do the
per-interval work in numpy so that no rule loops over intervals in Python.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]

#: Days in a composite key: enough for any day ordinal (days since 1970) in the next 2^33 years.
_DAY_BITS = 33


def runs_2d(flags: BoolArray) -> tuple[IntArray, IntArray, IntArray]:
    """Maximal runs of True in each row as ``(row, first, last)`` arrays, row-major order.

    One issue per contiguous run (market-rules §2.8 findings are ranges, not single intervals).
    """
    if flags.ndim != 2:
        raise ValueError("runs_2d expects a 2-D boolean matrix")
    n, width = flags.shape
    padded = np.zeros((n, width + 2), dtype=np.int8)
    padded[:, 1:-1] = flags
    step = np.diff(padded, axis=1)
    start_rows, start_cols = np.nonzero(step == 1)
    _, end_cols = np.nonzero(step == -1)
    return (
        start_rows.astype(np.int64),
        start_cols.astype(np.int64),
        (end_cols - 1).astype(np.int64),
    )


def group_ids(*columns: ObjectArray | IntArray) -> IntArray:
    """A dense integer id per distinct combination of the given columns (same length each)."""
    if not columns:
        raise ValueError("group_ids needs at least one column")
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ids = np.zeros(n, dtype=np.int64)
    for column in columns:
        codes = _codes(column)
        combined = ids * (int(codes.max()) + 1) + codes
        _, dense = np.unique(combined, return_inverse=True)  # re-densify: no overflow
        ids = dense.reshape(-1).astype(np.int64)
    return ids


def _codes(column: ObjectArray | IntArray) -> IntArray:
    """Integer codes, equal iff the values are equal. Object columns (strings, ``None``) are
    factorised with a dictionary — one hash per row, far cheaper than sorting Python objects."""
    if column.dtype != object:
        _, inverse = np.unique(column, return_inverse=True)
        return inverse.reshape(-1).astype(np.int64)
    seen: dict[object, int] = {}
    return np.fromiter(
        (seen.setdefault(v, len(seen)) for v in column.tolist()), dtype=np.int64, count=len(column)
    )


def day_keys(groups: IntArray, days: IntArray) -> IntArray:
    """One sortable int64 per (group, day ordinal): ``group << 33 | day``."""
    return (groups << _DAY_BITS) | (days + (1 << 31))


def run_lengths(flags: BoolArray, breaks: BoolArray) -> IntArray:
    """Length of the run of True ending at each position (0 where False).

    ``breaks[i]`` starts a new run at ``i`` (a new group, or a gap in the days) even when
    ``flags[i-1]`` is True. Vectorised with a running maximum of the last reset position.
    """
    idx = np.arange(len(flags), dtype=np.int64)
    reset = np.where(~flags, idx, np.where(breaks, idx - 1, -1))
    last = np.maximum.accumulate(reset) if len(reset) else reset
    return np.where(flags, idx - last, 0).astype(np.int64)


def forward_fill_index(mask: BoolArray, breaks: BoolArray) -> IntArray:
    """For each position, the latest position ``<=`` it where ``mask`` holds, not looking back
    past the latest break (``breaks[i]`` starts a new segment at ``i``); -1 where none."""
    idx = np.arange(len(mask), dtype=np.int64)
    if len(mask) == 0:
        return idx
    running = np.maximum.accumulate(np.where(mask, idx, -1))
    segment_start = np.maximum.accumulate(np.where(breaks, idx, 0))
    return np.where(running >= segment_start, running, -1).astype(np.int64)


def object_array(values: Sequence[object]) -> ObjectArray:
    """A 1-D object array that never turns tuples into a second dimension."""
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out
