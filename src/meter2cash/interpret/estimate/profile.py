"""Profile (annual consumption) estimation where no usable history exists (``market-rules.md`` §3.4).

"Where a site … has no previous HH history, BSCP502 requires the use of EAC/Profile Class to
estimate the HH data" [V CP0638]. The estimate for a period P is ``E_P = EAC x Σ_{j∈P} c_j``, the
coefficients being fractions of a year's consumption (SVAA Daily Profile Coefficients per GSP
Group/Profile Class/SSC/TPR, flow D0039, and per half-hour Period Profile Coefficients) [formula
M, principle of BSC Annex S-2; coefficients over a year sum to about 1].

Coefficients are an *input* (one per interval of the day): this module does not own profile data.
:func:`flat_coefficients` is the team's built-in default for when none is supplied [T]: a flat
load — each day ``1 / days in its year``, split equally over the day's intervals (so a 23- or
25-hour clock-change day still gets one day's share). The estimates for a gap sum to
``round_half_even(EAC x Σ c_j)`` micro-units exactly, each within one micro-unit of its exact share.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from meter2cash.domain.quantity import to_micro
from meter2cash.interpret.estimate.arithmetic import round_preserving_sum
from meter2cash.interpret.estimate.methods import EstimationError

Coefficient = Fraction | Decimal | int


def flat_coefficients(read_on: date, intervals: int) -> tuple[Fraction, ...]:
    """A flat profile: ``1 / (days in the year x intervals in the day)`` for each interval [T]."""
    days = 366 if calendar.isleap(read_on.year) else 365
    return (Fraction(1, days * intervals),) * intervals


def profile_values(
    eac: Decimal, coefficients: Sequence[Coefficient], indices: Sequence[int]
) -> dict[int, int]:
    """EAC x coefficient for each index, in micro-units, summing to the period's EAC share."""
    if eac < 0:
        raise EstimationError(f"an EAC is not negative, got {eac} (CP1311: use a default EAC)")
    shares = [Fraction(coefficients[k]) for k in indices]
    if any(c < 0 for c in shares):
        raise EstimationError("profile coefficients are not negative")
    eac_micro = to_micro(eac)
    return dict(zip(indices, round_preserving_sum([eac_micro * c for c in shares]), strict=True))
