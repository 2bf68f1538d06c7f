"""Exact arithmetic for estimates: one rounding rule, applied once, that preserves totals.

Estimates are computed exactly (``Fraction``) and rounded once to integer micro-units (10^-6 of
the channel's unit, :mod:`meter2cash.domain.quantity`). Where the estimated values must add up to
a total (an interpolated span, a register advance, an EAC share), rounding each value on its own
could lose or invent micro-units, so :func:`round_preserving_sum` rounds the *total* half-even
and then hands out the remaining micro-units by largest remainder (Hamilton's method; ties go to
the earliest interval). Each value then ends within one micro-unit of its exact quota, and the
values sum to the rounded exact total — to the micro-unit. [T]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

from meter2cash.interpret.estimate.methods import EstimationError


def round_half_even(value: Fraction) -> int:
    """Round to the nearest integer, ties to even (Python's ``round`` on a ``Fraction``)."""
    return round(value)


def round_preserving_sum(quotas: Sequence[Fraction]) -> list[int]:
    """Integers within one of each exact quota whose sum is ``round_half_even(sum(quotas))``."""
    if not quotas:
        return []
    total = round_half_even(sum(quotas, Fraction(0)))
    floors = [math.floor(q) for q in quotas]
    short = total - sum(floors)  # 0 <= short <= len(quotas): the fractional parts sum below n
    by_remainder = sorted(range(len(quotas)), key=lambda k: (-(quotas[k] - floors[k]), k))
    for k in by_remainder[:short]:
        floors[k] += 1
    return floors


def apportion(total: int, weights: Sequence[Fraction | int]) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights``, exactly (sums to ``total``).

    All-zero weights split the total equally — a flat load, the only shape zeros can scale to.
    """
    if not weights:
        if total:
            raise EstimationError(f"cannot apportion {total} over no intervals")
        return []
    if any(w < 0 for w in weights):
        raise EstimationError("apportioning needs non-negative weights")
    weight_sum = sum((Fraction(w) for w in weights), Fraction(0))
    if weight_sum == 0:
        return round_preserving_sum([Fraction(total, len(weights))] * len(weights))
    return round_preserving_sum([total * Fraction(w) / weight_sum for w in weights])


def mean_micro(values: Sequence[int]) -> int:
    """The mean of integer micro-unit values, rounded half-even to a micro-unit."""
    if not values:
        raise EstimationError("the mean of no values is undefined")
    return round_half_even(Fraction(sum(values), len(values)))
