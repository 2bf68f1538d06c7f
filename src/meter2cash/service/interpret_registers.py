"""Validation of register reads in the interpret stage: advances, rollover, meter identity, digits.

New register-read versions are validated as sequences per (supply point, meter, register): each
new read is judged together with the stored reads of the same registers over the look-back window,
so an advance (C5 negative advance, C6 rollover by the *configured* digits — never inferred from the
value, C8 against the expected advance) is computed from the real previous read. The configuration
in force at each read's instant comes from the reference timeline (digits, multiplier, time
pattern, the meter installed, its life); without reference data those columns are "unknown" and
the rules that need them skip. C18 compares TOU registers with the total register read at the same
instant; C11 compares each advance with the stored interval data of the channel the register maps
to. Findings are stored as ``ValidationIssue``s on the read: channel
``register:<meter>/<register>``, the read's UTC date, interval range 0..0, the read version.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np

from meter2cash.domain.configuration import ConfigurationTimeline
from meter2cash.domain.meter_setup import RegisterConfig
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import RegisterRead
from meter2cash.domain.validation import ValidationIssue
from meter2cash.interpret.vee import (
    ChannelDayBatch,
    ParameterTable,
    RegisterContext,
    RegisterIssue,
    RegisterReadBatch,
    sum_check,
    validate_registers,
)
from meter2cash.ports import StoredChannelDay, UnitOfWork

#: How far back the previous read of a register is looked for (a quarterly read cycle and more).
LOOK_BACK = timedelta(days=400)

_NEVER = np.iinfo(np.int64).max  # "not removed", as interpret/vee/register_batch.py


class TimelineSource(Protocol):
    def timeline(self, supply_point_id: str) -> ConfigurationTimeline | None: ...
    def market(self, supply_point_id: str) -> str | None: ...
    def zone(self, supply_point_id: str) -> str | None: ...


def validate_register_reads(
    uow: UnitOfWork,
    new: Sequence[tuple[RegisterRead, int]],
    params: ParameterTable,
    reference: TimelineSource | None,
    as_of: datetime,
) -> list[ValidationIssue]:
    """Issues on the new register-read versions ``new`` (read, version)."""
    if not new:
        return []
    history: list[tuple[RegisterRead, int]] = []
    for supply_point_id in sorted({r.supply_point_id for r, _ in new}):
        start = min(r.read_at for r, _ in new if r.supply_point_id == supply_point_id) - LOOK_BACK
        end = max(r.read_at for r, _ in new if r.supply_point_id == supply_point_id)
        history.extend(
            (s.read, s.version)
            for s in uow.register_reads.latest(supply_point_id, start, end + timedelta(seconds=1))
        )
    fresh = {_identity(r) for r, _ in new}
    rows = [(r, v) for r, v in history if _identity(r) not in fresh] + list(new)
    rows.sort(key=lambda rv: (rv[0].supply_point_id, rv[0].meter_serial, rv[0].register_id,
                              rv[0].read_at))  # fmt: skip
    reads = [r for r, _ in rows]
    markets = [_market(reference, r) for r in reads]
    batch = RegisterReadBatch.from_reads(
        reads, [v for _, v in rows], markets, time_patterns=[None] * len(reads)
    )
    context = _context(reads, reference)
    findings = validate_registers(batch, context, params, as_of=as_of)
    found = list(zip(findings.issues, findings.rows.tolist(), strict=True))
    intervals = _intervals(uow, reads, context)
    if intervals is not None:
        row_of = {(_identity(r), v): k for k, (r, v) in enumerate(rows)}
        for issue in sum_check(intervals, batch, context, findings.sequence, params):
            found.append((issue, row_of[(_read_identity(issue), issue.read_version)]))
    wanted = {(_identity(r), v) for r, v in new}
    return [
        _as_validation_issue(issue)
        for issue, row in found
        if (_identity(reads[row]), rows[row][1]) in wanted
    ]


def _read_identity(issue: RegisterIssue) -> tuple[str, str, str, datetime]:
    return (issue.supply_point_id, issue.meter_serial, issue.register_id, issue.read_at)


def _intervals(
    uow: UnitOfWork, reads: Sequence[RegisterRead], context: RegisterContext
) -> ChannelDayBatch | None:
    """The stored channel-days the C11 sum check compares register advances with: the latest
    versions of the mapped channels over the reads' span (one store call per supply point)."""
    channels: dict[str, set[str]] = {}
    for read, channel in zip(reads, context.channel.tolist(), strict=True):
        if channel:
            channels.setdefault(read.supply_point_id, set()).add(channel)
    stored: list[StoredChannelDay] = []
    for supply_point_id, names in sorted(channels.items()):
        instants = [r.read_at for r in reads if r.supply_point_id == supply_point_id]
        first = min(instants).date() - timedelta(days=LOOK_BACK.days + 1)
        last = max(instants).date() + timedelta(days=1)
        stored.extend(
            s for s in uow.intervals.latest(supply_point_id, first, last)
            if s.channel_day.channel in names
        )  # fmt: skip
    if not stored:
        return None
    return ChannelDayBatch.from_days(
        [s.channel_day for s in stored],
        [s.version for s in stored],
        deliveries=[str(k) for k in range(len(stored))],
    )


