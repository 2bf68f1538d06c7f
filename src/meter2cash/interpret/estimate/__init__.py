"""Estimation: pure functions that fill a channel-day's gaps, each estimate flagged and explained.

See README.md in this package for the methods, their order and which parameters are standards.
"""

from meter2cash.interpret.estimate.arithmetic import apportion, round_preserving_sum
from meter2cash.interpret.estimate.day import DayValues, local_slots
from meter2cash.interpret.estimate.like_day import (
    LIKE_DAY_RULES,
    SAME_DAY_ONLY,
    WA_METHOD_14,
    LikeDayRule,
    like_day_values,
    select_like_days,
)
from meter2cash.interpret.estimate.linear import interpolate, interpolate_gaps
from meter2cash.interpret.estimate.methods import (
    EstimationError,
    Method,
    NemMeteringType,
    nem_method_flag,
)
from meter2cash.interpret.estimate.orchestrator import (
    EstimationResult,
    EstimationStep,
    estimate_day,
)
from meter2cash.interpret.estimate.params import (
    DEFAULT_REASON,
    EstimationContext,
    EstimationParams,
    params_for,
)
from meter2cash.interpret.estimate.profile import flat_coefficients, profile_values
from meter2cash.interpret.estimate.scaling import scale_to_advance
from meter2cash.interpret.estimate.zero_fill import zero_fill

__all__ = [
    "DEFAULT_REASON",
    "LIKE_DAY_RULES",
    "SAME_DAY_ONLY",
    "WA_METHOD_14",
    "DayValues",
    "EstimationContext",
    "EstimationError",
    "EstimationParams",
    "EstimationResult",
    "EstimationStep",
    "LikeDayRule",
    "Method",
    "NemMeteringType",
    "apportion",
    "estimate_day",
    "flat_coefficients",
    "interpolate",
    "interpolate_gaps",
    "like_day_values",
    "local_slots",
    "nem_method_flag",
    "params_for",
    "profile_values",
    "round_preserving_sum",
    "scale_to_advance",
    "select_like_days",
    "zero_fill",
]
