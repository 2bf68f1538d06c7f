"""Issued bills: immutable statements of rated lines, and the corrections that follow them.

An issued bill is never edited. When consumption, configuration or tariff for an issued period
changes, a CORRECTION bill is issued whose lines are deltas (credit/debit) each naming the issued
line it corrects and the reason code; the GB back-billing rule, where it applies, is its own line.
The money of a period is therefore always the sum over every bill issued for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from meter2cash.domain.rating import RatedLine


class BillKind(StrEnum):
    REGULAR = "regular"
    FINAL = "final"  # the last bill of a contract (change of tenancy/supplier, closure)
    CORRECTION = "correction"  # delta lines against earlier bills of the same account


@dataclass(frozen=True, slots=True)
class ReadsUsed:
    """How many import values behind a bill were actual or estimated, per supply point: a bill
    says which reads it used."""

    supply_point_id: str
    actual: int
    estimated: int


@dataclass(frozen=True, slots=True)
class IssuedLine:
    """A rated line with its identity on an issued bill.

    ``corrects_line_id`` and ``reason_code`` are set on correction (delta) and back-billing lines;
    ``adjustment_ids`` name hardened-data adjustments (interpretation) the delta carries.
    """

    line_id: str
    line: RatedLine
    corrects_line_id: str | None = None
    reason_code: str | None = None
    reason: str | None = None
    adjustment_ids: tuple[int, ...] = ()

    @property
    def amount(self) -> Decimal:
        return self.line.amount


@dataclass(frozen=True, slots=True)
class IssuedBill:
    """One issued bill for an account and period ``[period_from, period_to)`` (local dates)."""

    bill_id: str
    account_id: str
    kind: BillKind
    period_from: date
    period_to: date
    issued_on: date
    currency: str
    rounding_rule: str
    lines: tuple[IssuedLine, ...]
    reads_used: tuple[ReadsUsed, ...] = ()
    supply_point_ids: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        """The bill total: by construction the sum of its lines, never rounded again."""
        return sum((line.amount for line in self.lines), Decimal(0))
