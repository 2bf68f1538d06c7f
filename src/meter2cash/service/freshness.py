"""Per-supply-point freshness: how current the data is, why it may be late, how settled it is.

A customer app must show "data delayed" rather than a wrong balance; an operator must see that a
gap is a known head-end outage. This answers, for one supply point: the end of the latest
interval data held, when the file carrying it was received, the latest communications and clock
reports, whether the data is older than the freshness objective (SLO), and the hardening
watermarks (the last day through which every settlement day is provisional / hard on the
timetable of the regime in force on that day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatus,
    CommunicationsStatusReported,
)
from meter2cash.domain.supply_point_model import SupplyPoint
from meter2cash.interpret.harden import HardeningState, RegimeTimeline, hard_through
from meter2cash.ports import UnitOfWorkFactory
from meter2cash.service.interpret import (
    TIMETABLE_OF_MARKET,
    TIMETABLE_OF_REGIME,
    InterpretConfig,
)
from meter2cash.service.reference_view import ReferenceView

#: Default freshness objective: half-hourly data older than two days is "delayed" [T].
DEFAULT_SLO = timedelta(hours=48)

_EARLIEST, _LATEST = date(1900, 1, 1), date(2200, 1, 1)


def freshness(
    uow_factory: UnitOfWorkFactory,
    supply_point_id: str,
    now: datetime,
    slo: timedelta = DEFAULT_SLO,
    config: InterpretConfig | None = None,
) -> dict[str, Any]:
    """The freshness block of one supply point (JSON-ready)."""
    config = config or InterpretConfig()
    with uow_factory() as uow:
        totals = uow.intervals.day_totals(supply_point_id, _EARLIEST, _LATEST)
        view = ReferenceView.load(uow, [supply_point_id])
        events = uow.meter_events.latest(supply_point_id)
        if not totals and view.supply_point(supply_point_id) is None and not events:
            raise NotFoundError(f"unknown supply point {supply_point_id!r}")
        latest_day = max((t.read_on for t in totals), default=None)
        stored = (
            uow.intervals.latest(supply_point_id, latest_day, latest_day + timedelta(days=1))
            if latest_day
            else []
        )
        received = [
            f.received_at
            for f in (uow.files.get(s.channel_day.source.file_id) for s in stored)
            if f is not None
        ]
    data_end = max((s.channel_day.span.end for s in stored), default=None)
    comms = next((e for e in reversed(events) if isinstance(e, CommunicationsStatusReported)), None)
    clock = next((e for e in reversed(events) if isinstance(e, ClockSynchronised)), None)
    delayed = data_end is None or now - data_end > slo
    reason = None
    if delayed and comms is not None and comms.status is not CommunicationsStatus.ONLINE:
        reason = f"head-end reported {comms.status} at {_utc(comms.reported_at)}"
    first_day = min((t.read_on for t in totals), default=None)
    market = totals[0].market if totals else None
    regimes = _regime_timeline(view.supply_point(supply_point_id), market)
    watermarks: dict[str, str | None] = {"provisional_through": None, "hard_through": None}
    if first_day is not None and regimes is not None:
        for name, state in (
            ("provisional_through", HardeningState.PROVISIONAL),
            ("hard_through", HardeningState.HARD),
        ):
            day = hard_through(first_day, regimes, config.timetables, now, at_least=state)
            watermarks[name] = day.isoformat() if day else None
    return {
        "supply_point_id": supply_point_id,
        "latest_data_end": _utc(data_end) if data_end else None,
        "last_received_at": _utc(max(received)) if received else None,
        "data_delayed": delayed,
        "delay_reason": reason,
        "slo_hours": slo / timedelta(hours=1),
        "communications": (
            {"status": str(comms.status), "at": _utc(comms.reported_at), "detail": comms.detail}
            if comms
            else None
        ),
        "clock": _clock(clock),
        "settlement": {
            "first_day": first_day.isoformat() if first_day else None,
            **watermarks,
        },
    }


def _regime_timeline(supply_point: SupplyPoint | None, market: str | None) -> RegimeTimeline | None:
    """The supply point's regimes as hardening timetables, dated by settlement day (reference
    data), else its market's usual timetable; ``None`` when neither is known."""
    if supply_point is not None and len(supply_point.settlement_regime):
        periods = []
        for entry in supply_point.settlement_regime.entries:
            name = TIMETABLE_OF_REGIME.get(entry.value)
            if name is not None:
                periods.append((max(entry.start.date(), date.min), name))
        if periods:
            first = periods[0][1]
            return RegimeTimeline(((date.min, first), *periods[1:]))
    name = TIMETABLE_OF_MARKET.get(str(supply_point.market) if supply_point else market or "")
    return RegimeTimeline.single(name) if name else None


def _clock(clock: ClockSynchronised | None) -> dict[str, Any] | None:
    if clock is None:
        return None
    return {
        "offset_seconds": format(clock.offset_seconds, "f"),
        "at": _utc(clock.synchronised_at),
        "corrected": clock.corrected,
    }


def _utc(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")
