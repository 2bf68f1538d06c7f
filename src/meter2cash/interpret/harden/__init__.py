"""Hardening: market settlement timetables (data), day states, watermarks, and corrections.

See README.md in this package for the model and which figures are standards.
"""

from meter2cash.interpret.harden.corrections import (
    Change,
    NewVersion,
    NoOp,
    classify_change,
    merge_partial,
)
from meter2cash.interpret.harden.errors import HardeningError
from meter2cash.interpret.harden.load import load_timetables
from meter2cash.interpret.harden.timetable import HardeningState, Offset, Timetable, state_of
from meter2cash.interpret.harden.watermark import (
    RegimeTimeline,
    hard_through,
    state_for,
    watermark,
)

__all__ = [
    "Change",
    "HardeningError",
    "HardeningState",
    "NewVersion",
    "NoOp",
    "Offset",
    "RegimeTimeline",
    "Timetable",
    "classify_change",
    "hard_through",
    "load_timetables",
    "merge_partial",
    "state_for",
    "state_of",
    "watermark",
]
