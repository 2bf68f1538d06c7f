"""Trailing history per row for the rules that look back: C7 zero run, C9 comparison window,
C21 estimation run.

History comes from channel-days, not from a separate store: :meth:`DailyHistory.from_batch` takes
the batch being validated and, optionally, the days *before* it (``before``: the latest versions of
the trailing window, loaded by the caller), and computes everything with sorted keys and
``searchsorted`` — one search per window day, no per-row Python. Where a day has several rows
(versions, duplicates) the highest version represents it, the first-delivered on a tie.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meter2cash.domain.reads import Quality
from meter2cash.interpret.vee.arrays import (
    BoolArray,
    IntArray,
    day_keys,
    group_ids,
    run_lengths,
)
from meter2cash.interpret.vee.batch import NOT_ACTUAL, UNUSABLE, ChannelDayBatch

_ACTUALISH = np.array([ord(Quality.ACTUAL.value), ord(Quality.UNKNOWN.value)], dtype=np.uint8)


@dataclass(frozen=True, eq=False)
class DaySummary:
    """One value per row: the day's total and what kind of day it is."""

    total: IntArray  # micro-units over present values
    complete: BoolArray  # every delivered slot has a usable value
    usable: BoolArray  # complete and no estimated/substituted value: fit for comparison (C9)
    zero: BoolArray  # complete and every value zero (C7)
    estimated: BoolArray  # values present, none of them actual (C21) [T]


def day_summaries(batch: ChannelDayBatch) -> DaySummary:
    slots = batch.slots
    unusable = np.isin(batch.quality, UNUSABLE)
    complete: BoolArray = np.asarray((~slots | (batch.present & ~unusable)).all(axis=1))
    not_actual = batch.present & np.isin(batch.quality, NOT_ACTUAL)
    actual = batch.present & np.isin(batch.quality, _ACTUALISH)
    estimated: BoolArray = np.asarray(not_actual.any(axis=1) & ~actual.any(axis=1))
    return DaySummary(
        total=np.where(batch.present, batch.values, 0).sum(axis=1),
        complete=complete,
        usable=complete & ~not_actual.any(axis=1),
        zero=complete & ~(batch.present & (batch.values != 0)).any(axis=1),
        estimated=estimated,
    )


@dataclass(frozen=True, eq=False)
class DailyHistory:
    """Per batch row: ``totals[:, j]`` and ``usable[:, j]`` describe the day ``j + 1`` days before
    the row's day (same supply point and channel); runs include the row's own day."""

    totals: IntArray  # (rows, window) micro-units, 0 where unknown
    usable: BoolArray  # (rows, window)
    zero_run: IntArray  # consecutive zero days ending with the row's day
    estimated_run: IntArray  # consecutive estimated days ending with the row's day

    @property
    def window(self) -> int:
        return int(self.totals.shape[1])

    @classmethod
    def from_batch(
        cls, batch: ChannelDayBatch, before: ChannelDayBatch | None = None, window: int = 28
    ) -> DailyHistory:
        combined = batch if before is None else ChannelDayBatch.concat([before, batch])
        offset = len(combined) - len(batch)
        summary = day_summaries(combined)
        keys = day_keys(
            group_ids(combined.supply_point_id, combined.channel),
            combined.read_on.astype(np.int64),
        )
        order = np.lexsort((np.arange(len(keys)), -combined.version, keys))
        first = np.ones(len(order), dtype=bool)
        first[1:] = keys[order][1:] != keys[order][:-1]
        rep = order[first]  # one row per (channel, day), ascending keys
        unique_keys = keys[rep]
        breaks = np.ones(len(rep), dtype=bool)
        breaks[1:] = np.diff(unique_keys) != 1  # new channel, or a day missing in between
        zero_runs = run_lengths(summary.zero[rep], breaks)
        estimated_runs = run_lengths(summary.estimated[rep], breaks)

        own = keys[offset:]
        position, found = _lookup(unique_keys, own - 1)
        previous_zero = np.where(found, zero_runs[position], 0)
        previous_estimated = np.where(found, estimated_runs[position], 0)
        totals = np.zeros((len(batch), window), dtype=np.int64)
        usable = np.zeros((len(batch), window), dtype=bool)
        for back in range(1, window + 1):  # one vectorised search per window day
            position, found = _lookup(unique_keys, own - back)
            source = rep[position]
            totals[:, back - 1] = np.where(found, summary.total[source], 0)
            usable[:, back - 1] = found & summary.usable[source]
        return cls(
            totals=totals,
            usable=usable,
            zero_run=np.where(summary.zero[offset:], 1 + previous_zero, 0),
            estimated_run=np.where(summary.estimated[offset:], 1 + previous_estimated, 0),
        )


def _lookup(sorted_keys: IntArray, targets: IntArray) -> tuple[IntArray, BoolArray]:
    position = np.searchsorted(sorted_keys, targets)
    clipped = np.minimum(position, max(len(sorted_keys) - 1, 0))
    if not len(sorted_keys):
        return clipped.astype(np.int64), np.zeros(len(targets), dtype=bool)
    return clipped.astype(np.int64), sorted_keys[clipped] == targets
