"""Register rules that judge each read against the configuration in force at its instant: C13,
C14, C15, C16, C17, C22, C23 (market-rules.md §2.8). A read failing C13-C16, C23 or C14 never
enters a sequence (it cannot be the "previous" of a good read). Vectorised, except where noted.
"""

from __future__ import annotations

import numpy as np

from meter2cash.domain.quantity import format_micro
from meter2cash.interpret.vee.arrays import BoolArray, group_ids, object_array
from meter2cash.interpret.vee.catalogue import C13, C17, C22
from meter2cash.interpret.vee.register_input import RegisterFinding, RegisterInput


def not_in_configuration(source: RegisterInput) -> RegisterFinding:
    """C13: register unknown to the configuration at the read, or its stated TPR is not one of
    the register's configured TPRs (chellow's check [V code])."""
    reads, context = source.reads, source.context
    wrong_tpr = np.array(
        [
            tp is not None and bool(allowed) and tp not in allowed
            for tp, allowed in zip(
                reads.time_pattern.tolist(), context.time_patterns.tolist(), strict=True
            )
        ],
        dtype=bool,
    )
    rows = np.flatnonzero((context.configured == 0) | wrong_tpr)
    details = [
        f"TPR {reads.time_pattern[r]} not configured for register {reads.register_id[r]}"
        if wrong_tpr[r]
        else f"register {reads.register_id[r]} not in the configuration at the read"
        for r in rows.tolist()
    ]
    return RegisterFinding.of(C13, rows, details)


def outside_meter_life(source: RegisterInput) -> BoolArray:
    """C14 (life and future part): before install, after removal, or after ``as_of``."""
    reads, context = source.reads, source.context
    at = reads.read_at_s
    future = np.zeros(len(at), dtype=bool)
    if source.as_of is not None:
        future = at > int(source.as_of.timestamp())
    return (at < context.installed_at_s) | (at > context.removed_at_s) | future


def not_after_previous(source: RegisterInput, candidates: BoolArray) -> BoolArray:
    """C14 (order part): a read not later than the previous read of its register."""
    reads = source.reads
    rows = np.flatnonzero(candidates)
    groups = group_ids(
        reads.supply_point_id[rows], reads.meter_serial[rows], reads.register_id[rows]
    )
    order = rows[np.lexsort((rows, reads.read_at_s[rows], groups))]
    same = np.zeros(len(order), dtype=bool)
    group_of = np.zeros(len(reads), dtype=np.int64)
    group_of[rows] = groups
    same[1:] = group_of[order][1:] == group_of[order][:-1]
    flagged = np.zeros(len(reads), dtype=bool)
    flagged[order[1:][same[1:] & (reads.read_at_s[order][1:] <= reads.read_at_s[order][:-1])]] = (
        True
    )
    return flagged


def meter_identity(source: RegisterInput) -> BoolArray:
    """C15: the read's meter serial is not the one installed at the read instant."""
    installed = source.context.serial_in_force
    known = np.array([s is not None for s in installed.tolist()], dtype=bool)
    wrong: BoolArray = known & (source.reads.meter_serial != installed)
    return wrong


def digits_decimals(source: RegisterInput) -> BoolArray:
    """C16: more integer digits than the register's configured digits, or more decimals than
    configured (CA-VEE "number of dials", "demand decimal")."""
    reads, context = source.reads, source.context
    too_long = (context.digits > 0) & (reads.integer_digits > context.digits)
    too_fine = (context.decimals >= 0) & (reads.decimals > context.decimals)
    return too_long | too_fine


def multiplier(source: RegisterInput) -> RegisterFinding:
    """C17: a multiplier stated with the read differs from the configured one."""
    reads, context = source.reads, source.context
    rows = np.flatnonzero(
        (reads.applied_multiplier > 0)
        & (context.multiplier > 0)
        & (reads.applied_multiplier != context.multiplier)
    )
    details = [
        f"multiplier {format_micro(int(reads.applied_multiplier[r]))} applied, "
        f"{format_micro(int(context.multiplier[r]))} configured"
        for r in rows.tolist()
    ]
    return RegisterFinding.of(C17, rows, details)


def unit_of_measure(source: RegisterInput) -> BoolArray:
    """C23: the read's unit differs from the configured unit."""
    unit = source.context.unit
    known = np.array([u is not None for u in unit.tolist()], dtype=bool)
    wrong: BoolArray = known & (source.reads.unit != unit)
    return wrong


def sibling_completeness(source: RegisterInput) -> RegisterFinding:
    """C22 (register side): every register of the meter due at the read was read at the same
    instant. One Python step per read that lists siblings."""
    reads, siblings = source.reads, source.context.siblings
    keys = zip(
        reads.supply_point_id.tolist(),
        reads.meter_serial.tolist(),
        reads.read_at_s.tolist(),
        reads.register_id.tolist(),
        strict=True,
    )
    read = set(keys)
    missing = object_array(
        [
            tuple(
                s
                for s in siblings[r]
                if (reads.supply_point_id[r], reads.meter_serial[r], int(reads.read_at_s[r]), s)
                not in read
            )
            for r in range(len(reads))
        ]
    )
    rows = np.flatnonzero(np.array([bool(m) for m in missing], dtype=bool))
    details = [f"register(s) {', '.join(missing[r])} not read at the same instant" for r in rows]
    return RegisterFinding.of(C22, rows, details)
