"""Channel-days and findings for the estimation and exception-action tests (GB, one channel)."""

from __future__ import annotations

from datetime import date

from tests.factories import channel_day

from meter2cash.domain.reads import ChannelDay, SourceRef
from meter2cash.domain.validation import Severity, ValidationIssue
from meter2cash.ports import DayKey, UnitOfWork

SP = "2000000000001"


def gb_day(values: list[str | None], read_on: date, qualities: str | None = None) -> ChannelDay:
    flags = qualities or "".join("N" if v is None else "A" for v in values)
    return channel_day(
        values, supply_point_id=SP, channel="AI", read_on=read_on, zone="Europe/London",
        market="GB", qualities=flags,
    )  # fmt: skip


def finding(
    day: ChannelDay, rule: str, first: int, last: int, version: int = 1,
    severity: Severity = Severity.ERROR,
) -> ValidationIssue:  # fmt: skip
    return ValidationIssue(
        rule=rule, rule_version=1, severity=severity, supply_point_id=day.supply_point_id,
        channel=day.channel, read_on=day.read_on, first_interval=first, last_interval=last,
        detail=f"{rule} finding", values=(), source=SourceRef("f" * 64, 3),
        channel_day_version=version,
    )  # fmt: skip


def key(day: ChannelDay) -> DayKey:
    return (day.supply_point_id, day.channel, day.read_on)


def store(uow: UnitOfWork, day: ChannelDay, *issues: ValidationIssue) -> list[int]:
    errors = any(i.severity is Severity.ERROR for i in issues)
    uow.intervals.put_many([(day, not errors)])
    ids = [uow.issues.add(i) for i in issues]
    assert None not in ids
    return [i for i in ids if i is not None]


# A Wednesday, with its same-weekday neighbours inside GB's ±1 month window.
TARGET_ON = date(2024, 3, 13)


def gap_day() -> ChannelDay:
    values: list[str | None] = ["1.0"] * 48
    values[10:13] = [None, None, None]
    values[13] = "2.0"
    return gb_day(values, TARGET_ON)
