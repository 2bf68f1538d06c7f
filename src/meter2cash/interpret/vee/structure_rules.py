"""Interval rules about a channel-day's shape and identity against configuration: C1, C13, C14,
C15, C19, C20, C23 (market-rules.md §2.8). Each compares whole columns; no per-interval Python.
"""

from __future__ import annotations

import numpy as np

from meter2cash.interpret.vee.arrays import ObjectArray, runs_2d
from meter2cash.interpret.vee.catalogue import C1, C13, C14, C15, C19, C20, C23, Rule
from meter2cash.interpret.vee.findings import Finding, RuleInput


def interval_count(source: RuleInput) -> Finding:
    """C1: the delivered slots must equal what the local day holds at the row's interval length
    (46/48/50 half-hours on UK clock-change days) — [V] computed from the calendar.

    Canonical ``ChannelDay`` objects cannot break this (ingest rejects such a day); rows built
    from other columnar sources can.
    """
    batch = source.batch
    rows = np.flatnonzero(batch.n_intervals != batch.day_intervals)
    details = [
        f"{batch.n_intervals[r]} values of {batch.interval_minutes[r]} min, the local day "
        f"{batch.read_on[r]} in {batch.zone[r]} holds {batch.day_intervals[r]}"
        for r in rows.tolist()
    ]
    return Finding.whole_days(C1, batch, rows, details)


def interval_size(source: RuleInput) -> Finding:
    """C19: interval length differs from the configured one (re-aggregate or reject)."""
    batch, expected = source.batch, source.context.expected_interval_minutes
    rows = np.flatnonzero((expected > 0) & (expected != batch.interval_minutes))
    details = [
        f"{batch.interval_minutes[r]}-minute intervals; configuration says {expected[r]} minutes"
        for r in rows.tolist()
    ]
    return Finding.whole_days(C19, batch, rows, details)


def unit_of_measure(source: RuleInput) -> Finding:
    """C23: the channel's unit differs from the configured unit (kWh vs kvarh ...)."""
    return _mismatch(source, C23, source.batch.unit, source.context.unit, "unit")


def direction_of_flow(source: RuleInput) -> Finding:
    """C20 (optional in the catalogue): direction differs from the configured direction.

    The catalogue compares with the LLFC's direction (BSCP503 via CP0715); the configuration's
    channel direction stands in for it here [T].
    """
    return _mismatch(source, C20, source.batch.direction, source.context.direction, "direction")


def _mismatch(
    source: RuleInput, rule: Rule, got: ObjectArray, want: ObjectArray, what: str
) -> Finding:
    known = np.array([w is not None for w in want.tolist()], dtype=bool)
    rows = np.flatnonzero(known & (got != want))
    details = [f"{what} {got[r]}; configuration says {want[r]}" for r in rows.tolist()]
    return Finding.whole_days(rule, source.batch, rows, details)


def not_in_configuration(source: RuleInput) -> Finding:
    """C13 (interval side): the channel is not in the configuration in force on the day."""
    rows = np.flatnonzero(source.context.configured == 0)
    details = [f"channel {source.batch.channel[r]} is not configured on the day" for r in rows]
    return Finding.whole_days(C13, source.batch, rows, details)


def outside_meter_life(source: RuleInput) -> Finding:
    """C14 (interval side): values in slots no configured meter covers (before an install,
    after a removal), or starting at/after ``as_of`` (data from the future)."""
    batch, context = source.batch, source.context
    values = batch.present & batch.slots
    outside = values & ~context.expected & (context.configured == 1)[:, None]
    future = np.zeros_like(outside)
    if source.as_of is not None:
        future = values & (batch.interval_starts_s() >= int(source.as_of.timestamp()))
    parts = []
    for flags, detail in (
        (future, "values dated at or after the validation instant (future)"),
        (outside & ~future, "values where no meter carrying the channel is installed"),
    ):
        rows, first, last = runs_2d(flags)
        parts.append(Finding.same_detail(C14, rows, first, last, detail))
    return Finding(
        C14,
        np.concatenate([p.rows for p in parts]),
        np.concatenate([p.first for p in parts]),
        np.concatenate([p.last for p in parts]),
        parts[0].details + parts[1].details,
    )


def meter_identity(source: RuleInput) -> Finding:
    """C15 (interval side): the day names a meter serial that is not installed on the day.

    One Python comparison per row that names a serial (a set membership per row)."""
    batch, serials = source.batch, source.context.meter_serials
    wrong = np.array(
        [
            s is not None and bool(k) and s not in k
            for s, k in zip(batch.meter_serial.tolist(), serials.tolist(), strict=True)
        ],
        dtype=bool,
    )
    rows = np.flatnonzero(wrong)
    details = [
        f"meter {batch.meter_serial[r]} is not installed on the day (in force: "
        f"{', '.join(serials[r])})"
        for r in rows.tolist()
    ]
    return Finding.whole_days(C15, batch, rows, details)
