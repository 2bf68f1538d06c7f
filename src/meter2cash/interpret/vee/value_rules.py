"""Interval rules over the values themselves: C2 gaps, C3 conflicting duplicates, C4 negatives,
C10 spikes (market-rules.md §2.8). Whole-matrix numpy operations; no per-interval Python.
"""

from __future__ import annotations

import numpy as np

from meter2cash.domain.quantity import MICRO, format_micro
from meter2cash.domain.reads import Direction
from meter2cash.interpret.vee.arrays import group_ids, runs_2d
from meter2cash.interpret.vee.batch import NOT_RECEIVED, UNUSABLE
from meter2cash.interpret.vee.catalogue import C2, C3, C4, C10
from meter2cash.interpret.vee.findings import Finding, RuleInput

_UNIDIRECTIONAL = np.array([str(Direction.IMPORT), str(Direction.EXPORT)], dtype=object)


def missing_intervals(source: RuleInput) -> Finding:
    """C2: a slot where data is due (inside a configured span) holds no usable value (absent,
    NULL or MISSING) -> estimation needed. Skipped only where the channel is known to be
    unconfigured or de-energised all day ("energised, registered channel")."""
    batch, context = source.batch, source.context
    applies = (context.configured != 0) & (context.energised != 0)
    unusable = ~batch.present | np.isin(batch.quality, UNUSABLE)
    rows, first, last = runs_2d(context.expected & batch.slots & unusable & applies[:, None])
    details = tuple(
        "channel-day not received; estimation needed"
        if batch.source[r] is NOT_RECEIVED
        else f"{b - a + 1} interval(s) without a usable value; estimation needed"
        for r, a, b in zip(rows.tolist(), first.tolist(), last.tolist(), strict=True)
    )
    return Finding(C2, rows, first, last, details)


def conflicting_duplicates(source: RuleInput) -> Finding:
    """C3: the same (supply point, channel, day) twice in one delivery with different values ->
    the later rows are flagged over the range where they differ; the first is kept [T]. An exact
    repeat is no finding; across deliveries a difference is a correction (a new version)."""
    batch = source.batch
    delivered = np.flatnonzero(np.array([d is not None for d in batch.delivery], dtype=bool))
    if len(delivered) < 2:
        return Finding(C3, *(np.zeros(0, dtype=np.int64),) * 3)
    groups = group_ids(
        batch.supply_point_id[delivered],
        batch.channel[delivered],
        batch.read_on[delivered].astype(np.int64),
        batch.delivery[delivered],
    )
    order = np.lexsort((delivered, groups))
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = groups[order][1:] != groups[order][:-1]
    kept_of_group = delivered[order][starts]  # groups are dense and ascending
    kept = kept_of_group[groups]
    later = delivered[kept != delivered]
    kept = kept[kept != delivered]
    differs = (batch.values[later] != batch.values[kept]) | (
        batch.present[later] != batch.present[kept]
    )
    conflicting = differs.any(axis=1)
    rows, kept, differs = later[conflicting], kept[conflicting], differs[conflicting]
    first = differs.argmax(axis=1)
    last = batch.width - 1 - differs[:, ::-1].argmax(axis=1)
    details = tuple(
        f"same channel-day twice in one delivery with different values (first at "
        f"{batch.source[k]}); the first is kept"
        for k in kept.tolist()
    )
    return Finding(C3, rows, first.astype(np.int64), last.astype(np.int64), details)


def negative_values(source: RuleInput) -> Finding:
    """C4: a negative value on a unidirectional (import or export) channel."""
    batch = source.batch
    unidirectional = np.isin(batch.direction, _UNIDIRECTIONAL)
    flags = batch.present & (batch.values < 0) & unidirectional[:, None]
    rows, first, last = runs_2d(flags)
    details = tuple(
        f"negative {batch.unit[r]} on {batch.direction[r]} channel {batch.channel[r]}"
        for r in rows.tolist()
    )
    return Finding(C4, rows, first, last, details)


def spikes(source: RuleInput) -> Finding:
    """C10: the highest interval exceeds the third-highest by more than ``tolerance`` (ORCL
    D2-INTSPKCHK [V rule]). Per local day (ORCL's "24-hour chunk"). The base of the percentage
    is the third-highest [T] (ORCL does not state it), floored at ``base_floor_kw`` over the
    interval length [T] so that near-zero days (night, winter export) do not divide by ~0."""
    batch = source.batch
    if batch.width < 3:
        return Finding(C10, *(np.zeros(0, dtype=np.int64),) * 3)
    usable = batch.present & batch.slots & ~np.isin(batch.quality, UNUSABLE)
    lowest = np.iinfo(np.int64).min
    values = np.where(usable, batch.values, lowest)
    highest_at = values.argmax(axis=1)
    highest = values.max(axis=1)
    third = np.partition(values, batch.width - 3, axis=1)[:, batch.width - 3]
    tolerance = source.param(C10, "tolerance")
    floor = source.param(C10, "base_floor_kw") * batch.interval_minutes / 60 * MICRO
    base = np.maximum(third.astype(np.float64), floor)
    eligible = (usable.sum(axis=1) >= 3) & ~source.context.usage_exempt
    ratio = np.where(eligible, (highest - np.where(eligible, third, 0)) / base, 0.0)
    rows = np.flatnonzero(eligible & (ratio > tolerance))
    at = highest_at[rows].astype(np.int64)
    details = tuple(
        f"highest {format_micro(int(highest[r]))} exceeds the third-highest "
        f"{format_micro(int(third[r]))} by {ratio[r]:.0%} of the base (tolerance "
        f"{tolerance[r]:.0%})"
        for r in rows.tolist()
    )
    return Finding(C10, rows, at, at.copy(), details)
