"""Meter-configuration events -> the supply point's configuration timeline, as reference data.

Reference data comes from files (``service/reference.py``) *and* from events: a
``MeterConfigurationChanged`` (install, reconfiguration, removal — an exchange is a removal and an
install) received in the raw stream is stored with the supply point's other metering events, the
timeline is rebuilt from every configuration event of the supply point
(``domain.configuration_events.timeline_from_events``), and a changed timeline is stored as the next
reference version, known from the instant the event's file was received. The stored days the
change touches are then judged again (``service/reinterpret.py``), in the same transaction.

The supply point's attributes (market, zone, regime) come from its stored reference data; a supply
point known only from events gets the attributes its identifier implies (a valid MPAN core: GB,
Europe/London; a valid NMI: AU, NEM time; a valid MaLo-ID: DE, Europe/Berlin). Events carry
channel *names* only: GB measurement quantities (AI/AE/RI/RE) are known; any other channel needs a
reference file. Events that cannot form a consistent timeline (an install while another meter is
in, an unknown channel) are rejected with their file and line, and the stored timeline is kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from meter2cash.domain.configuration import ConfigurationTimelineError
from meter2cash.domain.configuration_changes import diff
from meter2cash.domain.configuration_events import timeline_from_events
from meter2cash.domain.errors import DomainError
from meter2cash.domain.events import meter_event_key
from meter2cash.domain.keys import stable_key
from meter2cash.domain.reads import Rejection
from meter2cash.domain.supply_point import Market, SupplyPointId
from meter2cash.domain.supply_point_model import SupplyPoint
from meter2cash.ports import StoredReference, UnitOfWork
from meter2cash.service.reference import ReinterpretRequest, requests_for_changes, whole_history

_ZONES = {Market.GB: "Europe/London", Market.AU: "NEM", Market.DE: "Europe/Berlin"}

REASON = "CONFIGURATION_CONFLICT"


def apply_configuration_events(
    uow: UnitOfWork, supply_point_ids: Iterable[str], at: datetime, source_name: str = "events"
) -> tuple[list[ReinterpretRequest], list[Rejection]]:
    """Rebuild and store the timeline of each supply point from its stored configuration events;
    return what to reinterpret and the events rejected (timeline kept)."""
    requests: list[ReinterpretRequest] = []
    rejections: list[Rejection] = []
    stored = uow.reference.latest(supply_point_ids)
    for supply_point_id in sorted(set(supply_point_ids)):
        events = uow.meter_events.configuration(supply_point_id)
        if not events:
            continue
        current = stored.get(supply_point_id)
        try:
            supply_point = (
                current.supply_point if current else implied_supply_point(supply_point_id)
            )
            timeline = timeline_from_events(
                events, version=current.version + 1 if current else 1, known_from=at
            )
        except (ConfigurationTimelineError, DomainError) as exc:
            latest = events[-1]
            known = uow.files.get(latest.source.file_id)
            name = known.name if known else source_name
            rejections.append(Rejection(latest.source, name, REASON, str(exc), supply_point_id))
            continue
        if current is not None and timeline.periods == current.timeline.periods:
            continue
        if current is not None and at < current.known_from:
            at = current.known_from  # knowledge never goes back in time
            timeline = timeline_from_events(events, version=current.version + 1, known_from=at)
        key = stable_key("configuration-events", *sorted(meter_event_key(e) for e in events))
        reference = StoredReference(supply_point, timeline, at, source_name)
        if uow.reference.put(reference, key) is None:
            continue
        if current is None:
            requests.extend(whole_history(reference))
        else:
            requests.extend(requests_for_changes(supply_point, diff(current.timeline, timeline)))
    return requests, rejections


def implied_supply_point(supply_point_id: str) -> SupplyPoint:
    """The attributes a supply point's identifier implies (its market, that market's clock)."""
    for market, zone in _ZONES.items():
        try:
            SupplyPointId(market, supply_point_id)
        except DomainError:
            continue
        return SupplyPoint(supply_point_id, market, zone)
    raise DomainError(
        f"supply point {supply_point_id!r} has no reference data and its identifier implies no "
        "market: load a reference file for it"
    )
