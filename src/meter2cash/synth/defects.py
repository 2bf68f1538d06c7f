"""Which data-quality defects a run injects, how each alters a channel-day, and how it is recorded.

Rates are probabilities per channel-day. Each channel-day carries at most one defect (drawn from the
cumulative rates, which must sum to at most 1), so every defect is unambiguous and can be checked to
be found exactly once. ``negatives`` and ``zero_runs`` only apply to import channel-days; a zero run
takes C7's seven consecutive days of one channel (no other defect on them) and is recorded on the
last, the day C7 flags.

Defect draws use their own random stream, separate from the values' stream, so a run with defects
has exactly the same values as the run without them everywhere except at the recorded defects.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from meter2cash.domain.reads import Direction, Quality

#: The defect kinds of the first generator, in the order rates are accumulated.
DEFECT_KINDS = (
    "gaps",
    "duplicates",
    "spikes",
    "negatives",
    "late_corrections",
    "estimates",
    "malformed",
)
#: Kinds added with the ground-truth manifest: gaps inside a day ("short" ones interpolable, "long"
#: ones not) and zero-consumption runs (C7). Kept out of ``DEFECT_KINDS`` for now: callers sweep
#: "every kind" of that tuple at one rate and map each to its rule
#: (``tests/unit/interpret/vee/test_synthetic_data.py``); fold these in once those maps know them.
ADDED_DEFECT_KINDS = ("interval_gaps", "zero_runs")
#: Every kind :func:`~meter2cash.synth.generate` accepts, in the order rates are accumulated.
ALL_DEFECT_KINDS = DEFECT_KINDS + ADDED_DEFECT_KINDS
_IMPORT_ONLY = ("negatives", "zero_runs")


@dataclass(frozen=True, slots=True)
class Defect:
    """One injected defect, where it is, and what must find it.

    ``line`` is 1-based within ``file``; ``None`` where nothing was written (a missing day: its
    ``detail["after_line"]`` says where it would have been). ``first_interval``/``last_interval``
    are 0-based indices into the day's values, inclusive (``None`` for an exact duplicate, which
    changes nothing). ``rule`` and ``outcome`` are the expectation (:mod:`meter2cash.synth.truth`).
    """

    kind: str
    file: str
    line: int | None
    supply_point_id: str
    channel: str
    read_on: date
    first_interval: int | None = None
    last_interval: int | None = None
    rule: str | None = None
    outcome: str = "exception"
    detail: Mapping[str, Any] = field(default_factory=dict)

    @property
    def interval(self) -> int | None:
        """The one interval concerned, for a defect on a single interval; else ``None``."""
        if self.first_interval is not None and self.first_interval == self.last_interval:
            return self.first_interval
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "supply_point_id": self.supply_point_id,
            "channel": self.channel,
            "read_on": self.read_on.isoformat(),
            "first_interval": self.first_interval,
            "last_interval": self.last_interval,
            "file": self.file,
            "line": self.line,
            "rule": self.rule,
            "outcome": self.outcome,
            "detail": dict(self.detail),
        }


@dataclass(frozen=True, slots=True)
class DayFlags:
    """A whole day's quality in canonical terms and in NEM12 300-record terms."""

    quality: Quality
    method: str | None
    reason: str | None
    nem_quality_method: str
    nem_reason_code: str = ""
    nem_reason_description: str = ""


ACTUAL = DayFlags(Quality.ACTUAL, None, None, "A")
#: NEM12 E52: forward estimate, method 52 "previous read" (MDFF quality/method flags).
ESTIMATED = DayFlags(Quality.ESTIMATED, "PREVIOUS_READ", None, "E52")
#: NEM12 S53: substitute, method 53 "revision"; S needs a reason code, 0 = free text, text required.
SUBSTITUTED = DayFlags(
    Quality.SUBSTITUTED, "MANUAL_ADJ", "0 synthetic revision", "S53", "0", "synthetic revision"
)


def checked_rates(defects: Mapping[str, float]) -> dict[str, float]:
    """Validated non-zero rates in :data:`ALL_DEFECT_KINDS` order."""
    unknown = sorted(set(defects) - set(ALL_DEFECT_KINDS))
    if unknown:
        raise ValueError(f"unknown defect kinds {unknown}; known: {', '.join(ALL_DEFECT_KINDS)}")
    for kind, rate in defects.items():
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"defect rate for {kind} must be within [0, 1], got {rate}")
    if sum(defects.values()) > 1.0:
        raise ValueError("defect rates are per channel-day and exclusive: they must sum to <= 1")
    return {kind: defects[kind] for kind in ALL_DEFECT_KINDS if defects.get(kind, 0.0) > 0.0}


class DefectDraw:
    """Draws the defect (or none) for each channel-day of one supply point."""

    def __init__(self, rates: Mapping[str, float], rng: random.Random) -> None:
        self.rng = rng
        self._cumulative = {
            direction: _cumulative(
                rates, skip=() if direction is Direction.IMPORT else _IMPORT_ONLY
            )
            for direction in (Direction.IMPORT, Direction.EXPORT)
        }

    def draw(self, direction: Direction) -> str | None:
        r = self.rng.random()
        for bound, kind in self._cumulative[direction]:
            if r < bound:
                return kind
        return None


def _cumulative(rates: Mapping[str, float], skip: tuple[str, ...]) -> list[tuple[float, str]]:
    bounds, total = [], 0.0
    for kind, rate in rates.items():
        if kind not in skip:
            total += rate
            bounds.append((total, kind))
    return bounds
