"""Register read sequences: the advance between consecutive valid reads, C5, C6 and C8.

Reads are ordered per (supply point, meter, register) by instant. Grouping by *meter* means an
exchange never produces an advance (old and new meter are separate sequences, market-rules §5.3:
"no rollover inference across an exchange"), and a configuration change between two reads of the
same meter (``context.period`` differs) yields no advance either (ITRON skips usage calculation
across a "critical configuration change").

When the current reading is below the previous one (BSCP504 via CP0789 [V], CP0700 [V]):

1. previous read deemed and current >= the last *actual* read before it: valid, no finding
   (the deemed-read exception); the advance is the (negative) difference;
2. else, with configured digits (never inferred from the value [T]), a rollover advance
   ``10^digits - previous + current`` is accepted if it passes C8 (<= factor x expected); with no
   expected advance, if it is at most ``max_capacity_fraction`` of the register's capacity [T]
   -> C6 (informs, the advance is computed);
3. else C5, negative advance: the read fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meter2cash.domain.quantity import MICRO, format_micro
from meter2cash.interpret.vee.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    forward_fill_index,
    group_ids,
)
from meter2cash.interpret.vee.catalogue import C5, C6, C8
from meter2cash.interpret.vee.register_input import RegisterFinding, RegisterInput

_MAX_DIGITS = 12  # 10^12 x MICRO still fits int64


@dataclass(frozen=True, eq=False)
class RegisterSequence:
    """Per read row (``-1``/False where not applicable): the read before it in its sequence and
    the advance from it, in micro-units of the register (before the multiplier)."""

    previous: IntArray
    advance: IntArray
    advance_known: BoolArray
    rollover: BoolArray
    deemed_exception: BoolArray
    negative: BoolArray  # C5
    high: BoolArray  # C8
    order: IntArray  # valid rows in sequence order
    breaks: BoolArray  # per position of ``order``: a new sequence starts

    def energy(self, multiplier: FloatArray) -> FloatArray:
        """Advance x multiplier as float micro-units of energy (thresholds only, not billing)."""
        energy: FloatArray = self.advance * multiplier
        return energy


def sequence(source: RegisterInput, valid: BoolArray) -> RegisterSequence:
    """Advances between consecutive ``valid`` reads (vectorised over all sequences at once)."""
    reads, context = source.reads, source.context
    n = len(reads)
    rows = np.flatnonzero(valid)
    groups = group_ids(
        reads.supply_point_id[rows], reads.meter_serial[rows], reads.register_id[rows]
    )
    order = rows[np.lexsort((reads.read_at_s[rows], groups))]
    group_of = np.full(n, -1, dtype=np.int64)
    group_of[rows] = groups
    breaks = np.ones(len(order), dtype=bool)
    breaks[1:] = group_of[order][1:] != group_of[order][:-1]

    previous = np.full(n, -1, dtype=np.int64)
    previous[order[~breaks]] = order[np.flatnonzero(~breaks) - 1]
    paired = (previous >= 0) & (context.period == context.period[np.maximum(previous, 0)])
    raw = np.where(paired, reads.value - reads.value[np.maximum(previous, 0)], 0)

    actual_sorted = ~reads.deemed[order]
    last_actual_sorted = forward_fill_index(actual_sorted, breaks)
    last_actual = np.full(n, -1, dtype=np.int64)
    before = np.flatnonzero(~breaks)  # positions with a predecessor in their sequence
    found = last_actual_sorted[before - 1]
    last_actual[order[before]] = np.where(found >= 0, order[np.maximum(found, 0)], -1)

    down = paired & (raw < 0)
    deemed_previous = reads.deemed[np.maximum(previous, 0)]
    exception = (
        down
        & deemed_previous
        & (last_actual >= 0)
        & (reads.value >= reads.value[np.maximum(last_actual, 0)])
    )
    roll = _rollover(source, previous, down & ~exception)
    advance = np.where(roll >= 0, roll, raw)
    known = paired & (~down | exception | (roll >= 0))
    factor = source.param(C8, "factor")
    energy = advance * context.effective_multiplier()
    high = (
        known & (advance >= 0) & context.has_expected & (energy > factor * context.expected_advance)
    )
    return RegisterSequence(
        previous=previous,
        advance=advance.astype(np.int64),
        advance_known=known,
        rollover=roll >= 0,
        deemed_exception=exception,
        negative=down & ~exception & (roll < 0),
        high=high,
        order=order,
        breaks=breaks,
    )


def _rollover(source: RegisterInput, previous: IntArray, down: BoolArray) -> IntArray:
    """The rollover advance where plausible (see the module docstring), else -1."""
    reads, context = source.reads, source.context
    digits = context.digits
    usable = down & (digits > 0) & (digits <= _MAX_DIGITS)
    capacity = (10 ** np.where(usable, digits, 0)).astype(np.int64) * MICRO
    advance = capacity - reads.value[np.maximum(previous, 0)] + reads.value
    energy = advance * context.effective_multiplier()
    by_expected = energy <= source.param(C8, "factor") * context.expected_advance
    by_capacity = advance <= source.param(C6, "max_capacity_fraction") * capacity
    plausible = np.where(context.has_expected, by_expected, by_capacity)
    return np.where(usable & plausible & (advance >= 0), advance, -1).astype(np.int64)


def negative_advance(source: RegisterInput, seq: RegisterSequence) -> RegisterFinding:
    """C5: reading below the previous, not a rollover, no deemed-read exception."""
    reads = source.reads
    rows = np.flatnonzero(seq.negative)
    details = [
        f"reading {format_micro(int(reads.value[r]))} below the previous "
        f"{format_micro(int(reads.value[seq.previous[r]]))}"
        + (" (previous deemed, but below the last actual)" if reads.deemed[seq.previous[r]] else "")
        for r in rows.tolist()
    ]
    return RegisterFinding(C5, rows, tuple(details), seq.previous[rows])


def rollover(source: RegisterInput, seq: RegisterSequence) -> RegisterFinding:
    """C6: a rollover by the configured digits; informs, the advance is computed."""
    reads, digits = source.reads, source.context.digits
    rows = np.flatnonzero(seq.rollover)
    details = [
        f"rollover of a {digits[r]}-digit register: "
        f"{format_micro(int(reads.value[seq.previous[r]]))} -> "
        f"{format_micro(int(reads.value[r]))} = advance {format_micro(int(seq.advance[r]))}"
        for r in rows.tolist()
    ]
    return RegisterFinding(C6, rows, tuple(details), seq.previous[rows])


def high_advance(source: RegisterInput, seq: RegisterSequence) -> RegisterFinding:
    """C8: advance x multiplier above ``factor`` x expected (BSCP504 "twice the expected" [V]).
    Without an expected advance the check does not fail (CP0789)."""
    context = source.context
    rows = np.flatnonzero(seq.high)
    energy = seq.energy(context.effective_multiplier())
    details = [
        f"advance {format_micro(round(energy[r]))} above {source.param(C8, 'factor')[r]:g} x "
        f"expected {format_micro(int(context.expected_advance[r]))}"
        for r in rows.tolist()
    ]
    return RegisterFinding(C8, rows, tuple(details), seq.previous[rows])
