"""What the memory and SQL meter-event stores share: an event's kind, instant and natural key."""

from __future__ import annotations

from datetime import datetime

from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatusReported,
    meter_event_key,
)
from meter2cash.ports import MeterEvent


def kind_of(event: MeterEvent) -> str:
    if isinstance(event, ClockSynchronised):
        return "clock"
    return "comms" if isinstance(event, CommunicationsStatusReported) else "config"


def instant_of(event: MeterEvent) -> datetime:
    if isinstance(event, ClockSynchronised):
        return event.synchronised_at
    if isinstance(event, CommunicationsStatusReported):
        return event.reported_at
    return event.effective_at


def key_of(event: MeterEvent) -> str:
    return meter_event_key(event)
