"""Zero-fill: an estimate of no energy, allowed only with a positive reason.

``market-rules.md`` §3.6 [V]: zero-fill only with a positive reason (de-energised, disconnected,
both gap ends outage for <= 2 h per the CA proposal) — AEMO method flags 19 / 58 / 68. The CA
"both ends are outage intervals" proposal was never finalised, so it is not applied automatically
here; a caller that knows it passes the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from meter2cash.interpret.estimate.methods import EstimationError


def zero_fill(indices: Sequence[int], *, reason: str) -> dict[int, int]:
    """Zero for each index — only with a positive reason (``market-rules.md`` §3.6 [V]).

    A zero is a claim that no energy flowed (de-energised, disconnected, a known vacancy), never a
    default for "no data": without a reason this refuses.
    """
    if not isinstance(reason, str) or not reason.strip():
        raise EstimationError("zero-fill needs a positive reason (e.g. de-energised, vacant)")
    return dict.fromkeys(indices, 0)
