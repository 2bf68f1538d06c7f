"""What the memory and SQL meter-event stores share: an event's kind, instant and natural key."""

from __future__ import annotations

from datetime import datetime

from meter2cash.domain.events import ClockSynchronised, meter_event_key
from meter2cash.ports import MeterEvent


def kind_of(event: MeterEvent) -> str:
    return "clock" if isinstance(event, ClockSynchronised) else "comms"


def instant_of(event: MeterEvent) -> datetime:
    return event.synchronised_at if isinstance(event, ClockSynchronised) else event.reported_at


def key_of(event: MeterEvent) -> str:
    return meter_event_key(event)
