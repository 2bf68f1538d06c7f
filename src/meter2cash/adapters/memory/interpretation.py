"""In-memory adjustments and meter events (the contract tests hold them to the SQL behaviour)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from meter2cash.adapters.memory.state import MemoryState
from meter2cash.adapters.meter_events_keys import instant_of, key_of, kind_of
from meter2cash.domain.adjustments import Adjustment
from meter2cash.domain.events import MeterConfigurationChanged
from meter2cash.domain.reads import ChannelDay
from meter2cash.ports import DayKey, MeterEvent, StoredAdjustment


class MemoryAdjustmentStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def add(self, adjustment: Adjustment, correction: ChannelDay) -> int | None:
        key = adjustment.idempotency_key
        if key in self._s.adjustment_keys:
            return None
        self._s.dirty = True
        new_id = len(self._s.adjustments) + 1
        self._s.adjustments.append(StoredAdjustment(new_id, adjustment, correction))
        self._s.adjustment_keys = self._s.adjustment_keys | {key}
        return new_id

    def latest_corrections(self, keys: Iterable[DayKey]) -> dict[DayKey, StoredAdjustment]:
        wanted = set(keys)
        found: dict[DayKey, StoredAdjustment] = {}
        for stored in self._s.adjustments:  # in id order: the newest wins
            day = stored.correction
            key = (day.supply_point_id, day.channel, day.read_on)
            if key in wanted:
                found[key] = stored
        return found

    def list(self, supply_point_id: str | None = None) -> list[StoredAdjustment]:
        return [
            a
            for a in self._s.adjustments
            if supply_point_id is None or a.adjustment.supply_point_id == supply_point_id
        ]


class MemoryMeterEventStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def add_many(self, events: Sequence[MeterEvent]) -> int:
        added = 0
        for event in events:
            key = key_of(event)
            if key in self._s.meter_event_keys:
                continue
            self._s.dirty = True
            self._s.meter_events.append(event)
            self._s.meter_event_keys = self._s.meter_event_keys | {key}
            added += 1
        return added

    def between(
        self, supply_point_ids: Iterable[str], start: datetime, end: datetime
    ) -> list[MeterEvent]:
        ids = set(supply_point_ids)
        found = [
            e
            for e in self._s.meter_events
            if e.supply_point_id in ids and kind_of(e) != "config" and start <= instant_of(e) < end
        ]
        return sorted(found, key=instant_of)

    def configuration(self, supply_point_id: str) -> list[MeterConfigurationChanged]:
        found = [
            e
            for e in self._s.meter_events
            if isinstance(e, MeterConfigurationChanged) and e.supply_point_id == supply_point_id
        ]
        return sorted(found, key=instant_of)

    def latest(self, supply_point_id: str) -> list[MeterEvent]:
        newest: dict[str, MeterEvent] = {}
        for event in self._s.meter_events:
            if event.supply_point_id != supply_point_id or kind_of(event) == "config":
                continue
            kind = kind_of(event)
            if kind not in newest or instant_of(event) >= instant_of(newest[kind]):
                newest[kind] = event
        return sorted(newest.values(), key=instant_of)
