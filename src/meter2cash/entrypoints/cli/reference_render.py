"""Plain-text rendering of reference loads and configuration timelines for people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from meter2cash.interpret.reference import ReferenceDataError
from meter2cash.service.reference import ReferenceLoadReport, error_line


def error_text(error: ReferenceDataError) -> str:
    """``file:line: where: reason`` when the error names a line, else ``file: where: reason``."""
    line = error_line(error)
    return f"{error.source}:{line}: {error.where}: {error.reason}" if line else str(error)


def render_load(report: ReferenceLoadReport) -> list[str]:
    counts = {o: sum(s.outcome == o for s in report.supply_points) for o in ("new", "corrected")}
    unchanged = len(report.supply_points) - sum(counts.values())
    loaded = [f for f in report.files if f.error is None]
    lines = [
        f"reference data: {len(loaded)} of {len(report.files)} file(s) loaded, "
        f"{len(report.supply_points)} supply point(s): {counts['new']} new, "
        f"{counts['corrected']} corrected, {unchanged} unchanged",
    ]
    for s in report.supply_points:
        spans = f", {len(s.changes)} span(s) changed" if s.changes else ""
        lines.append(
            f"  {s.outcome:<10} {s.supply_point_id:<16} v{s.version}  {s.source_name}{spans}"
        )
    for request in report.reinterpret:
        until = request.to_on.isoformat() if request.to_on else "onwards"
        what = "every channel and register"
        if request.channels is not None:
            named = [*request.channels, *(f"{m}/{r}" for m, r in request.registers)]
            what = ", ".join(named)
        lines.append(f"  reinterpret {request.supply_point_id} {request.from_on}..{until} ({what})")
    if report.mdd is not None:
        lines.append(f"  GB market domain data: {len(report.mdd.sscs)} SSCs")
    lines.extend(f"  error      {error_text(e)}" for e in report.errors)
    return lines


def reference_row(report: ReferenceLoadReport | None, directory: Path) -> list[str]:
    """The ``meter2cash run`` summary line(s) for the reference directory it loaded."""
    label = f"  {'reference data':<24} "
    if report is None:
        return [f"{label}none (no directory {directory}; set M2C_REFERENCE_DIR)"]
    failed = f", {len(report.errors)} file(s) failed" if report.errors else ""
    lines = [
        f"{label}{report.stored_supply_points} supply points "
        f"({report.new_versions} new versions){failed}"
    ]
    lines.extend(f"    {error_text(e)}" for e in report.errors)
    return lines


_GB_LABELS = {
    "profile_class": "profile class",
    "meter_timeswitch_code": "MTC",
    "line_loss_factor_class": "LLFC",
    "standard_settlement_configuration": "SSC",
}


def _series(items: list[dict[str, Any]]) -> str:
    return "; ".join(f"{i['value']} from {i['from']}" for i in items) or "unknown"


def render_configuration(data: dict[str, Any]) -> list[str]:
    lines = [
        f"supply point {data['supply_point_id']}  market {data['market']}  zone {data['zone']}",
        f"version {data['version']} of {len(data['versions'])}, known from {data['known_from']}, "
        f"loaded {data['loaded_at']} from {data['source']}",
        f"  settlement regime  {_series(data['settlement_regime'])}",
        f"  energisation       {_series(data['energisation'])}",
    ]
    for name, items in (data["gb"] or {}).items():
        if items:
            lines.append(f"  {_GB_LABELS.get(name, name):<18} {_series(items)}")
    for period in data["periods"]:
        source = period["source"]
        where = f"  ({source['file_id']}:{source['line']})" if source else ""
        lines.append(
            f"{period['start']} .. {period['end'] or 'open'}  meter {period['meter_serial']} "
            f"({period['started_by']}){where}"
        )
        for c in period["channels"]:
            lines.append(
                f"    channel  {c['channel']:<4} {c['direction']} {c['unit']} "
                f"{c['interval_minutes']} min"
            )
        for r in period["registers"]:
            reads = "".join(
                f" {name} {r[name]}" for name in ("initial_read", "final_read") if r[name]
            )
            lines.append(
                f"    register {r['register_id']:<4} {r['digits']} digits x{r['multiplier']} "
                f"pattern {r['time_pattern'] or '-'} channel {r['channel'] or '-'}{reads}"
            )
    if not data["periods"]:
        lines.append("no meters known")
    return lines
