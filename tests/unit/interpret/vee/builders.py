"""Builders for VEE tests: channel-days, batches and register reads from short specs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from tests.factories import channel_day

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Quality, RegisterRead, SourceRef
from meter2cash.domain.time import intervals_in_day, zone_named
from meter2cash.domain.validation import ValidationIssue
from meter2cash.interpret.vee import (
    ChannelDayBatch,
    IntervalContext,
    RegisterReadBatch,
    validate_intervals,
)

GB = {"zone": "Europe/London", "market": "GB", "supply_point_id": "1030006718997"}


def day(
    values: Sequence[str | None] | None = None,
    *,
    read_on: date = date(2024, 1, 1),
    fill: str = "0.5",
    **kwargs: object,
) -> ChannelDay:
    """A 30-minute channel-day (NEM by default; ``**GB`` for Europe/London)."""
    zone = str(kwargs.get("zone", "NEM"))
    n = intervals_in_day(read_on, zone_named(zone), 30)
    raw = list(values) if values is not None else [fill] * n
    if "qualities" not in kwargs:
        kwargs["qualities"] = "".join("N" if v is None else "A" for v in raw)
    return channel_day(raw, read_on=read_on, **kwargs)  # type: ignore[arg-type]


def with_serial(channel_day: ChannelDay, serial: str | None) -> ChannelDay:
    return replace(channel_day, meter_serial=serial)


def batch(*days: ChannelDay, versions: Sequence[int] | None = None) -> ChannelDayBatch:
    return ChannelDayBatch.from_days(days, versions or [1] * len(days))


def issues_of(
    rows: ChannelDayBatch, context: IntervalContext | None = None, **kwargs: object
) -> list[ValidationIssue]:
    return validate_intervals(rows, context, **kwargs).issues  # type: ignore[arg-type]


def found(issues: Sequence[ValidationIssue], rule: str | None = None) -> list[tuple[object, ...]]:
    """(rule, read_on, first, last) of each issue, optionally of one rule only."""
    return [
        (i.rule, i.read_on, i.first_interval, i.last_interval)
        for i in issues
        if rule is None or i.rule == rule
    ]


def series(
    values: Sequence[str], *, start: date = date(2024, 1, 1), **kwargs: object
) -> list[ChannelDay]:
    """Consecutive 48-interval days, each flat at the given value per interval."""
    out = []
    for offset, value in enumerate(values):
        on = date.fromordinal(start.toordinal() + offset)
        out.append(day([value] * 48, read_on=on, **kwargs))
    return out


def read(
    value: str,
    at: datetime,
    *,
    register_id: str = "R1",
    meter_serial: str = "M1",
    quality: Quality = Quality.ACTUAL,
    read_type: str | None = None,
    unit: Unit = Unit.KWH,
    line: int = 1,
    supply_point_id: str = "1030006718997",
) -> RegisterRead:
    return RegisterRead(
        supply_point_id=supply_point_id,
        meter_serial=meter_serial,
        register_id=register_id,
        read_at=at,
        value=Decimal(value),
        unit=unit,
        quality=quality,
        method=None,
        reason=None,
        read_type=read_type,
        source=SourceRef("r" * 64, line),
    )


def reads(*items: RegisterRead, **kwargs: object) -> RegisterReadBatch:
    return RegisterReadBatch.from_reads(items, [1] * len(items), "GB", **kwargs)  # type: ignore[arg-type]


def utc(year: int, month: int, day_: int, hour: int = 0) -> datetime:
    return datetime(year, month, day_, hour, tzinfo=UTC)
