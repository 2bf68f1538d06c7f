"""Issued bills and their lines in SQL. Amounts, quantities and rates are exact decimal text."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from meter2cash.adapters.sql.tables import bill_lines, bills
from meter2cash.domain.billing import Bill, BillLine, LineKind
from meter2cash.domain.errors import DomainError

_b = bills.c
_l = bill_lines.c


class SqlBillStore:
    def __init__(self, connection: sa.Connection) -> None:
        self._conn = connection

    def issue(self, bill: Bill) -> None:
        if self._conn.execute(sa.select(_b.bill_id).where(_b.bill_id == bill.bill_id)).first():
            raise DomainError(f"bill {bill.bill_id} is already issued; issued bills are immutable")
        row: dict[str, Any] = {
            "bill_id": bill.bill_id,
            "supply_point_id": bill.supply_point_id,
            "period_on": bill.period_on,
            "period_end_on": bill.period_end_on,
            "version": bill.version,
            "currency": bill.currency,
            "tariff_id": bill.tariff_id,
            "tariff_version": bill.tariff_version,
            "rounding_rule": bill.rounding_rule,
            "supersedes": bill.supersedes,
            "total": bill.total,
        }
        if self._conn.dialect.name != "postgresql":  # no identity column: see tables.bills
            last = self._conn.execute(sa.select(sa.func.max(_b.issued_order))).scalar()
            row["issued_order"] = (last or 0) + 1
        self._conn.execute(sa.insert(bills).values(row))
        if bill.lines:
            self._conn.execute(
                sa.insert(bill_lines),
                [
                    {
                        "bill_id": bill.bill_id,
                        "line_no": line.line_no,
                        "kind": str(line.kind),
                        "description": line.description,
                        "quantity": line.quantity,
                        "quantity_unit": line.quantity_unit,
                        "rate": line.rate,
                        "rate_unit": line.rate_unit,
                        "amount": line.amount,
                        "determinant_ids": list(line.determinant_ids),
                    }
                    for line in bill.lines
                ],
            )

    def get(self, bill_id: str) -> Bill | None:
        found = _load(self._conn, sa.select(bills).where(_b.bill_id == bill_id))
        return found[0] if found else None

    def latest(self, supply_point_id: str, period_on: date) -> Bill | None:
        query = (
            sa.select(bills)
            .where(_b.supply_point_id == supply_point_id, _b.period_on == period_on)
            .order_by(_b.version.desc())
            .limit(1)
        )
        found = _load(self._conn, query)
        return found[0] if found else None

    def list(self) -> list[Bill]:
        return _load(self._conn, sa.select(bills).order_by(_b.issued_order), every_bill=True)


def _load(connection: sa.Connection, query: sa.Select[Any], every_bill: bool = False) -> list[Bill]:
    """The bills ``query`` selects, with their lines, in the query's order."""
    heads = [row._mapping for row in connection.execute(query)]
    if not heads:
        return []
    lines: dict[str, list[BillLine]] = {head["bill_id"]: [] for head in heads}
    lines_query = sa.select(bill_lines).order_by(_l.bill_id, _l.line_no)
    if not every_bill:
        lines_query = lines_query.where(_l.bill_id.in_(list(lines)))
    for row in connection.execute(lines_query):
        m = row._mapping
        lines[m["bill_id"]].append(
            BillLine(
                line_no=m["line_no"],
                kind=LineKind(m["kind"]),
                description=m["description"],
                quantity=m["quantity"],
                quantity_unit=m["quantity_unit"],
                rate=m["rate"],
                rate_unit=m["rate_unit"],
                amount=m["amount"],
                determinant_ids=tuple(m["determinant_ids"]),
            )
        )
    return [
        Bill(
            supply_point_id=h["supply_point_id"],
            period_on=h["period_on"],
            period_end_on=h["period_end_on"],
            version=h["version"],
            currency=h["currency"],
            tariff_id=h["tariff_id"],
            tariff_version=h["tariff_version"],
            rounding_rule=h["rounding_rule"],
            lines=tuple(lines[h["bill_id"]]),
            supersedes=h["supersedes"],
        )
        for h in heads
    ]
