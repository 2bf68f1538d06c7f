"""In-memory versioned stores: channel-days and determinants.

Both follow one rule: an identical re-send (same content key as the latest version) changes nothing;
a different one becomes a new version and the previous one is kept, marked as superseded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from meter2cash.adapters.memory.state import MemoryState
from meter2cash.adapters.ordering import channel_day_order, determinant_order
from meter2cash.domain.billing import Determinant, DeterminantKind
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.ports import (
    DayKey,
    DayTotal,
    IntervalCounts,
    PutResult,
    StoredChannelDay,
    StoredDeterminant,
)


class MemoryIntervalStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def put(self, day: ChannelDay) -> PutResult:
        key = (day.supply_point_id, day.channel, day.read_on)
        ids = self._s.day_versions.get(key, ())
        previous = self._s.channel_days[ids[-1]] if ids else None
        if previous is not None and previous.channel_day.content_key == day.content_key:
            return PutResult("unchanged", previous.id, previous.version)
        self._s.dirty = True
        self._s.last_channel_day_id += 1
        new_id = self._s.last_channel_day_id
        version = previous.version + 1 if previous else 1
        self._s.channel_days[new_id] = StoredChannelDay(new_id, version, None, True, day)
        self._s.day_versions[key] = (*ids, new_id)
        if previous is None:
            return PutResult("new", new_id, version)
        self._s.channel_days[previous.id] = replace(previous, superseded_by=new_id)
        return PutResult("corrected", new_id, version, previous.id)

    def put_many(self, days: Sequence[tuple[ChannelDay, bool]]) -> list[PutResult]:
        results = []
        for day, billable in days:
            result = self.put(day)
            if result.outcome != "unchanged":
                self.set_billable(result.id, billable)
            results.append(result)
        return results

    def latest_of(self, keys: Iterable[DayKey]) -> dict[DayKey, StoredChannelDay]:
        found: dict[DayKey, StoredChannelDay] = {}
        for key in keys:
            ids = self._s.day_versions.get(key)
            if ids:
                found[key] = self._s.channel_days[ids[-1]]
        return found

    def set_billable(self, channel_day_id: int, billable: bool) -> None:
        stored = self.get(channel_day_id)
        self._s.dirty = True
        self._s.channel_days[channel_day_id] = replace(stored, billable=billable)

    def get(self, channel_day_id: int) -> StoredChannelDay:
        try:
            return self._s.channel_days[channel_day_id]
        except KeyError:
            raise NotFoundError(f"no channel-day with id {channel_day_id}") from None

    def latest(
        self, supply_point_id: str, from_on: date, to_on: date, channel: str | None = None
    ) -> list[StoredChannelDay]:
        found = [
            self._s.channel_days[ids[-1]]
            for (sp, ch, read_on), ids in self._s.day_versions.items()
            if sp == supply_point_id and from_on <= read_on < to_on and channel in (None, ch)
        ]
        return sorted(found, key=channel_day_order)

    def versions(self, supply_point_id: str, channel: str, read_on: date) -> list[StoredChannelDay]:
        ids = self._s.day_versions.get((supply_point_id, channel, read_on), ())
        return [self._s.channel_days[i] for i in ids]

    def day_totals(self, supply_point_id: str, from_on: date, to_on: date) -> list[DayTotal]:
        totals = []
        for stored in self.latest(supply_point_id, from_on, to_on):
            day = stored.channel_day
            total = sum(to_micro(v) for v in day.values if v is not None)
            totals.append(DayTotal(stored.id, day.supply_point_id, day.market, day.channel,
                                   day.direction, day.unit, day.read_on, stored.billable, total))  # fmt: skip
        return totals

    def supply_point_ids(self) -> list[str]:
        return sorted({sp for sp, _, _ in self._s.day_versions})

    def counts(self) -> IntervalCounts:
        days = self._s.channel_days
        latest = [days[ids[-1]].channel_day for ids in self._s.day_versions.values()]
        return IntervalCounts(
            supply_points=len({day.supply_point_id for day in latest}),
            channel_days=len(latest),
            intervals=sum(len(day.values) for day in latest),
            estimated=sum(q != Quality.ACTUAL for day in latest for q in day.qualities),
            versions=len(self._s.channel_days),
        )


class MemoryDeterminantStore:
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    def put(self, determinant: Determinant) -> tuple[StoredDeterminant, bool]:
        ids = self._s.determinant_versions.get(determinant.natural_key, ())
        previous = self._s.determinants[ids[-1]] if ids else None
        if previous is not None and previous.determinant.content_key == determinant.content_key:
            return previous, False
        self._s.dirty = True
        self._s.last_determinant_id += 1
        stored = StoredDeterminant(
            self._s.last_determinant_id, previous.version + 1 if previous else 1, determinant
        )
        self._s.determinants[stored.id] = stored
        self._s.determinant_versions[determinant.natural_key] = (*ids, stored.id)
        return stored, True

    def put_many(self, determinants: Sequence[Determinant]) -> list[tuple[StoredDeterminant, bool]]:
        return [self.put(determinant) for determinant in determinants]

    def get(self, determinant_id: int) -> StoredDeterminant:
        try:
            return self._s.determinants[determinant_id]
        except KeyError:
            raise NotFoundError(f"no determinant with id {determinant_id}") from None

    def latest(
        self,
        supply_point_id: str | None = None,
        kind: DeterminantKind | None = None,
        period_on: date | None = None,
    ) -> list[StoredDeterminant]:
        found = [
            stored
            for ids in self._s.determinant_versions.values()
            if _matches(
                (stored := self._s.determinants[ids[-1]]).determinant,
                supply_point_id,
                kind,
                period_on,
            )
        ]
        return sorted(found, key=determinant_order)


def _matches(
    det: Determinant,
    supply_point_id: str | None,
    kind: DeterminantKind | None,
    period_on: date | None,
) -> bool:
    return (
        supply_point_id in (None, det.supply_point_id)
        and kind in (None, det.kind)
        and period_on in (None, det.period_on)
    )
