"""What the checks must find for each injected defect, and the rule parameters that decides.

The manifest names, per defect, the validation rule that must find it (``rule``) and what else must
happen (``outcome``), so that "every defect found exactly once, nothing else flagged" can be
checked mechanically. The generator makes defects *clearly* visible to those rules and keeps clean
data clear of them, so it needs the rules' thresholds: the constants below are the ``DEFAULT``
entries of ``interpret/vee/parameters.yaml`` and the estimation defaults of
``interpret/estimate/params.py``. synth does not import the interpret stage (it stays light: see
the package docstring); ``tests/unit/synth/test_synth_truth.py`` keeps the copies equal to the
shipped values, and the manifest records them.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

#: C10 (spike): a day is flagged when (highest - third-highest) / base > tolerance, where base is
#: max(third-highest, base_floor_kw x interval hours).
C10_TOLERANCE = Fraction(3, 2)
C10_BASE_FLOOR_KW = Fraction(1, 2)
#: C7 (zero consumption): zero for this many consecutive days, import channels only.
C7_INTERVAL_DAYS = 7
#: C9 (high/low usage): the comparison window; zero runs are kept a window apart per channel so
#: that two of them never pull one day's history mean down together.
C9_WINDOW_DAYS = 28
#: C21 (prolonged estimation): more than this many consecutive estimated days is an exception.
C21_INTERVAL_DAYS = 30
#: interpret/estimate: gaps up to this long, with actual values on both sides, are interpolated.
MAX_LINEAR_GAP_MINUTES = 120

#: An injected spike's C10 ratio lies in [low, high] x tolerance: never a borderline case.
SPIKE_RATIO_TIMES_TOLERANCE = (Fraction(3), Fraction(4))
#: Clean days keep their C10 ratio at or below this fraction of the tolerance.
CLEAN_RATIO_OF_TOLERANCE = Fraction(2, 3)

#: What must happen besides (or instead of) an exception, per ``outcome``.
OUTCOMES = {
    "exception": "exactly one exception of `rule` on the channel-day over first..last_interval",
    "estimable": "as 'exception'; the gap is short with actual values on both sides, so the "
    "stage may resolve it by linear interpolation (exception resolved, the new version's "
    "intervals estimated, with a method)",
    "rejected": "the record at file:line is rejected at ingest; the day is then missing, so "
    "`rule` (C2) finds it like any missing day",
    "absorbed": "an exact repeat: no exception and no new version",
    "new_version": "a later delivery with changed values: a new version, no exception",
    "flagged": "delivered as estimated/substituted: no exception; every interval keeps a "
    "non-actual quality and a method",
}

_RULES: dict[tuple[str, str | None], tuple[str | None, str]] = {
    ("gaps", None): ("C2", "exception"),
    ("interval_gaps", "short"): ("C2", "estimable"),
    ("interval_gaps", "long"): ("C2", "exception"),
    ("malformed", None): ("C2", "rejected"),
    ("spikes", None): ("C10", "exception"),
    ("negatives", None): ("C4", "exception"),
    ("zero_runs", None): ("C7", "exception"),
    ("duplicates", "conflicting"): ("C3", "exception"),
    ("duplicates", "exact"): (None, "absorbed"),
    ("late_corrections", None): (None, "new_version"),
    ("estimates", None): (None, "flagged"),
}


def expectation(kind: str, variant: str | None = None) -> tuple[str | None, str]:
    """(rule, outcome) for a defect kind; ``variant`` only where it changes them."""
    return _RULES.get((kind, variant)) or _RULES[(kind, None)]


def parameters() -> dict[str, Any]:
    """The thresholds the manifest records (as exact decimal strings where fractional)."""
    return {
        "C7": {"interval_days": C7_INTERVAL_DAYS, "directions": ["import"]},
        "C9": {"window_days": C9_WINDOW_DAYS},
        "C10": {
            "tolerance": _decimal(C10_TOLERANCE),
            "base_floor_kw": _decimal(C10_BASE_FLOOR_KW),
        },
        "C21": {"interval_days": C21_INTERVAL_DAYS},
        "estimation": {"max_linear_gap_minutes": MAX_LINEAR_GAP_MINUTES},
    }


def floor_milli(interval_minutes: int) -> Fraction:
    """C10's base floor for one interval, in milli-kWh (0.5 kW x 30 min = 250 milli-kWh)."""
    return C10_BASE_FLOOR_KW * 1000 * Fraction(interval_minutes, 60)


def spike_ratio(values: list[int], interval_minutes: int) -> Fraction:
    """C10's ratio for a day of milli-kWh values: (highest - third-highest) / base."""
    if len(values) < 3:
        return Fraction(0)
    highest, _, third = sorted(values, reverse=True)[:3]
    return (highest - third) / max(Fraction(third), floor_milli(interval_minutes))


def max_short_gap(interval_minutes: int) -> int:
    """The longest gap, in intervals, that linear interpolation fills."""
    return MAX_LINEAR_GAP_MINUTES // interval_minutes


def _decimal(value: Fraction) -> str:
    text = str(Decimal(value.numerator) / Decimal(value.denominator))
    assert Fraction(text) == value, value  # the thresholds are terminating decimals
    return text
