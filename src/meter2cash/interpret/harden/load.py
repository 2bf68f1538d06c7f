"""Loading timetables from YAML (the shipped ``timetables.yaml`` or an operator's own file)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from meter2cash.domain.errors import DomainError
from meter2cash.interpret.harden.errors import HardeningError
from meter2cash.interpret.harden.timetable import Offset, Timetable

_KEYS = {"market", "zone", "source", "runs", "provisional_from", "hard_from", "frozen_from",
         "holidays"}  # fmt: skip
_TAGS = {"V", "D", "S", "M", "T"}


def load_timetables(path: Path | None = None) -> Mapping[str, Timetable]:
    """Every regime's timetable by name; ``path`` defaults to the shipped ``timetables.yaml``."""
    if path is None:
        text = resources.files(__package__).joinpath("timetables.yaml").read_text("utf-8")
        where = "timetables.yaml (shipped)"
    else:
        text = Path(path).read_text("utf-8")
        where = str(path)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise HardeningError(f"{where}: not valid YAML: {exc}") from exc
    regimes = document.get("regimes") if isinstance(document, dict) else None
    if not isinstance(regimes, dict) or not regimes:
        raise HardeningError(f"{where}: expected a non-empty `regimes:` mapping")
    return MappingProxyType(
        {str(name): _timetable(str(name), body, where) for name, body in regimes.items()}
    )


def _timetable(name: str, body: Any, where: str) -> Timetable:
    context = f"{where}: regime {name}"
    if not isinstance(body, dict):
        raise HardeningError(f"{context}: expected a mapping")
    unknown = set(body) - _KEYS
    missing = {"market", "zone", "runs", "provisional_from", "hard_from"} - set(body)
    if unknown or missing:
        raise HardeningError(
            f"{context}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}"
        )
    runs = body["runs"]
    if not isinstance(runs, dict) or not runs:
        raise HardeningError(f"{context}: `runs` is a non-empty mapping of run -> offset")
    try:
        return _build(name, body, runs, context)
    except HardeningError as exc:
        if str(exc).startswith(where):
            raise
        raise HardeningError(f"{where}: {exc}") from None
    except DomainError as exc:  # e.g. an unknown time zone
        raise HardeningError(f"{context}: {exc}") from None


def _build(name: str, body: dict[str, Any], runs: dict[Any, Any], context: str) -> Timetable:
    return Timetable(
        regime=name,
        market=str(body["market"]),
        zone=str(body["zone"]),
        source=str(body.get("source", "")),
        runs=MappingProxyType(
            {str(run): _offset(run, spec, context) for run, spec in runs.items()}
        ),
        provisional_from=str(body["provisional_from"]),
        hard_from=str(body["hard_from"]),
        frozen_from=None if body.get("frozen_from") is None else str(body["frozen_from"]),
        holidays=frozenset(_date(h, context) for h in body.get("holidays") or ()),
    )


def _offset(run: object, spec: Any, context: str) -> Offset:
    if not isinstance(spec, dict) or not set(spec) <= {"days", "months", "working_days", "tag"}:
        raise HardeningError(f"{context}: run {run}: expected {{days|months|working_days, tag}}")
    tag = str(spec.get("tag", "T"))
    if tag not in _TAGS:
        raise HardeningError(f"{context}: run {run}: tag {tag!r} is not one of {sorted(_TAGS)}")
    counts = {key: spec.get(key, 0) for key in ("days", "months", "working_days")}
    if not all(isinstance(c, int) and not isinstance(c, bool) for c in counts.values()):
        raise HardeningError(f"{context}: run {run}: offsets are whole numbers")
    try:
        return Offset(**counts, tag=tag)
    except HardeningError as exc:
        raise HardeningError(f"{context}: run {run}: {exc}") from None


def _date(value: object, context: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise HardeningError(f"{context}: holiday {value!r} is not an ISO date") from None
