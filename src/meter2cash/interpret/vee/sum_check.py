"""C11 sum check: the interval total over a register read period against the register advance.

HHDCs must compare HH data with physical meter reads (BSCP502 §4.0 via CP1048 [V]); CA-VEE and
ORCL run the same "sum check". The period is ``[previous read, read)`` of each register read with
a known advance (from :func:`~meter2cash.interpret.vee.register_rules.validate_registers`) whose
register maps to an interval channel. Vectorised: every channel's slots are flattened into one
sorted timeline with running sums, and each period is two ``searchsorted`` look-ups.

Judged only when the period lies on the channel's interval grid and every slot in it has a usable
value (otherwise C2 already reports the gap) [T]. Allowed difference: ``tolerance`` x the advance
x multiplier, or ``absolute_units`` register units x multiplier if larger (a dial shows whole units,
so two reads may each be up to one unit low) [T].
"""

from __future__ import annotations

import numpy as np

from meter2cash.domain.quantity import MICRO, format_micro
from meter2cash.interpret.vee.arrays import IntArray, group_ids
from meter2cash.interpret.vee.batch import UNUSABLE, ChannelDayBatch
from meter2cash.interpret.vee.catalogue import C11
from meter2cash.interpret.vee.parameters import ParameterTable, shipped_parameters
from meter2cash.interpret.vee.register_batch import (
    RegisterContext,
    RegisterIssue,
    RegisterReadBatch,
)
from meter2cash.interpret.vee.register_input import (
    RegisterFinding,
    RegisterInput,
    to_register_issues,
)
from meter2cash.interpret.vee.register_sequence import RegisterSequence

_START_BITS = 34  # epoch seconds below 2^34 (until year 2514)


def sum_check(
    intervals: ChannelDayBatch,
    reads: RegisterReadBatch,
    context: RegisterContext,
    seq: RegisterSequence,
    params: ParameterTable | None = None,
) -> list[RegisterIssue]:
    """C11 issues, one per register read whose period's interval total is off."""
    source = RegisterInput(reads, context, params or shipped_parameters())
    return to_register_issues(sum_check_finding(intervals, source, seq), source)


def sum_check_finding(
    intervals: ChannelDayBatch, source: RegisterInput, seq: RegisterSequence
) -> RegisterFinding:
    reads, context = source.reads, source.context
    mapped = np.array([c is not None for c in context.channel.tolist()], dtype=bool)
    candidates = np.flatnonzero(mapped & seq.advance_known & (seq.previous >= 0))
    kept = _latest_rows(intervals)
    if not len(candidates) or not len(kept):
        return RegisterFinding.of(C11, np.zeros(0, dtype=np.int64), [])
    groups = group_ids(
        np.concatenate([intervals.supply_point_id[kept], reads.supply_point_id[candidates]]),
        np.concatenate([intervals.channel[kept], context.channel[candidates]]),
    )
    interval_group, read_group = groups[: len(kept)], groups[len(kept) :]

    rows = intervals.take(kept)
    slots = rows.slots
    step = np.broadcast_to((rows.interval_minutes * 60)[:, None], slots.shape)[slots]
    starts = rows.interval_starts_s()[slots]
    usable = (rows.present & ~np.isin(rows.quality, UNUSABLE))[slots]
    values = np.where(usable, rows.values[slots], 0)
    keys = (np.broadcast_to(interval_group[:, None], slots.shape)[slots] << _START_BITS) | starts
    order = np.argsort(keys, kind="stable")
    keys, step, starts = keys[order], step[order], starts[order]
    value_sums = np.concatenate([[0], np.cumsum(values[order])])
    usable_sums = np.concatenate([[0], np.cumsum(usable[order])])

    begin = reads.read_at_s[seq.previous[candidates]]
    end = reads.read_at_s[candidates]
    lo = np.searchsorted(keys, (read_group << _START_BITS) | begin)
    hi = np.searchsorted(keys, (read_group << _START_BITS) | end)
    first = np.minimum(lo, len(keys) - 1)
    grid = step[first]
    count = hi - lo
    judged = (
        (count > 0)
        & (starts[first] == begin)
        & ((end - begin) % grid == 0)
        & (count == (end - begin) // grid)
        & (usable_sums[hi] - usable_sums[lo] == count)
    )
    total = (value_sums[hi] - value_sums[lo]).astype(np.float64)
    multiplier = context.effective_multiplier()[candidates]
    register = seq.advance[candidates] * multiplier
    tolerance = source.param(C11, "tolerance")[candidates]
    absolute = source.param(C11, "absolute_units")[candidates]
    allowed = np.maximum(tolerance * np.abs(register), absolute * multiplier * MICRO)
    off = judged & (np.abs(total - register) > allowed)
    flagged = candidates[off]
    details = [
        f"interval total {format_micro(int(t))} vs register advance x multiplier "
        f"{format_micro(round(r))} on channel {context.channel[c]}"
        for t, r, c in zip(
            total[off].tolist(), register[off].tolist(), flagged.tolist(), strict=True
        )
    ]
    return RegisterFinding(C11, flagged, tuple(details), seq.previous[flagged])


def _latest_rows(batch: ChannelDayBatch) -> IntArray:
    """One row per (supply point, channel, day): the highest version, first delivered on a tie."""
    if not len(batch):
        return np.zeros(0, dtype=np.int64)
    groups = group_ids(batch.supply_point_id, batch.channel, batch.read_on.astype(np.int64))
    order = np.lexsort((np.arange(len(batch)), -batch.version, groups))
    first = np.ones(len(order), dtype=bool)
    first[1:] = groups[order][1:] != groups[order][:-1]
    return np.sort(order[first])
