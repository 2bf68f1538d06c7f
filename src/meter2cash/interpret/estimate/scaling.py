"""Scaling estimates to a register advance (``market-rules.md`` §3.2).

BSCP502 allows "the use of actual meter advances in conjunction with previous data" (§4.2.1 (c) 3)
[V CP0638]: the shape comes from the estimate, the volume from the advance. Itron scales so that
"estimated + actual intervals equal the register advance" [V ITRON]. The actual (fixed) part is
never touched; only the estimates are scaled:

    scaled_k = raw_k x (Advance - Σfixed) / Σraw

computed exactly and shared out by largest remainder, so ``Σfixed + Σscaled == Advance`` to the
micro-unit. Team choices [T]: when every raw estimate is zero the remainder is spread flat (equal
shares: the only shape zeros can take); an advance below the fixed total (the actuals alone
exceed it) is refused — scaling would make negative energy, and the mismatch is a sum-check
(C11) finding, not something to hide in the estimates.
"""

from __future__ import annotations

from collections.abc import Sequence

from meter2cash.interpret.estimate.arithmetic import apportion
from meter2cash.interpret.estimate.methods import EstimationError


def scale_to_advance(values: Sequence[int], scalable: Sequence[bool], advance: int) -> list[int]:
    """``values`` with the ``scalable`` ones scaled so that the whole sums to ``advance``.

    Values are micro-units over the period the advance covers (one day, or several days'
    values concatenated); non-scalable values are the fixed part and are returned unchanged.
    """
    if len(values) != len(scalable):
        raise EstimationError("values and the scalable mask must have the same length")
    fixed = sum(v for v, s in zip(values, scalable, strict=True) if not s)
    remainder = advance - fixed
    raw = [v for v, s in zip(values, scalable, strict=True) if s]
    if not raw:
        if remainder:
            raise EstimationError(
                f"nothing to scale, and the fixed values sum to {fixed}, not the advance {advance}"
            )
        return list(values)
    if remainder < 0:
        raise EstimationError(
            f"the advance {advance} is below the fixed values' total {fixed}: not scaled"
        )
    if any(v < 0 for v in raw):
        raise EstimationError("cannot scale negative estimates to an advance")
    scaled = iter(apportion(remainder, raw))
    return [next(scaled) if s else v for v, s in zip(values, scalable, strict=True)]
