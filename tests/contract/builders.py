"""Builders of canonical values for the contract suites (one place, so suites stay about behaviour)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from meter2cash.domain.billing import Bill, BillLine, Determinant, DeterminantKind, LineKind
from meter2cash.domain.files import SourceFile
from meter2cash.domain.money import LINE_ROUNDING
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, Quality, Rejection, SourceRef
from meter2cash.domain.time import intervals_in_day, zone_named
from meter2cash.domain.validation import Severity, ValidationIssue

FILE_ID = "ab" * 32
SOURCE = SourceRef(FILE_ID, 7)


def channel_day(
    supply_point_id: str = "6001234567",
    read_on: date = date(2024, 1, 15),
    channel: str = "E1",
    *,
    base: str = "0.125",
    zone: str = "NEM",
    values: list[Decimal | None] | None = None,
    qualities: str | None = None,
    source: SourceRef = SOURCE,
) -> ChannelDay:
    """A valid day: by default ``base + k/1000`` kWh in interval ``k``, all actual."""
    n = intervals_in_day(read_on, zone_named(zone), 30)
    if values is None:
        values = [Decimal(base) + Decimal(k) / 1000 for k in range(n)]
    flags = qualities if qualities is not None else "A" * n
    return ChannelDay(
        supply_point_id=supply_point_id,
        market="NEM" if zone == "NEM" else "GB",
        channel=channel,
        direction=Direction.IMPORT,
        unit=Unit.KWH,
        read_on=read_on,
        zone=zone,
        interval_minutes=30,
        values=tuple(values),
        qualities=tuple(Quality(q) for q in flags),
        methods=tuple("14" if q != "A" else None for q in flags),
        reasons=tuple(None for _ in flags),
        source=source,
        source_unit="kWh",
        source_flags=tuple(flags),
        meter_serial="M-1",
    )


def source_file(
    file_id: str = FILE_ID, name: str = "a.csv", received_at: datetime | None = None
) -> SourceFile:
    at = received_at or datetime(2024, 2, 1, 9, 30, tzinfo=UTC)
    return SourceFile(file_id, name, 1234, "nem12", at, records=10, rejected=1)


def rejection(
    line: int = 3,
    reason: str = "bad_quality",
    file_id: str = FILE_ID,
    message: str = "quality flag Z is not defined",
) -> Rejection:
    return Rejection(SourceRef(file_id, line, None), "a.csv", reason, message, "300,20240101,Z")


def issue(rule: str = "spike", first: int = 0, version: int = 1) -> ValidationIssue:
    return ValidationIssue(
        rule=rule,
        rule_version=1,
        severity=Severity.ERROR,
        supply_point_id="6001234567",
        channel="E1",
        read_on=date(2024, 1, 15),
        first_interval=first,
        last_interval=first + 2,
        detail="value 10x the day's median",
        values=("12.5", "0.125", "-0.5"),
        source=SourceRef(FILE_ID, 12, "300"),
        channel_day_version=version,
    )


def determinant(
    quantity_micro: int = 12_345_678,
    supply_point_id: str = "6001234567",
    period_on: date = date(2024, 1, 1),
    kind: DeterminantKind = DeterminantKind.MONTHLY_IMPORT,
    channel: str = "E1",
    channel_day_ids: tuple[int, ...] = (1, 2, 3),
) -> Determinant:
    return Determinant(
        supply_point_id, channel, kind, period_on, quantity_micro, "kWh", channel_day_ids
    )


def bill(
    supply_point_id: str = "6001234567",
    period_on: date = date(2024, 1, 1),
    version: int = 1,
    energy_amount: Decimal = Decimal("58.30"),
) -> Bill:
    lines = (
        BillLine(
            1,
            LineKind.STANDING_CHARGE,
            "Standing charge",
            Decimal("31"),
            "day",
            Decimal("0.4532"),
            "GBP/day",
            Decimal("14.05"),
            (4,),
        ),
        BillLine(
            2,
            LineKind.ENERGY,
            "Energy",
            Decimal("241.523456"),
            "kWh",
            Decimal("0.241399"),
            "GBP/kWh",
            energy_amount,
            (1, 2),
        ),
        BillLine(
            3,
            LineKind.TAX,
            "VAT 5%",
            Decimal("72.35"),
            "GBP",
            Decimal("0.05"),
            "ratio",
            Decimal("3.62"),
            (),
        ),
    )
    return Bill(
        supply_point_id=supply_point_id,
        period_on=period_on,
        period_end_on=date(2024, 2, 1),
        version=version,
        currency="GBP",
        tariff_id="FLAT-1",
        tariff_version=2,
        rounding_rule=LINE_ROUNDING,
        lines=lines,
        supersedes=None if version == 1 else f"B-{supply_point_id}-{period_on:%Y%m}-v{version - 1}",
    )
