"""Interval rules that look beyond the day's values: C7 zero consumption, C9 high/low against
history, C12 clock tolerance, C21 prolonged estimation, C22 sibling completeness (§2.8).

History arrives as :class:`~meter2cash.interpret.vee.history.DailyHistory` columns, so each rule
is a handful of array comparisons. Every threshold is a parameter in force per row.
"""

from __future__ import annotations

import numpy as np

from meter2cash.domain.quantity import MICRO
from meter2cash.interpret.vee.arrays import object_array
from meter2cash.interpret.vee.catalogue import C7, C9, C12, C21, C22
from meter2cash.interpret.vee.findings import Finding, RuleInput


def zero_consumption(source: RuleInput) -> Finding:
    """C7: zero for at least ``interval_days`` consecutive days (the row's day included) on an
    energised channel (energisation unknown counts as energised), unless exempt (seasonal TPR,
    vacancy, remote disablement: CP0789, CP1417) or known de-energised. Every day of the run from
    the N-th on is flagged: each is a channel-day version an operator must look at."""
    batch, context, history = source.batch, source.context, source.history
    rows = np.flatnonzero(
        (history.zero_run >= source.param(C7, "interval_days"))
        & source.direction_in(C7)
        & (context.energised != 0)
        & (context.configured != 0)
        & ~context.zero_exempt
    )
    details = [f"zero for {history.zero_run[r]} consecutive days while energised" for r in rows]
    return Finding.whole_days(C7, batch, rows, details)


def high_low_usage(source: RuleInput) -> Finding:
    """C9: the day's usage against the mean daily usage (ADU) of the usable (complete, actual)
    days in the trailing ``window_days`` — outside ``[low, high]`` x ADU is an exception
    (ORCL High/Low, ITRON; thresholds [T]). Judged only on complete days, with at least
    ``min_days`` usable history days and an ADU of at least ``min_mean_kwh``. A zero day is C7's
    (which waits ``interval_days`` and knows the exemptions), not a "low" here [T]."""
    batch, history = source.batch, source.history
    window = source.param(C9, "window_days")
    in_window = np.arange(history.window)[None, :] < window[:, None]
    usable = history.usable & in_window
    days = usable.sum(axis=1)
    mean = np.where(usable, history.totals, 0).sum(axis=1) / np.maximum(days, 1)
    eligible = (
        source.summary.complete
        & (source.summary.total > 0)
        & (days >= source.param(C9, "min_days"))
        & (mean >= source.param(C9, "min_mean_kwh") * MICRO)
        & source.direction_in(C9)
        & ~source.context.usage_exempt
    )
    ratio = np.where(eligible, source.summary.total / np.where(eligible, mean, 1.0), 1.0)
    low, high = source.param(C9, "low"), source.param(C9, "high")
    rows = np.flatnonzero(eligible & ((ratio < low) | (ratio > high)))
    details = [
        f"day total is {ratio[r]:.0%} of the {days[r]}-day mean (allowed {low[r]:.0%}"
        f"-{high[r]:.0%})"
        for r in rows.tolist()
    ]
    return Finding.whole_days(C9, batch, rows, details)


def clock_tolerance(source: RuleInput) -> Finding:
    """C12: a clock synchronisation in the day found the meter off by more than
    ``tolerance_seconds``. Flag only: data is never shifted automatically (§2.8)."""
    offset = source.context.clock_offset_s
    tolerance = source.param(C12, "tolerance_seconds")
    rows = np.flatnonzero(np.isfinite(offset) & (offset > tolerance))
    details = [
        f"meter clock off by {offset[r]:g} s (tolerance {tolerance[r]:g} s); data not shifted"
        for r in rows.tolist()
    ]
    return Finding.whole_days(C12, source.batch, rows, details)


def prolonged_estimation(source: RuleInput) -> Finding:
    """C21: more than ``interval_days`` consecutive days without an actual value (a day counts
    as estimated when it has values and none is actual [T]) -> escalate."""
    run = source.history.estimated_run
    rows = np.flatnonzero(run > source.param(C21, "interval_days"))
    details = [f"estimated for {run[r]} consecutive days" for r in rows.tolist()]
    return Finding.whole_days(C21, source.batch, rows, details)


def sibling_completeness(source: RuleInput) -> Finding:
    """C22: every channel of the device due on the day (``context.siblings``) has a row with
    data in the batch; the rows that are present carry the finding (ORCL "Ensure IMD Exists for
    Sibling MCs"). One Python step per row that lists siblings, to expand the lists."""
    batch, siblings = source.batch, source.context.siblings
    listed = np.array([bool(s) for s in siblings.tolist()], dtype=bool)
    if not listed.any():
        return Finding.whole_days(C22, batch, np.zeros(0, dtype=np.int64), [])
    has_data = batch.present.any(axis=1)
    keys = batch.keys()
    received = set(keys[has_data].tolist())
    days = batch.read_on.astype(str)
    candidates = np.flatnonzero(has_data & listed)
    missing = object_array(
        [
            tuple(
                c
                for c in siblings[r]
                if f"{batch.supply_point_id[r]}|{c}|{days[r]}" not in received
            )
            for r in candidates.tolist()
        ]
    )
    has_missing = np.array([bool(m) for m in missing], dtype=bool)
    rows = candidates[has_missing]
    details = [
        f"sibling channel(s) {', '.join(m)} absent for the day" for m in missing[has_missing]
    ]
    return Finding.whole_days(C22, batch, rows, details)
