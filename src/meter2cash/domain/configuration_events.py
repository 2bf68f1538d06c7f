"""Build a configuration timeline from the canonical ``MeterConfigurationChanged`` events.

An event says what happened at ``effective_at``: a meter was installed, reconfigured or removed. A
meter exchange is a removal and an install, possibly at the same instant; at one instant removals
are applied before reconfigurations and installs, so such an exchange leaves neither a gap nor an
overlap. An exact repeat of an event (a re-sent flow) is absorbed. Anything else that would make
the timeline inconsistent — an install while another meter is still in, a removal of a meter that
is not installed — raises :class:`ConfigurationTimelineError` naming the event's source, because a
silently "repaired" meter history would misplace every read after it (adjustment reason
``METER_EXCHANGE_MISSED``, market-rules.md §4.4).

The event carries channel *names* only, so their direction, unit and interval length come from a
mapping the caller passes (e.g. :data:`GB_MEASUREMENT_QUANTITIES`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TypeAlias

from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationPeriod,
    ConfigurationTimeline,
    ConfigurationTimelineError,
    RegisterConfig,
)
from meter2cash.domain.events import MeterConfigurationChanged, RegisterSpec
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction

#: GB HH measurement quantities (AI/AE/RI/RE: active/reactive import/export) as half-hourly
#: channels. The quantity ids follow the DTC HH MTD flow as listed in market-rules.md §5.3 ([M]:
#: from memory there); 30 minutes is the GB Settlement Period.
GB_MEASUREMENT_QUANTITIES: Mapping[str, ChannelConfig] = MappingProxyType(
    {
        "AI": ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 30),
        "AE": ChannelConfig("AE", Direction.EXPORT, Unit.KWH, 30),
        "RI": ChannelConfig("RI", Direction.REACTIVE_IMPORT, Unit.KVARH, 30),
        "RE": ChannelConfig("RE", Direction.REACTIVE_EXPORT, Unit.KVARH, 30),
    }
)

ChannelLookup: TypeAlias = Mapping[str, ChannelConfig] | Callable[[str], ChannelConfig | None]

# At one instant: close before open, so an exchange at one instant is removal then install.
_ORDER = {ChangeKind.REMOVAL: 0, ChangeKind.RECONFIGURATION: 1, ChangeKind.INSTALL: 2}


def _kind(event: MeterConfigurationChanged) -> ChangeKind:
    try:
        return ChangeKind(event.change)
    except ValueError:
        raise ConfigurationTimelineError(
            f"{event.source}: unknown configuration change {event.change!r} "
            f"(expected install, reconfiguration or removal)"
        ) from None


def _register(spec: RegisterSpec) -> RegisterConfig:
    return RegisterConfig(spec.register_id, spec.digits, spec.multiplier, spec.time_pattern)


def _channels(event: MeterConfigurationChanged, lookup: ChannelLookup) -> tuple[ChannelConfig, ...]:
    configs = []
    for name in event.channels:
        config = lookup.get(name) if isinstance(lookup, Mapping) else lookup(name)
        if config is None:
            raise ConfigurationTimelineError(
                f"{event.source}: channel {name!r} of meter {event.meter_serial} has no known "
                f"direction, unit and interval length"
            )
        configs.append(config)
    return tuple(configs)


def timeline_from_events(
    events: Iterable[MeterConfigurationChanged],
    channels: ChannelLookup = GB_MEASUREMENT_QUANTITIES,
    *,
    version: int = 1,
    known_from: datetime | None = None,
) -> ConfigurationTimeline:
    """The timeline the events describe, for the one supply point they all name."""
    # An exact repeat (the same change re-sent, maybe in another file) is absorbed: first kept.
    first: dict[tuple[object, ...], MeterConfigurationChanged] = {}
    for e in events:
        key = (e.supply_point_id, e.effective_at, e.meter_serial, e.change, e.registers, e.channels)
        first.setdefault(key, e)
    unique = list(first.values())
    if not unique:
        raise ConfigurationTimelineError("no configuration events to build a timeline from")
    supply_point_id = unique[0].supply_point_id
    if others := sorted({e.supply_point_id for e in unique} - {supply_point_id}):
        raise ConfigurationTimelineError(
            f"events of several supply points: {supply_point_id}, {', '.join(others)}"
        )
    unique.sort(key=lambda e: (e.effective_at, _ORDER[_kind(e)]))
    closed: list[ConfigurationPeriod] = []
    current: ConfigurationPeriod | None = None
    for event in unique:
        kind = _kind(event)
        if kind is ChangeKind.INSTALL:
            if current is not None:
                raise ConfigurationTimelineError(
                    f"{event.source}: meter {event.meter_serial} installed at "
                    f"{event.effective_at.isoformat()} while meter {current.meter_serial} "
                    f"(installed {current.start.isoformat()}) has no removal"
                )
        elif current is None or current.meter_serial != event.meter_serial:
            installed = "no meter" if current is None else f"meter {current.meter_serial}"
            raise ConfigurationTimelineError(
                f"{event.source}: {kind} of meter {event.meter_serial} at "
                f"{event.effective_at.isoformat()}, but {installed} is installed then"
            )
        else:
            if event.effective_at <= current.start:
                raise ConfigurationTimelineError(
                    f"{event.source}: {kind} of meter {event.meter_serial} at "
                    f"{event.effective_at.isoformat()} is not after its period start "
                    f"{current.start.isoformat()}"
                )
            closed.append(_closed(current, event.effective_at))
            current = None
        if kind is not ChangeKind.REMOVAL:
            current = ConfigurationPeriod(
                supply_point_id,
                event.meter_serial,
                event.effective_at,
                None,
                tuple(_register(spec) for spec in event.registers),
                _channels(event, channels),
                started_by=kind,
                source=event.source,
            )
    if current is not None:
        closed.append(current)
    return ConfigurationTimeline(supply_point_id, tuple(closed), version, known_from)


def _closed(period: ConfigurationPeriod, end: datetime) -> ConfigurationPeriod:
    return ConfigurationPeriod(
        period.supply_point_id,
        period.meter_serial,
        period.start,
        end,
        period.registers,
        period.channels,
        period.started_by,
        period.source,
    )
