"""Adjustments and meter events behave the same on every adapter (memory, SQLite, PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from tests.factories import channel_day

from meter2cash.domain.adjustments import Adjustment, AdjustmentReason
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatus,
    CommunicationsStatusReported,
)
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import SourceRef

AT = datetime(2025, 9, 1, 12, tzinfo=UTC)
SRC = SourceRef("f" * 64, 7)


def _adjustment(delta: str, old: str, new: str, read_on: date = date(2024, 1, 1)) -> Adjustment:
    return Adjustment.for_day(
        supply_point_id="NCDE000001", channel="E1", read_on=read_on, delta=Decimal(delta),
        unit=Unit.KWH, reason=AdjustmentReason.LATE_ACTUAL_DATA, old_version_id=old,
        new_version_id=new, created_at=AT,
    )  # fmt: skip


def test_adjustments_are_stored_once_and_read_back_exactly(uow_factory) -> None:
    first = channel_day(["0.6"] * 48)
    adjustment = _adjustment("4.8", "channel_day:1", first.content_key)
    with uow_factory() as uow:
        new_id = uow.adjustments.add(adjustment, first)
        assert new_id is not None
        assert uow.adjustments.add(adjustment, first) is None  # the same correction again
        uow.commit()
    with uow_factory() as uow:
        (stored,) = uow.adjustments.list()
        assert uow.adjustments.list("OTHER") == []
    assert stored.id == new_id and stored.adjustment == adjustment and stored.correction == first


def test_latest_correction_per_day_is_the_newest(uow_factory) -> None:
    first, second = channel_day(["0.6"] * 48), channel_day(["0.7"] * 48)
    other_day = channel_day(["0.9"] * 48, read_on=date(2024, 1, 2))
    with uow_factory() as uow:
        uow.adjustments.add(_adjustment("4.8", "channel_day:1", first.content_key), first)
        uow.adjustments.add(_adjustment("9.6", "channel_day:1", second.content_key), second)
        uow.adjustments.add(
            _adjustment("19.2", "channel_day:2", other_day.content_key, date(2024, 1, 2)),
            other_day,
        )
        uow.commit()
    with uow_factory() as uow:
        found = uow.adjustments.latest_corrections(
            [("NCDE000001", "E1", date(2024, 1, 1)), ("NCDE000001", "E1", date(2024, 3, 1))]
        )
    assert list(found) == [("NCDE000001", "E1", date(2024, 1, 1))]
    assert found[("NCDE000001", "E1", date(2024, 1, 1))].correction == second


def test_rolled_back_adjustment_is_gone(uow_factory) -> None:
    day = channel_day(["0.6"] * 48)
    with uow_factory() as uow:
        uow.adjustments.add(_adjustment("4.8", "channel_day:1", day.content_key), day)
    with uow_factory() as uow:
        assert uow.adjustments.list() == []


def test_meter_events_are_stored_once_and_queried_by_window(uow_factory) -> None:
    clock = ClockSynchronised("SP1", "M1", AT, Decimal("-42.5"), False, SRC)
    offline = CommunicationsStatusReported(
        "SP1", "M1", datetime(2025, 9, 2, tzinfo=UTC), CommunicationsStatus.OFFLINE, "no GPRS", SRC
    )
    online = CommunicationsStatusReported(
        "SP1", "M1", datetime(2025, 9, 3, tzinfo=UTC), CommunicationsStatus.ONLINE, None, SRC
    )
    elsewhere = ClockSynchronised("SP2", "M9", AT, Decimal("3"), True, SRC)
    with uow_factory() as uow:
        assert uow.meter_events.add_many([online, clock, offline, elsewhere]) == 4
        assert uow.meter_events.add_many([clock]) == 0
        uow.commit()
    with uow_factory() as uow:
        window = uow.meter_events.between(["SP1"], AT, datetime(2025, 9, 3, tzinfo=UTC))
        latest = uow.meter_events.latest("SP1")
        assert uow.meter_events.latest("NOPE") == []
    assert window == [clock, offline]  # oldest first, end excluded, other supply points left out
    assert latest == [clock, online]
