"""Which data-quality defects a run injects, how each alters a channel-day, and how it is recorded.

Rates are probabilities per channel-day. Each channel-day carries at most one defect (drawn from the
cumulative rates, which must sum to at most 1), so every defect is unambiguous and can be checked to
be found exactly once. ``negatives`` only apply to import channel-days.

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

#: Every defect the generator can inject, in the order rates are accumulated.
DEFECT_KINDS = (
    "gaps",
    "duplicates",
    "spikes",
    "negatives",
    "late_corrections",
    "estimates",
    "malformed",
)


@dataclass(frozen=True, slots=True)
class Defect:
    """One injected defect and where it is. ``line`` is 1-based within ``file``; ``None`` for a gap
    (nothing was written). ``interval`` is the 0-based index into the day's values."""

    kind: str
    file: str
    line: int | None
    supply_point_id: str
    channel: str
    read_on: date
    interval: int | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "supply_point_id": self.supply_point_id,
            "channel": self.channel,
            "read_on": self.read_on.isoformat(),
            "interval": self.interval,
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
    """Validated non-zero rates in :data:`DEFECT_KINDS` order."""
    unknown = sorted(set(defects) - set(DEFECT_KINDS))
    if unknown:
        raise ValueError(f"unknown defect kinds {unknown}; known: {', '.join(DEFECT_KINDS)}")
    for kind, rate in defects.items():
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"defect rate for {kind} must be within [0, 1], got {rate}")
    if sum(defects.values()) > 1.0:
        raise ValueError("defect rates are per channel-day and exclusive: they must sum to <= 1")
    return {kind: defects[kind] for kind in DEFECT_KINDS if defects.get(kind, 0.0) > 0.0}


class DefectDraw:
    """Draws the defect (or none) for each channel-day of one supply point."""

    def __init__(self, rates: Mapping[str, float], rng: random.Random) -> None:
        self.rng = rng
        self._cumulative = {
            direction: _cumulative(
                rates, skip=() if direction is Direction.IMPORT else ("negatives",)
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


def pick_positive(values: list[int], rng: random.Random) -> int | None:
    """A random interval with a positive value (a spike on a zero would be invisible)."""
    positive = [k for k, v in enumerate(values) if v > 0]
    return rng.choice(positive) if positive else None


def altered(values: list[int], rng: random.Random, count: int) -> tuple[list[int], list[int]]:
    """A copy with ``count`` distinct intervals changed by 0.050-0.500 kWh (never to a negative),
    and the sorted indices changed."""
    changed = sorted(rng.sample(range(len(values)), min(count, len(values))))
    copy = list(values)
    for k in changed:
        delta = rng.randint(50, 500)
        copy[k] = copy[k] - delta if copy[k] >= delta and rng.random() < 0.5 else copy[k] + delta
    return copy, changed
