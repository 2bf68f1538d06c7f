"""Plain-text rendering of run reports and status for people; JSON goes through ``emit_json``."""

from __future__ import annotations

import json
import sys
from typing import Any

from meter2cash.config import Settings
from meter2cash.domain.reads import Rejection
from meter2cash.service.pipeline import RunReport
from meter2cash.service.status import Status


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _row(label: str, value: object) -> str:
    return f"  {label:<24} {value}"


def render_run(report: RunReport) -> list[str]:
    new = report.new_files
    skipped = len(report.files) - len(new)
    lines = ["This run"]
    again = sum(f.status == "reprocessed" for f in new)
    first = f"{len(new) - again} new, {again} reprocessed" if again else f"{len(new)} new"
    lines.append(_row("files read", f"{len(report.files)} ({first}, {skipped} already ingested)"))
    lines.append(_row("records read", sum(f.records for f in new)))
    dupes = sum(f.duplicates for f in new)
    if dupes:
        lines.append(_row("exact duplicates absorbed", dupes))
    rejections = [r for f in new for r in f.rejections]
    lines.append(_row("records rejected", len(rejections)))
    by_reason: dict[str, list[Rejection]] = {}
    for rejection in rejections:
        by_reason.setdefault(rejection.reason_code, []).append(rejection)
    for reason, group in sorted(by_reason.items()):
        lines.append(f"    {reason}: {len(group)}, e.g. {group[0]}")
    if rejections:
        lines.append("    (meter2cash ingest FILE --json lists every rejection with its line)")
    lines.append(_row("channel-days curated", report.curated))
    lines.append(_row("months re-determined", report.months_recomputed))
    lines.append(_row("bills issued", report.bills_issued))
    if report.unrated:
        lines.append(_row("months not billed", len(report.unrated)))
        lines.extend(f"    {reason}" for reason in report.unrated[:5])
        if len(report.unrated) > 5:
            lines.append(f"    ... and {len(report.unrated) - 5} more")
    if not report.did_work:
        lines.append("")
        if not report.files:
            lines.append("No input files found; every stage is up to date; nothing changed.")
        else:
            lines.append(
                "No new work: every file was already ingested and every stage is up to date; "
                "nothing changed."
            )
    return lines


def render_status(status: Status, settings: Settings) -> list[str]:
    counts = status.counts
    totals = ", ".join(f"{amount} {currency}" for currency, amount in status.totals.items()) or "0"
    rules = ", ".join(f"{rule}: {n}" for rule, n in status.issues_by_rule.items())
    reasons = ", ".join(f"{reason}: {n}" for reason, n in status.rejections_by_reason.items())
    return [
        "In store",
        _row("files", status.files),
        _row("records", status.records),
        _row("records rejected", f"{status.rejected}" + (f" ({reasons})" if reasons else "")),
        _row("supply points", counts.supply_points),
        _row(
            "intervals stored",
            f"{counts.intervals} in {counts.channel_days} channel-days "
            f"({counts.versions} versions)",
        ),
        _row("estimates", f"{counts.estimated} intervals not actual (as received)"),
        _row("exceptions (open)", f"{status.open_issues}" + (f" ({rules})" if rules else "")),
        _row("adjustments", _adjustments(status)),
        _row("determinants", status.determinants),
        _row("bills", f"{status.bills} ({status.bill_versions} versions issued)"),
        _row("bill total", totals),
        _row("data directory", settings.data_dir.resolve()),
        _row("database", _redact(settings.resolved_database_url)),
    ]


def _adjustments(status: Status) -> str:
    if not status.adjustments:
        return "0"
    net = ", ".join(f"{d:+f} {u}" for u, d in (status.adjustment_deltas or {}).items())
    return f"{status.adjustments} corrections to hard settlement days (net {net}; not restated)"


def _redact(url: str) -> str:
    """Never print a password from a database URL."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest and ":" in rest.split("@", 1)[0]:
        user = rest.split("@", 1)[0].split(":", 1)[0]
        return f"{scheme}{sep}{user}:***@{rest.split('@', 1)[1]}"
    return url


def status_json(status: Status, settings: Settings) -> dict[str, Any]:
    counts = status.counts
    return {
        "files": status.files,
        "records": status.records,
        "rejected": status.rejected,
        "rejections_by_reason": status.rejections_by_reason,
        "supply_points": counts.supply_points,
        "channel_days": counts.channel_days,
        "intervals": counts.intervals,
        "estimated_intervals": counts.estimated,
        "versions": counts.versions,
        "open_exceptions": status.open_issues,
        "exceptions_by_rule": status.issues_by_rule,
        "adjustments": status.adjustments,
        "adjustment_deltas": {
            u: format(d, "f") for u, d in (status.adjustment_deltas or {}).items()
        },
        "determinants": status.determinants,
        "bills": status.bills,
        "bill_versions": status.bill_versions,
        "bill_totals": {c: format(a, "f") for c, a in status.totals.items()},
        "data_dir": str(settings.data_dir.resolve()),
        "database": _redact(settings.resolved_database_url),
    }