def _identity(read: RegisterRead) -> tuple[str, str, str, datetime]:
    return (read.supply_point_id, read.meter_serial, read.register_id, read.read_at)


def _market(reference: TimelineSource | None, read: RegisterRead) -> str:
    market = reference.market(read.supply_point_id) if reference is not None else None
    return market or "DEFAULT"


def _context(reads: Sequence[RegisterRead], reference: TimelineSource | None) -> RegisterContext:
    """The configuration in force at each read's instant (unknown where no timeline is loaded)."""
    n = len(reads)
    base = RegisterContext.unknown(n)
    if reference is None:
        return base
    configured = base.configured.copy()
    digits = base.digits.copy()
    multiplier = base.multiplier.copy()
    patterns: list[tuple[str, ...]] = [()] * n
    serials: list[str | None] = [None] * n
    installed = base.installed_at_s.copy()
    removed = base.removed_at_s.copy()
    period_ids = base.period.copy()
    channels: list[str | None] = [None] * n
    siblings: list[tuple[str, ...]] = [()] * n
    roles: list[str | None] = [None] * n
    for row, read in enumerate(reads):
        timeline = reference.timeline(read.supply_point_id)
        if timeline is None:
            continue
        period = timeline.in_force_at(read.read_at)
        if period is None:
            configured[row] = 0
            continue
        serials[row] = period.meter_serial
        period_ids[row] = timeline.periods.index(period) + 1
        register = (
            period.register(read.register_id) if period.meter_serial == read.meter_serial else None
        )
        configured[row] = 1 if register is not None else 0
        lives = [s for s in timeline.meter_lives(read.meter_serial) if s.contains(read.read_at)]
        if lives:
            installed[row] = int(lives[0].start.timestamp())
            removed[row] = int(lives[0].end.timestamp()) if lives[0].end else _NEVER
        siblings[row] = tuple(r.register_id for r in period.registers)
        if register is None:
            continue
        digits[row] = register.digits
        multiplier[row] = to_micro(register.multiplier)
        patterns[row] = (register.time_pattern,) if register.time_pattern else ()
        channels[row] = register.channel
        roles[row] = _role(register, period.registers)
    return base.with_columns(
        configured=configured, digits=digits, multiplier=multiplier, time_patterns=patterns,
        serial_in_force=serials, installed_at_s=installed, removed_at_s=removed,
        period=period_ids, channel=channels, siblings=siblings, role=roles,
    )  # fmt: skip


def _role(register: RegisterConfig, registers: Sequence[RegisterConfig]) -> str | None:
    """C18's roles: a register with a time pattern measures one TOU band ("tou"); on a meter that
    also has TOU registers of the same direction, the register without a time pattern is the
    "total" they must add up to [T: configuration has no explicit role]."""
    if register.time_pattern:
        return "tou"
    same_flow = [
        r for r in registers
        if r is not register and r.time_pattern and r.direction == register.direction
    ]  # fmt: skip
    return "total" if same_flow else None


def _as_validation_issue(issue: RegisterIssue) -> ValidationIssue:
    return ValidationIssue(
        rule=issue.rule,
        rule_version=issue.rule_version,
        severity=issue.severity,
        supply_point_id=issue.supply_point_id,
        channel=f"register:{issue.meter_serial}/{issue.register_id}",
        read_on=issue.read_at.date(),
        first_interval=0,
        last_interval=0,
        detail=issue.detail,
        values=issue.values,
        source=issue.source,
        channel_day_version=issue.read_version,
    )
