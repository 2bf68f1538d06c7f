"""Register rules (market-rules.md §2.8) and their entry point ``validate_registers``.

C13-C17, C22 and C23 judge each read against the configuration in force at its instant
(``register_structure``); C5, C6, C8 (``register_sequence``) and C7, C9, C21 here judge the advance
between consecutive valid reads; C18 compares the registers read together.

Only reads that pass the structural checks (C13-C16, C23, C14) enter the sequences, so a read of
the wrong meter or an impossible value never becomes the "previous" of a good one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from meter2cash.domain.quantity import MICRO, format_micro
from meter2cash.domain.validation import Severity
from meter2cash.interpret.vee.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    group_ids,
    run_lengths,
)
from meter2cash.interpret.vee.batch import NOT_ACTUAL
from meter2cash.interpret.vee.catalogue import C7, C9, C14, C15, C16, C18, C21, C23
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
from meter2cash.interpret.vee.register_sequence import (
    RegisterSequence,
    high_advance,
    negative_advance,
    rollover,
    sequence,
)
from meter2cash.interpret.vee.register_structure import (
    digits_decimals,
    meter_identity,
    multiplier,
    not_after_previous,
    not_in_configuration,
    outside_meter_life,
    sibling_completeness,
    unit_of_measure,
)

_DAY_S = 86_400


def zero_advance(source: RegisterInput, seq: RegisterSequence) -> RegisterFinding:
    """C7 (register side): zero advance over a whole read period (N = the read period [T]) while
    energised, unless exempt (seasonal TPR, vacant, remotely disabled: CP0789, CP1417)."""
    context = source.context
    rows = np.flatnonzero(
        seq.advance_known & (seq.advance == 0) & (context.energised != 0) & ~context.zero_exempt
    )
    details = ["zero advance over the read period while energised"] * len(rows)
    return RegisterFinding(C7, rows, tuple(details), seq.previous[rows])


def high_low_usage(source: RegisterInput, seq: RegisterSequence) -> RegisterFinding:
    """C9 (register side): the period's ADU against the previous period's ADU of the same
    register, outside ``[low, high]`` (ORCL/ITRON; thresholds [T], shared with the interval side).
    Zero and negative advances are left to C7 and C5 (a zero advance is C7's, with its
    exemptions; the deemed-read exception's negative advance is valid) [T]."""
    reads = source.reads
    energy = seq.energy(source.context.effective_multiplier())
    prev = np.maximum(seq.previous, 0)
    days = (reads.read_at_s - reads.read_at_s[prev]) / _DAY_S
    prev_days = (
        reads.read_at_s[prev] - reads.read_at_s[np.maximum(seq.previous[prev], 0)]
    ) / _DAY_S
    eligible = (
        (seq.advance > 0)
        & seq.advance_known
        & (seq.previous >= 0)
        & seq.advance_known[prev]
        & (days > 0)
        & (prev_days > 0)
    )
    adu = np.where(eligible, energy / np.where(days > 0, days, 1), 0.0)
    prev_adu = np.where(eligible, energy[prev] / np.where(prev_days > 0, prev_days, 1), 0.0)
    eligible &= prev_adu >= source.param(C9, "min_mean_kwh") * MICRO
    ratio = np.where(eligible, adu / np.where(eligible, prev_adu, 1.0), 1.0)
    low, high = source.param(C9, "low"), source.param(C9, "high")
    rows = np.flatnonzero(eligible & ((ratio < low) | (ratio > high)))
    details = [
        f"daily usage {ratio[r]:.0%} of the previous period's (allowed {low[r]:.0%}-{high[r]:.0%})"
        for r in rows.tolist()
    ]
    return RegisterFinding(C9, rows, tuple(details), seq.previous[rows])


def prolonged_estimation(source: RegisterInput, seq: RegisterSequence) -> RegisterFinding:
    """C21 (register side): more than ``register_reads`` consecutive non-actual reads."""
    reads = source.reads
    estimated = np.isin(reads.quality, NOT_ACTUAL.astype(np.int64)) | reads.deemed
    run = np.zeros(len(reads), dtype=np.int64)
    run[seq.order] = run_lengths(estimated[seq.order], seq.breaks)
    rows = np.flatnonzero(run > source.param(C21, "register_reads"))
    details = [f"{run[r]} consecutive estimated or deemed reads" for r in rows.tolist()]
    return RegisterFinding.of(C21, rows, details)


def tou_versus_total(source: RegisterInput, seq: RegisterSequence) -> RegisterFinding:
    """C18: at one read instant of a meter, the TOU registers' advances add up to the total
    register's, within ``tolerance`` (relative) or ``absolute_units`` per register involved
    (dials show whole units) [T]. Reported on the total register's read."""
    reads, context = source.reads, source.context
    is_total = context.role == "total"
    is_tou = context.role == "tou"
    rows = np.flatnonzero(is_total | is_tou)
    if not len(rows):
        return RegisterFinding.of(C18, rows, [])
    groups = group_ids(reads.supply_point_id[rows], reads.meter_serial[rows], reads.read_at_s[rows])
    energy = seq.energy(context.effective_multiplier())[rows]
    known = seq.advance_known[rows]

    def count(weights: BoolArray | FloatArray) -> FloatArray:
        return np.bincount(groups, weights=weights).astype(np.float64)

    n_total, n_tou = count(is_total[rows]), count(is_tou[rows])
    unknown = count(~known)
    tou_sum = count(np.where(is_tou[rows] & known, energy, 0.0))
    total = count(np.where(is_total[rows] & known, energy, 0.0))
    unit = count(np.where(is_total[rows], context.effective_multiplier()[rows] * MICRO, 0.0))
    tolerance = source.param(C18, "tolerance")[rows]
    absolute = source.param(C18, "absolute_units")[rows]
    allowed = np.maximum(
        tolerance * np.abs(total[groups]), absolute * (n_tou[groups] + 1) * unit[groups]
    )
    off = np.abs(tou_sum[groups] - total[groups]) > allowed
    judged = (n_total[groups] == 1) & (n_tou[groups] >= 1) & (unknown[groups] == 0)
    flagged = rows[is_total[rows] & judged & off]
    details = [
        f"TOU advances add up to {format_micro(round(tou_sum[g]))}, total register "
        f"advanced {format_micro(round(total[g]))}"
        for g in groups[np.isin(rows, flagged)].tolist()
    ]
    return RegisterFinding(C18, flagged, tuple(details), seq.previous[flagged])


@dataclass(frozen=True, eq=False)
class RegisterFindings:
    """The issues of a run, the read row of each, and the sequence (advances) for later stages."""

    issues: list[RegisterIssue]
    rows: IntArray
    sequence: RegisterSequence
    size: int

    def billable(self) -> BoolArray:
        errors = np.array([i.severity is Severity.ERROR for i in self.issues], dtype=bool)
        out = np.ones(self.size, dtype=bool)
        out[self.rows[errors]] = False
        return out


def validate_registers(
    reads: RegisterReadBatch,
    context: RegisterContext | None = None,
    params: ParameterTable | None = None,
    *,
    as_of: datetime | None = None,
) -> RegisterFindings:
    """Every register rule over ``reads`` (C11 needs interval data too: ``sum_check``)."""
    source = RegisterInput(
        reads, context or RegisterContext.unknown(len(reads)), params or shipped_parameters(), as_of
    )
    structural = [
        (C15, meter_identity(source), "meter {serial} is not the meter installed at the read"),
        (C16, digits_decimals(source), "reading {value} exceeds the configured digits/decimals"),
        (C23, unit_of_measure(source), "unit {unit} differs from the configured unit"),
        (C14, outside_meter_life(source), "read outside the meter's life or in the future"),
    ]
    c13 = not_in_configuration(source)
    failed = np.zeros(len(reads), dtype=bool)
    failed[c13.rows] = True
    findings = [c13]
    for rule, flags, text in structural:
        rows = np.flatnonzero(flags)
        failed |= flags
        findings.append(
            RegisterFinding.of(
                rule,
                rows,
                [
                    text.format(
                        serial=reads.meter_serial[r],
                        value=format_micro(int(reads.value[r])),
                        unit=reads.unit[r],
                    )
                    for r in rows.tolist()
                ],
            )
        )
    order_fail = not_after_previous(source, ~failed)
    findings.append(
        RegisterFinding.of(
            C14,
            np.flatnonzero(order_fail),
            ["read not later than the previous read"] * int(order_fail.sum()),
        )
    )
    seq = sequence(source, ~failed & ~order_fail)
    findings += [
        negative_advance(source, seq),
        rollover(source, seq),
        zero_advance(source, seq),
        high_advance(source, seq),
        high_low_usage(source, seq),
        multiplier(source),
        tou_versus_total(source, seq),
        prolonged_estimation(source, seq),
        sibling_completeness(source),
    ]
    issues: list[RegisterIssue] = []
    rows_of: list[IntArray] = []
    for found in findings:
        issues.extend(to_register_issues(found, source))
        rows_of.append(found.rows)
    all_rows = np.concatenate(rows_of)
    order = np.argsort(all_rows, kind="stable")
    return RegisterFindings([issues[i] for i in order.tolist()], all_rows[order], seq, len(reads))
