"""What the validation rules need to know about one channel on one local day, from configuration.

The rules engine (``interpret/vee``) takes these fields as plain inputs, so a rule never walks a
timeline itself and every rule sees the same answer for a channel-day. The context is computed
from the configuration version in force for the run; ``configuration_version`` records which, so a
finding can say what it was judged against (lineage) and be re-judged after a configuration fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from meter2cash.domain.configuration import (
    ChangeKind,
    ConfigurationPeriod,
    ConfigurationTimeline,
)
from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction
from meter2cash.domain.supply_point_model import Energisation, SettlementRegime, SupplyPoint
from meter2cash.domain.time import Interval, intervals_in_day, local_day, zone_named


@dataclass(frozen=True, slots=True)
class RegisterContext:
    """A register of a meter in force on the day (C6 rollover digits, C17 multiplier, C13 TPR)."""

    meter_serial: str
    register_id: str
    digits: int
    multiplier: Decimal
    time_pattern: str | None
    channel: str | None
    direction: Direction | None


@dataclass(frozen=True, slots=True)
class ChannelContext:
    """The configuration facts about ``channel`` on local day ``read_on`` of one supply point.

    ``configured_spans`` are the parts of the day (UTC, merged) in which a meter carrying the
    channel is installed; outside them no data is expected (C2 counts only intervals inside).
    ``expected_interval_minutes``, ``direction`` and ``unit`` are ``None`` when the channel is not
    configured on the day or its configuration differs within it (then ``consistent`` is False).
    ``energised`` is True if the supply is energised at any instant of the day, False if
    de-energised throughout, ``None`` if no status is known. ``registers`` lists every register of
    every meter in force on the day, each naming the channel it maps to (if any).
    """

    supply_point_id: str
    channel: str
    read_on: date
    zone: str
    day: Interval
    configuration_version: int
    configured_spans: tuple[Interval, ...]
    consistent: bool
    expected_interval_minutes: int | None
    expected_intervals: int | None
    direction: Direction | None
    unit: Unit | None
    energised: bool | None
    energisation_changed_at: tuple[datetime, ...]
    settlement_regime: SettlementRegime | None
    meter_serials: tuple[str, ...]
    installed_at: tuple[datetime, ...]
    removed_at: tuple[datetime, ...]
    registers: tuple[RegisterContext, ...]

    @property
    def configured(self) -> bool:
        return bool(self.configured_spans)

    @property
    def configured_all_day(self) -> bool:
        return self.configured_spans == (self.day,)

    @property
    def meter_exchanged(self) -> bool:
        """Another meter took over during the day (or one came or went)."""
        return bool(self.installed_at or self.removed_at) or len(self.meter_serials) > 1

    def expected_mask(self) -> tuple[bool, ...]:
        """Per interval of the day: whether it lies wholly inside a configured span (data due)."""
        if self.expected_interval_minutes is None:
            return ()
        step = timedelta(minutes=self.expected_interval_minutes)
        return tuple(
            any(s.start <= i.start and i.end <= s.end for s in self.configured_spans)
            for i in self.day.split(step)
        )


def _merged(spans: list[Interval]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for span in sorted(spans):
        if merged and merged[-1].end >= span.start:
            merged[-1] = Interval(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return tuple(merged)


def _clip(period: ConfigurationPeriod, day: Interval) -> Interval:
    end = day.end if period.end is None else min(period.end, day.end)
    return Interval(max(period.start, day.start), end)


def _energised(supply_point: SupplyPoint, day: Interval) -> bool | None:
    statuses = supply_point.energisation.values_over(day.start, day.end)
    if all(status is None for status in statuses):
        return None
    return Energisation.ENERGISED in statuses


def _installs_and_removals(
    timeline: ConfigurationTimeline, day: Interval
) -> tuple[tuple[datetime, ...], tuple[datetime, ...]]:
    """Instants in the day at which a meter's life starts or ends (not reconfigurations)."""
    installs = tuple(
        p.start
        for p in timeline.periods
        if day.contains(p.start) and p.started_by is ChangeKind.INSTALL
    )
    removals = []
    for period in timeline.periods:
        if period.end is None or not day.contains(period.end):
            continue
        successor = timeline.in_force_at(period.end)
        if successor is None or successor.started_by is ChangeKind.INSTALL:
            removals.append(period.end)
    return installs, tuple(removals)


def channel_context(
    timeline: ConfigurationTimeline, supply_point: SupplyPoint, channel: str, day: date
) -> ChannelContext:
    """The :class:`ChannelContext` of ``channel`` on local ``day`` in the supply point's zone."""
    if timeline.supply_point_id != supply_point.supply_point_id:
        raise DomainError(
            f"timeline of {timeline.supply_point_id} used for supply point "
            f"{supply_point.supply_point_id}"
        )
    span = local_day(day, zone_named(supply_point.zone))
    periods = timeline.periods_overlapping(span.start, span.end)
    carrying = [(p, c) for p in periods if (c := p.channel(channel)) is not None]
    configs = {c for _, c in carrying}
    config = next(iter(configs)) if len(configs) == 1 else None
    minutes = config.interval_minutes if config else None
    installs, removals = _installs_and_removals(timeline, span)
    registers = tuple(
        dict.fromkeys(
            RegisterContext(
                p.meter_serial,
                r.register_id,
                r.digits,
                r.multiplier,
                r.time_pattern,
                r.channel,
                r.direction,
            )
            for p in periods
            for r in p.registers
        )
    )
    return ChannelContext(
        supply_point_id=supply_point.supply_point_id,
        channel=channel,
        read_on=day,
        zone=supply_point.zone,
        day=span,
        configuration_version=timeline.version,
        configured_spans=_merged([_clip(p, span) for p, _ in carrying]),
        consistent=len(configs) <= 1,
        expected_interval_minutes=minutes,
        expected_intervals=(
            intervals_in_day(day, zone_named(supply_point.zone), minutes) if minutes else None
        ),
        direction=config.direction if config else None,
        unit=config.unit if config else None,
        energised=_energised(supply_point, span),
        energisation_changed_at=supply_point.energisation.changes_within(span.start, span.end),
        settlement_regime=supply_point.settlement_regime_at(span.start),
        meter_serials=tuple(dict.fromkeys(p.meter_serial for p in periods)),
        installed_at=installs,
        removed_at=removals,
        registers=registers,
    )
