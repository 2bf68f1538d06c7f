"""The body of one MSCONS message (UNH .. UNT): locations, lines and their values.

Groups read (MSCONS MIG 2.4c)::

    BGM+7+DOC1+9'                       DE1225 message function: 9 original, 1 Storno
    DTM+735:?+0100:406'                 (optional, header) UTC offset for format-203 instants
    NAD+DP'                             SG5: a delivery point (DED, Z15: profiles, transfer series)
      LOC+172+<id>'                     SG6: the Meldepunkt
      RFF+MG:<meter number>'            SG7: Gerätenummer -> meter_serial
        LIN+1'  PIA+5+<OBIS>:SRW'       SG9: one series
          QTY  DTM...  STS...           SG10: one value

Decisions where the MIG leaves room or a file breaks it:

* A QTY group ends at the next QTY, LIN, LOC, NAD or the end of the message. DTM and STS segments
  outside a QTY group are header data (transfer period, version) and are not needed for values.
* A cancellation (BGM DE1225 = 1, "Storno") withdraws an earlier message, which ingest cannot do:
  the BGM is rejected (``CANCELLATION_NOT_SUPPORTED``) and so is each value in the message.
* Every QTY under a rejected LOC or LIN is rejected on its own (``GROUP_REJECTED``, naming the
  cause); the LOC/LIN defect itself is rejected once (the LIN's at its first QTY).
* Register values (OBIS D = 8) become ``RegisterRead`` at DTM+7 (Nutzungszeitpunkt, "für die
  weitere Verarbeitung relevant", MIG 2.4c), else at DTM+9 (Ablesedatum) when it has a time; a
  register value with only a period (DTM+163/164) or a date is refused (``MISSING_READ_TIME``)
  rather than pinned to one end of it. ``meter_serial`` is RFF+MG, or '' when the file has none.
* Interval values need DTM+163 and DTM+164 and are grouped into days by ``series``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timezone
from decimal import Decimal

from meter2cash.domain.reads import RegisterRead
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.mscons.instants import parse_utc_offset
from meter2cash.ingest.mscons.locations import MARKET, supply_point_of
from meter2cash.ingest.mscons.products import Measure, Product, parse_product
from meter2cash.ingest.mscons.qualities import Flags
from meter2cash.ingest.mscons.quantity import Group, interval_of, read_at_of, value_of
from meter2cash.ingest.mscons.reasons import MsconsReason, Problem
from meter2cash.ingest.mscons.refs import Sources, Where
from meter2cash.ingest.mscons.segments import Segment
from meter2cash.ingest.mscons.series import Channel, Point, Series

_ENDS_LOCATION = frozenset({"DP", "DED", "Z15"})  # SG5 NAD qualifiers (MIG 2.4c)


@dataclass(slots=True)
class _Location:
    where: Where
    supply_point: str | Problem
    meter_serial: str | None = None


@dataclass(slots=True)
class _Item:
    where: Where
    product: Product | Problem | None = None
    measure: Measure | None = None
    series: Series | None = None
    reported: bool = False  # its own defect has been rejected at the LIN


class MessageBody:
    """The open LOC, LIN and QTY group of one message; at most one day per LIN is held."""

    def __init__(self, sources: Sources, terminator: str) -> None:
        self.sources = sources
        self.terminator = terminator
        self.cancelled_at: int | None = None
        self.utc_offset: timezone | None = None
        self.location: _Location | None = None
        self.item: _Item | None = None
        self.group: Group | None = None

    def read(self, segment: Segment, where: Where) -> Iterator[ParsedItem]:
        tag, group = segment.tag, self.group
        if tag == "QTY":
            yield from self._end_group()
            self.group = Group(segment, where.label, self.terminator)
        elif tag == "DTM" and group is not None:
            group.add_date(segment)
        elif tag == "STS" and group is not None:
            group.add_status(segment)
        elif tag == "LIN":
            yield from self._end_item()
            self.item = _Item(where)
        elif tag == "PIA":
            if self.item is not None and self.item.product is None and group is None:
                self.item.product = parse_product(segment)
        elif tag == "LOC":
            yield from self._end_item()
            self.location = _Location(where, supply_point_of(segment))
            if isinstance(self.location.supply_point, Problem):
                yield self.sources.refuse(where, self.location.supply_point)
        elif tag == "NAD" and segment.component(0) in _ENDS_LOCATION:
            yield from self._end_item()
            self.location = None
        elif tag == "RFF" and segment.component(0, 0) == "MG":
            if self.location is not None and self.item is None:
                self.location.meter_serial = segment.component(0, 1) or None
        elif tag == "BGM" and segment.component(2) == "1":
            self.cancelled_at = where.line
            yield self.sources.reject(
                where,
                MsconsReason.CANCELLATION_NOT_SUPPORTED,
                "BGM DE1225 = 1 (Storno) withdraws an earlier message; ingest cannot withdraw "
                "reads, so the cancellation needs handling by an operator",
            )
        elif tag == "DTM" and segment.component(0, 0) == "735" and self.location is None:
            offset = parse_utc_offset(segment)
            if isinstance(offset, Problem):
                yield self.sources.refuse(where, offset)
            else:
                self.utc_offset = offset

    def end(self) -> Iterator[ParsedItem]:
        """The message is over (UNT, or a truncated file): write out what is open."""
        yield from self._end_item()
        self.location = None

    def _end_item(self) -> Iterator[ParsedItem]:
        yield from self._end_group()
        item, self.item = self.item, None
        if item is not None and item.series is not None:
            yield from item.series.flush()

    def _end_group(self) -> Iterator[ParsedItem]:
        group, self.group = self.group, None
        if group is not None:
            yield from self._quantity(group)

    def _quantity(self, group: Group) -> Iterator[ParsedItem]:
        where, location, item = group.where, self.location, self.item
        if location is None or item is None:
            yield self.sources.reject(
                where, MsconsReason.ORPHAN_QUANTITY, "QTY without a LOC and a LIN before it"
            )
            return
        cause = self._group_defect(location, item)
        if isinstance(item.product, Problem) and not item.reported:
            item.reported = True
            yield self.sources.refuse(item.where, item.product)
        if cause is not None:
            yield self.sources.reject(where, MsconsReason.GROUP_REJECTED, cause)
            return
        supply_point, product = location.supply_point, item.product
        assert isinstance(supply_point, str) and isinstance(product, Product)
        result = value_of(group, product, item.measure)
        if isinstance(result, Problem):
            yield self.sources.refuse(where, result)
            return
        energy, measure, flags = result
        if product.register:
            yield self._register(group, location, product, energy, measure, flags)
            return
        interval = interval_of(group, self.utc_offset)
        if isinstance(interval, Problem):
            yield self.sources.refuse(where, interval)
            return
        if item.series is None:
            channel = Channel(
                supply_point,
                MARKET,
                product.channel,
                product.direction,
                measure.unit,
                measure.source,
                location.meter_serial,
            )
            item.measure, item.series = measure, Series(channel, self.sources)
        yield from item.series.add(Point(interval, energy, flags, where))

    def _group_defect(self, location: _Location, item: _Item) -> str | None:
        if self.cancelled_at is not None:
            return f"the message is a cancellation (BGM at segment {self.cancelled_at})"
        if isinstance(location.supply_point, Problem):
            return (
                f"its LOC at segment {location.where.line} was rejected "
                f"({location.supply_point.reason})"
            )
        if item.product is None:
            item.product = Problem(MsconsReason.BAD_PRODUCT_ID, "LIN without a PIA+5 product id")
        if isinstance(item.product, Problem):
            return f"its LIN at segment {item.where.line} was rejected ({item.product.reason})"
        return None

    def _register(
        self,
        group: Group,
        location: _Location,
        product: Product,
        value: Decimal,
        measure: Measure,
        flags: Flags,
    ) -> ParsedItem:
        read_at = read_at_of(group, self.utc_offset)
        if isinstance(read_at, Problem):
            return self.sources.refuse(group.where, read_at)
        assert isinstance(location.supply_point, str)
        return RegisterRead(
            supply_point_id=location.supply_point,
            meter_serial=location.meter_serial or "",
            register_id=product.channel,
            read_at=read_at,
            value=value,
            unit=measure.unit,
            quality=flags.quality,
            method=flags.method,
            reason=flags.reason,
            read_type=flags.source_flag,
            source=self.sources.ref(group.where),
        )
