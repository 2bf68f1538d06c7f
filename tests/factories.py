"""Builders for canonical test objects (tests only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, SourceRef
from meter2cash.domain.time import intervals_in_day, zone_named


def channel_day(
    values: list[str | None] | None = None,
    *,
    supply_point_id: str = "NCDE000001",
    channel: str = "E1",
    direction: Direction = Direction.IMPORT,
    read_on: date = date(2024, 1, 1),
    zone: str = "NEM",
    market: str = "AU",
    qualities: str | None = None,
    file_id: str = "f" * 64,
    line: int = 3,
    unit: Unit = Unit.KWH,
) -> ChannelDay:
    n = intervals_in_day(read_on, zone_named(zone), 30)
    raw = values if values is not None else ["0.5"] * n
    decimals = tuple(None if v is None else Decimal(v) for v in raw)
    flags = tuple(Quality(q) for q in (qualities or "A" * len(raw)))
    return ChannelDay(
        supply_point_id=supply_point_id,
        market=market,
        channel=channel,
        direction=direction,
        unit=unit,
        read_on=read_on,
        zone=zone,
        interval_minutes=30,
        values=decimals,
        qualities=flags,
        methods=(None,) * len(raw),
        reasons=(None,) * len(raw),
        source=SourceRef(file_id, line),
        source_unit=str(unit),
    )
