"""Which supply point, channel, unit and zone an IntervalBlock's readings belong to.

The chain is IntervalBlock -> MeterReading -> (ReadingType, UsagePoint -> LocalTimeParameters).
Each step is tried in this order, the first unambiguous answer winning:

1. nesting ("containerized" documents): the enclosing resource of the wanted kind, or the only
   one of that kind among the children of an enclosing resource or of the same entry's content;
2. links, as the ESPI REST layout writes them (``.../UsagePoint/{id}/MeterReading/{id}/
   IntervalBlock/{id}``): an IntervalBlock entry's ``up`` href is a MeterReading's ``related``
   href or its ``self`` + ``/IntervalBlock``, or the block's own ``self`` lies under the
   MeterReading's; a MeterReading's ``related`` hrefs name its ReadingType's ``self``; its ``up``
   is a UsagePoint's ``related`` href or that UsagePoint's ``self`` + ``/MeterReading`` (or its
   ``self`` is a UsagePoint's ``related``, or lies under the UsagePoint's ``self``); a
   UsagePoint's ``related`` hrefs name its LocalTimeParameters;
3. for LocalTimeParameters only: the one in the document, when there is exactly one; with none,
   the usage point's days are UTC days.

The supply point id is the UsagePoint's ``self`` path from the resource that owns it:
``RetailCustomer/5/UsagePoint/1`` (or ``BillingAccount/…/UsagePoint/NET_USAGE``). Not just its last
segment: ``UsagePoint/1`` exists once per customer of a data custodian. Without a ``self`` link the
entry's Atom ``id`` (the resource's mRID) is used. The channel is named
``{flow}-{unit}-{MeterReading id}`` (``fwd-wh-01``): flowDirection 1 and 19 give ``fwd``/``rev``;
the MeterReading id keeps two MeterReadings of one UsagePoint (hourly and daily) apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from meter2cash.domain.quantity import Unit, normalise_unit
from meter2cash.domain.reads import Direction
from meter2cash.ingest.espi.catalogue import (
    DOCUMENT,
    LOCAL_TIME,
    METER_READING,
    READING_TYPE,
    USAGE_POINT,
    Catalogue,
    Resource,
    Scope,
)
from meter2cash.ingest.espi.codes import (
    ENERGY_UNITS,
    FLOWS,
    INTERVAL_ACCUMULATIONS,
    REGISTER_ACCUMULATIONS,
    UNSUPPORTED_UNITS,
)
from meter2cash.ingest.espi.hrefs import collection_owner, parent, tail_of
from meter2cash.ingest.espi.reasons import EspiReason, Fault
from meter2cash.ingest.espi.zones import zone_for
from meter2cash.ingest.reasons import Reason

UTC_ZONE = "UTC"


@dataclass(frozen=True, slots=True)
class Channel:
    """Everything a reading of one MeterReading needs to become canonical."""

    key: int  # the MeterReading's ordinal: one day book per channel
    supply_point_id: str
    name: str
    direction: Direction
    unit: Unit
    shift: int  # energy = value * 10**shift (powerOfTenMultiplier and Wh -> kWh)
    source_unit: str
    zone: str
    interval_seconds: int | None  # ReadingType intervalLength, for readings without timePeriod
    register: bool  # a cumulative register (dial), not consumption per interval


class Resolver:
    def __init__(self, found: Catalogue) -> None:
        self.found = found
        self._channels: dict[int, Channel | Fault] = {}
        self._zones: dict[int, str | Fault] = {
            ltp.ordinal: zone_for(ltp.fields) for ltp in found.local_times
        }

    def local_time_faults(self) -> list[tuple[Resource, Fault]]:
        return [
            (self.found.resources[ordinal], zone)
            for ordinal, zone in self._zones.items()
            if isinstance(zone, Fault)
        ]

    def for_block(
        self, enclosing: list[int], entry: int | None, number: int | None
    ) -> Channel | Fault:
        """The channel of an IntervalBlock inside resources ``enclosing`` (outermost first), in
        entry ``entry``, the ``number``-th entry holding blocks at the top level of its content."""
        meter_reading = self._meter_reading(enclosing, entry, number)
        if isinstance(meter_reading, Fault):
            return meter_reading
        channel = self._channels.get(meter_reading.ordinal)
        if channel is None:
            channel = self._channels[meter_reading.ordinal] = self._channel(meter_reading)
        return channel

    def _meter_reading(
        self, enclosing: list[int], entry: int | None, number: int | None
    ) -> Resource | Fault:
        found = self.found
        for ordinal in reversed(enclosing):
            resource = found.resources.get(ordinal)
            if resource is None:  # both passes count alike; never expected
                continue
            if resource.kind == METER_READING:
                return resource
            only = _only(found.children(("r", ordinal), METER_READING))
            if only:
                return only
        only = _only(found.children(DOCUMENT if entry is None else ("e", entry), METER_READING))
        if only:
            return only
        if number is None:
            return Fault(
                EspiReason.UNRESOLVED_METER_READING,
                "IntervalBlock is neither inside a MeterReading nor in an entry whose links name one",
            )
        up, owner, own = found.block_entry_links(number)
        index, related = found.by_self[METER_READING], found.by_related[METER_READING]
        hit = (
            related.find(up)
            or index.find(collection_owner(up, "IntervalBlock"))
            or index.find(owner)
            or related.find(own)
        )
        if hit:
            return hit
        return Fault(
            EspiReason.UNRESOLVED_METER_READING,
            f"no MeterReading matches this IntervalBlock's links (up {up or 'absent'!r}, "
            f"self under {owner or own or 'absent'!r})",
        )

    def _channel(self, meter_reading: Resource) -> Channel | Fault:
        reading_type = self._find(
            meter_reading, READING_TYPE, lambda: self._reading_type_by_link(meter_reading)
        )
        if reading_type is None:
            related = ", ".join(meter_reading.related) or "none"
            return Fault(
                EspiReason.UNRESOLVED_READING_TYPE,
                f"{meter_reading.describe()} has no ReadingType: none nested in or beside it and no "
                f"ReadingType's self link equals one of its related links ({related})",
            )
        usage_point = self._find(
            meter_reading, USAGE_POINT, lambda: self._usage_point_by_link(meter_reading)
        )
        if usage_point is None:
            return Fault(
                EspiReason.UNRESOLVED_USAGE_POINT,
                f"{meter_reading.describe()} belongs to no UsagePoint: none encloses it and no "
                f"UsagePoint's links match its up link {meter_reading.up_href or 'absent'!r}",
            )
        supply_point_id = _supply_point_id(usage_point)
        if isinstance(supply_point_id, Fault):
            return supply_point_id
        return _reading_type_channel(
            reading_type,
            key=meter_reading.ordinal,
            supply_point_id=supply_point_id,
            meter_reading_id=tail_of(meter_reading.self_href) or f"mr{meter_reading.ordinal}",
            zone=self._zone(usage_point),
        )

    def _find(
        self, start: Resource, kind: str, by_link: Callable[[], Resource | None]
    ) -> Resource | None:
        """The resource of ``kind`` enclosing ``start`` or alone among the children of ``start``
        or of a scope enclosing it; else what its links say."""
        found = self.found
        scope: Scope | None = ("r", start.ordinal)
        while scope is not None:
            owner = found.resources.get(scope[1]) if scope[0] == "r" else None
            if owner is not None and owner is not start and owner.kind == kind:
                return owner
            only = _only(found.children(scope, kind))
            if only:
                return only
            scope = owner.scope if owner is not None else None
        return by_link()

    def _reading_type_by_link(self, meter_reading: Resource) -> Resource | None:
        index = self.found.by_self[READING_TYPE]
        return next(filter(None, map(index.find, meter_reading.related)), None)

    def _usage_point_by_link(self, meter_reading: Resource) -> Resource | None:
        index, related = self.found.by_self[USAGE_POINT], self.found.by_related[USAGE_POINT]
        up, own = meter_reading.up_href, meter_reading.self_href
        return (
            related.find(up)
            or index.find(collection_owner(up, METER_READING))
            or related.find(own)
            or index.find(parent(own, METER_READING))
        )

    def _zone(self, usage_point: Resource) -> str:
        found = self.found

        def by_link() -> Resource | None:
            index = found.by_self[LOCAL_TIME]
            hit = next(filter(None, map(index.find, usage_point.related)), None)
            return hit or _only(found.local_times)

        local_time = self._find(usage_point, LOCAL_TIME, by_link)
        if local_time is None:
            return UTC_ZONE
        zone = self._zones[local_time.ordinal]
        return UTC_ZONE if isinstance(zone, Fault) else zone


def _only(resources: list[Resource]) -> Resource | None:
    return resources[0] if len(resources) == 1 else None


def _supply_point_id(usage_point: Resource) -> str | Fault:
    path = usage_point.self_href
    if path:
        parts = path.split("/")
        at = max((i for i, part in enumerate(parts[:-1]) if part == USAGE_POINT), default=None)
        return path if at is None else "/".join(parts[max(0, at - 2) : at + 2])
    if usage_point.entry_id:
        return usage_point.entry_id
    return Fault(
        EspiReason.UNRESOLVED_USAGE_POINT,
        f"{usage_point.describe()} has neither a self link nor an entry id to name the supply point",
    )


def _reading_type_channel(
    reading_type: Resource, *, key: int, supply_point_id: str, meter_reading_id: str, zone: str
) -> Channel | Fault:
    fields, where = reading_type.fields, reading_type.describe()
    try:
        codes = {
            name: int(fields[name])
            for name in (
                "uom",
                "powerOfTenMultiplier",
                "flowDirection",
                "accumulationBehaviour",
                "intervalLength",
            )
            if name in fields
        }
    except ValueError:
        return Fault(
            EspiReason.BAD_READING_TYPE, f"{where} has a code that is not an integer: {fields}"
        )
    uom = codes.get("uom")
    if uom is None:
        return Fault(Reason.UNKNOWN_UNIT, f"{where} has no uom: the readings' unit is unknown")
    if uom not in ENERGY_UNITS:
        if uom in UNSUPPORTED_UNITS:
            name, why = UNSUPPORTED_UNITS[uom]
            return Fault(
                EspiReason.UNSUPPORTED_UNIT,
                f"{where} has uom {uom} ({name}), {why}; only Wh, VArh and VAh are read",
            )
        return Fault(Reason.UNKNOWN_UNIT, f"{where} has uom {uom}, not an ESPI energy unit code")
    accumulation = codes.get("accumulationBehaviour", 0)
    if accumulation not in INTERVAL_ACCUMULATIONS | REGISTER_ACCUMULATIONS:
        return Fault(
            EspiReason.UNSUPPORTED_ACCUMULATION,
            f"{where} has accumulationBehaviour {accumulation}: neither consumption per interval "
            "(4 deltaData) nor a register (1, 2, 3, 9)",
        )
    symbol = ENERGY_UNITS[uom]
    unit, factor = normalise_unit(symbol)
    power = codes.get("powerOfTenMultiplier", 0)
    flow = codes.get("flowDirection", 0)
    tag, active, reactive = FLOWS.get(flow, (f"flow{flow}", Direction.OTHER, Direction.OTHER))
    direction = {Unit.KWH: active, Unit.KVARH: reactive}.get(unit, Direction.OTHER)
    return Channel(
        key=key,
        supply_point_id=supply_point_id,
        name=f"{tag}-{symbol.lower()}-{meter_reading_id}",
        direction=direction,
        unit=unit,
        shift=power + _exponent(factor),
        source_unit=symbol if power == 0 else f"{symbol} x10^{power}",
        zone=zone,
        interval_seconds=codes.get("intervalLength") or None,
        register=accumulation in REGISTER_ACCUMULATIONS,
    )


def _exponent(factor: Decimal) -> int:
    """The power of ten a unit factor is (0.001 -> -3); every energy factor is one."""
    exponent = factor.adjusted()
    assert factor == Decimal(1).scaleb(exponent), factor
    return exponent
