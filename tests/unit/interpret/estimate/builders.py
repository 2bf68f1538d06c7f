"""Builders for estimation tests: days in micro-units from short specs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from meter2cash.domain.reads import Quality
from meter2cash.domain.time import intervals_in_day, zone_named
from meter2cash.interpret.estimate import DayValues

KWH = 1_000_000


def day(
    values: Sequence[int | None] | None = None,
    *,
    read_on: date = date(2024, 3, 5),
    zone: str = "Europe/London",
    qualities: str | None = None,
    fill: int = KWH,
) -> DayValues:
    n = intervals_in_day(read_on, zone_named(zone), 30)
    raw = list(values) if values is not None else [fill] * n
    flags = qualities or "".join("N" if v is None else "A" for v in raw)
    return DayValues(
        read_on=read_on,
        zone=zone,
        interval_minutes=30,
        values=tuple(raw),
        qualities=tuple(Quality(q) for q in flags),
        methods=(None,) * n,
        reasons=(None,) * n,
    )
