"""Read models for the CLI's JSON output (and later the API): plain dicts, exact values as strings.

Instants are UTC RFC 3339 strings; energy and money are decimal strings, never JSON numbers, so no
consumer can lose precision by parsing them as floats.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from meter2cash.domain.billing import Bill, BillLine
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.quantity import format_micro
from meter2cash.domain.validation import IssueStatus
from meter2cash.ports import ExceptionAction, StoredChannelDay, UnitOfWork, UnitOfWorkFactory
from meter2cash.service.reference_queries import read_configuration
from meter2cash.service.reference_view import ReferenceView
from meter2cash.service.status import latest_bills


def _utc(instant: Any) -> str:
    return str(instant.isoformat().replace("+00:00", "Z"))


def reads(
    uow_factory: UnitOfWorkFactory,
    supply_point_id: str,
    from_on: date,
    to_on: date,
    channel: str | None = None,
) -> list[dict[str, Any]]:
    """Every interval of the latest version of each channel-day with ``from_on <= day < to_on``."""
    with uow_factory() as uow:
        if supply_point_id not in uow.intervals.supply_point_ids():
            raise NotFoundError(f"unknown supply point {supply_point_id}")
        stored = uow.intervals.latest(supply_point_id, from_on, to_on, channel)
        reference = ReferenceView.load(uow, [supply_point_id])
    rows: list[dict[str, Any]] = []
    for s in stored:
        for read in s.channel_day.intervals():
            rows.append(
                {
                    "supply_point_id": read.supply_point_id,
                    "channel": read.channel,
                    "start": _utc(read.interval.start),
                    "end": _utc(read.interval.end),
                    "value": None if read.energy is None else format(read.energy, "f"),
                    "unit": str(read.unit),
                    "quality": str(read.quality),
                    "method": read.method,
                    "reason": read.reason,
                    "version": s.version,
                    "billable": s.billable,
                    "source": {
                        "file_id": read.source.file_id,
                        "line": read.source.line,
                        "segment": read.source.segment,
                    },
                    "configuration": read_configuration(
                        reference, read.supply_point_id, read.channel, read.interval.start
                    ),
                }
            )
    return rows


def exceptions(
    uow_factory: UnitOfWorkFactory,
    status: IssueStatus | None = None,
    supply_point_id: str | None = None,
    rule: str | None = None,
) -> list[dict[str, Any]]:
    """Exceptions matching the filters, each with its resolution and its audit trail."""
    with uow_factory() as uow:
        stored = uow.issues.list(status, supply_point_id, rule)
        actions = uow.audit.for_issues(s.id for s in stored)
    return [
        {
            "id": s.id,
            "rule": s.issue.rule,
            "rule_version": s.issue.rule_version,
            "severity": str(s.issue.severity),
            "status": str(s.issue.status),
            "supply_point_id": s.issue.supply_point_id,
            "channel": s.issue.channel,
            "read_on": s.issue.read_on.isoformat(),
            "first_interval": s.issue.first_interval,
            "last_interval": s.issue.last_interval,
            "detail": s.issue.detail,
            "values": list(s.issue.values),
            "channel_day_version": s.issue.channel_day_version,
            "source": {
                "file_id": s.issue.source.file_id,
                "line": s.issue.source.line,
                "segment": s.issue.source.segment,
            },
            "resolution": None if s.resolution is None else str(s.resolution),
            "note": s.note,
            "actions": [exception_action_json(a) for a in actions.get(s.id, [])],
        }
        for s in stored
    ]


def exception_action_json(action: ExceptionAction) -> dict[str, Any]:
    return {
        "id": action.id,
        "action": action.action,
        "actor": action.actor,
        "note": action.note,
        "at": _utc(action.at),
        "status_before": str(action.status_before),
        "status_after": str(action.status_after),
        "result": action.result,
    }


def _line(bill: Bill, line: BillLine) -> dict[str, Any]:
    return {
        "line_id": line.line_id(bill.bill_id),
        "line_no": line.line_no,
        "kind": str(line.kind),
        "description": line.description,
        "quantity": format(line.quantity, "f"),
        "quantity_unit": line.quantity_unit,
        "rate": format(line.rate, "f"),
        "rate_unit": line.rate_unit,
        "amount": format(line.amount, "f"),
        "determinant_ids": list(line.determinant_ids),
    }


def bill_json(bill: Bill) -> dict[str, Any]:
    return {
        "bill_id": bill.bill_id,
        "supply_point_id": bill.supply_point_id,
        "period_start": bill.period_on.isoformat(),
        "period_end": bill.period_end_on.isoformat(),
        "version": bill.version,
        "supersedes": bill.supersedes,
        "currency": bill.currency,
        "tariff": {"id": bill.tariff_id, "version": bill.tariff_version},
        "rounding_rule": bill.rounding_rule,
        "total": format(bill.total, "f"),
        "lines": [_line(bill, line) for line in bill.lines],
    }


def bills(uow_factory: UnitOfWorkFactory, include_superseded: bool = False) -> list[dict[str, Any]]:
    with uow_factory() as uow:
        stored = uow.bills.list()
    chosen = stored if include_superseded else latest_bills(stored)
    return [bill_json(b) for b in chosen]


def _channel_day_lineage(uow: UnitOfWork, s: StoredChannelDay) -> dict[str, Any]:
    day = s.channel_day
    source_file = uow.files.get(day.source.file_id)
    return {
        "channel_day_id": s.id,
        "version": s.version,
        "superseded_by": s.superseded_by,
        "billable": s.billable,
        "supply_point_id": day.supply_point_id,
        "channel": day.channel,
        "read_on": day.read_on.isoformat(),
        "intervals": len(day.values),
        "qualities": "".join(day.qualities),
        "source": {
            "file_id": day.source.file_id,
            "line": day.source.line,
            "segment": day.source.segment,
            "file_name": source_file.name if source_file else None,
        },
    }


def lineage(uow_factory: UnitOfWorkFactory, line_id: str) -> dict[str, Any]:
    """A bill line explained: its determinants, their channel-day versions, and the source records."""
    bill_id, sep, number = line_id.rpartition("-L")
    if not sep or not number.isdigit():
        raise NotFoundError(f"not a bill line id: {line_id!r} (expected <bill id>-L<n>)")
    with uow_factory() as uow:
        bill = uow.bills.get(bill_id)
        if bill is None or not 1 <= int(number) <= len(bill.lines):
            raise NotFoundError(f"no bill line {line_id}")
        line = bill.lines[int(number) - 1]
        determinants = []
        for det_id in line.determinant_ids:
            stored = uow.determinants.get(det_id)
            det = stored.determinant
            determinants.append(
                {
                    "determinant_id": stored.id,
                    "version": stored.version,
                    "kind": str(det.kind),
                    "channel": det.channel,
                    "period_on": det.period_on.isoformat(),
                    "quantity": format_micro(det.quantity_micro),
                    "unit": det.unit,
                    "channel_days": [
                        _channel_day_lineage(uow, uow.intervals.get(i)) for i in det.channel_day_ids
                    ],
                }
            )
    return {
        "bill_line": _line(bill, line),
        "bill": {k: v for k, v in bill_json(bill).items() if k != "lines"},
        "determinants": determinants,
    }


def adjustments(
    uow_factory: UnitOfWorkFactory, supply_point_id: str | None = None
) -> list[dict[str, Any]]:
    """Adjustments with the correcting values, so an operator sees what changed on the hard day."""
    with uow_factory() as uow:
        stored = uow.adjustments.list(supply_point_id)
    return [
        {
            "id": s.id,
            "supply_point_id": a.supply_point_id,
            "channel": a.channel,
            "from_on": a.from_on.isoformat(),
            "to_on": a.to_on.isoformat(),
            "delta": format(a.delta, "f"),
            "unit": str(a.unit),
            "reason": str(a.reason),
            "reason_text": a.reason_text,
            "old_version_id": a.old_version_id,
            "new_version_id": a.new_version_id,
            "created_at": a.created_at.isoformat().replace("+00:00", "Z"),
            "settlement_impact": str(a.settlement_impact),
            "correction": {
                "values": ["" if v is None else format(v, "f") for v in s.correction.values],
                "qualities": "".join(s.correction.qualities),
                "source": {
                    "file_id": s.correction.source.file_id,
                    "line": s.correction.source.line,
                    "segment": s.correction.source.segment,
                },
            },
        }
        for s in stored
        for a in [s.adjustment]
    ]
