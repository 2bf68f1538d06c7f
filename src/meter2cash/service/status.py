"""A snapshot of what the stores hold: the numbers `meter2cash run` and `status` print."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from meter2cash.domain.billing import Bill
from meter2cash.domain.validation import IssueStatus
from meter2cash.ports import IntervalCounts, UnitOfWorkFactory


@dataclass(frozen=True)
class Status:
    files: int
    records: int
    rejected: int
    rejections_by_reason: dict[str, int]
    counts: IntervalCounts
    open_issues: int
    issues_by_rule: dict[str, int]
    determinants: int
    bills: int
    bill_versions: int
    totals: dict[str, Decimal]
    adjustments: int = 0  # corrections to hard settlement days, waiting for billing
    adjustment_deltas: dict[str, Decimal] | None = None  # net delta per unit


def latest_bills(bills: list[Bill]) -> list[Bill]:
    """The current version of each (supply point, month): superseded bills stay stored, not counted."""
    latest: dict[tuple[str, object], Bill] = {}
    for bill in bills:
        key = (bill.supply_point_id, bill.period_on)
        if key not in latest or bill.version > latest[key].version:
            latest[key] = bill
    return sorted(latest.values(), key=lambda b: (b.supply_point_id, b.period_on))


def read_status(uow_factory: UnitOfWorkFactory) -> Status:
    with uow_factory() as uow:
        files = uow.files.list()
        by_reason = uow.rejections.count_by_reason()
        counts = uow.intervals.counts()
        open_issues = uow.issues.list(IssueStatus.OPEN)
        determinants = uow.determinants.latest()
        all_bills = uow.bills.list()
        adjustments = uow.adjustments.list()
    deltas: dict[str, Decimal] = {}
    for stored in adjustments:
        unit = str(stored.adjustment.unit)
        deltas[unit] = deltas.get(unit, Decimal(0)) + stored.adjustment.delta
    bills = latest_bills(all_bills)
    totals: dict[str, Decimal] = {}
    for bill in bills:
        totals[bill.currency] = totals.get(bill.currency, Decimal(0)) + bill.total
    return Status(
        files=len(files),
        records=sum(f.records for f in files),
        rejected=sum(by_reason.values()),
        rejections_by_reason=dict(sorted(by_reason.items())),
        counts=counts,
        open_issues=len(open_issues),
        issues_by_rule=dict(sorted(Counter(i.issue.rule for i in open_issues).items())),
        determinants=sum(1 for d in determinants if d.determinant.quantity_micro != 0),
        bills=len(bills),
        bill_versions=len(all_bills),
        totals=dict(sorted(totals.items())),
        adjustments=len(adjustments),
        adjustment_deltas=dict(sorted(deltas.items())),
    )
