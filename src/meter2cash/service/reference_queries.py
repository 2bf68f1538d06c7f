"""Read models of reference data for the CLI's JSON (and later the API): plain dicts.

The supply point and its periods are shown in the canonical form they are stored in
(``reference_codec``): UTC instants with ``Z``, exact decimals as strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from meter2cash.domain.errors import NotFoundError
from meter2cash.interpret.reference import ReferenceDataError
from meter2cash.ports import StoredReference, UnitOfWorkFactory
from meter2cash.reference_codec import encode_period, encode_supply_point, utc_text
from meter2cash.service.reference import ReferenceLoadReport, error_line
from meter2cash.service.reference_view import ReferenceView


def _version(stored: StoredReference) -> dict[str, Any]:
    return {
        "version": stored.version,
        "known_from": utc_text(stored.known_from),
        "loaded_at": utc_text(stored.loaded_at),
        "source": stored.source_name,
    }


def configuration(
    uow_factory: UnitOfWorkFactory, supply_point_id: str, known_at: datetime | None = None
) -> dict[str, Any]:
    """A supply point's configuration timeline: the latest version, or the one known at
    ``known_at``, with the list of every stored version."""
    with uow_factory() as uow:
        versions = uow.reference.versions(supply_point_id)
        chosen = uow.reference.latest([supply_point_id], known_at).get(supply_point_id)
    if not versions:
        raise NotFoundError(f"no reference data for supply point {supply_point_id}")
    if chosen is None:
        assert known_at is not None  # without it the latest version is always found
        raise NotFoundError(
            f"no reference data for supply point {supply_point_id} was known at "
            f"{utc_text(known_at)} (the first version is known from "
            f"{utc_text(versions[0].known_from)})"
        )
    return {
        **encode_supply_point(chosen.supply_point),
        **_version(chosen),
        "periods": [encode_period(p) for p in chosen.timeline.periods],
        "versions": [_version(v) for v in versions],
    }


def read_configuration(
    view: ReferenceView, supply_point_id: str, channel: str, start: datetime
) -> dict[str, Any] | None:
    """The configuration an interval starting at ``start`` is read against: ``None`` without
    reference data; ``meter_serial`` ``None`` when no meter is installed then, ``channel``
    ``None`` when the meter in force has no such channel."""
    stored = view.stored(supply_point_id)
    if stored is None:
        return None
    period = stored.timeline.in_force_at(start)
    config = period.channel(channel) if period is not None else None
    return {
        "version": stored.version,
        "known_from": utc_text(stored.known_from),
        "meter_serial": period.meter_serial if period is not None else None,
        "channel": None
        if config is None
        else {
            "channel": config.channel,
            "direction": str(config.direction),
            "unit": str(config.unit),
            "interval_minutes": config.interval_minutes,
        },
    }


def error_json(error: ReferenceDataError) -> dict[str, Any]:
    return {
        "file": error.source,
        "line": error_line(error),
        "where": error.where,
        "reason": error.reason,
        "message": str(error),
    }


def load_report_json(report: ReferenceLoadReport) -> dict[str, Any]:
    """A reference load: per file, per supply point (with the spans that changed), the days to
    interpret again, and the errors with file and line."""
    mdd = report.mdd
    return {
        "files": [
            {
                "path": f.path,
                "kind": f.kind,
                "status": "failed" if f.error else "loaded",
                "supply_points": f.supply_points,
                "error": error_json(f.error) if f.error else None,
            }
            for f in report.files
        ],
        "supply_points": [
            {
                "supply_point_id": s.supply_point_id,
                "outcome": s.outcome,
                "version": s.version,
                "source": s.source_name,
                "changes": [
                    {
                        "start": utc_text(c.start),
                        "end": None if c.end is None else utc_text(c.end),
                        "channels": list(c.channels),
                        "registers": [list(r) for r in c.registers],
                    }
                    for c in s.changes
                ],
            }
            for s in report.supply_points
        ],
        "reinterpret": [
            {
                "supply_point_id": r.supply_point_id,
                "from_on": r.from_on.isoformat(),
                "to_on": None if r.to_on is None else r.to_on.isoformat(),
                "channels": None if r.channels is None else list(r.channels),
                "registers": [list(register) for register in r.registers],
            }
            for r in report.reinterpret
        ],
        "errors": [error_json(e) for e in report.errors],
        "mdd": None if mdd is None else {"version": mdd.version, "sscs": len(mdd.sscs)},
        "new_versions": report.new_versions,
        "stored_supply_points": report.stored_supply_points,
    }
