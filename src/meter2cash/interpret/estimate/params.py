"""What estimation needs besides the day itself: the market's parameters and the day's context.

Parameters per market (:func:`params_for`) — every one configurable; tags as ``market-rules.md``:

| market | max linear gap | like-day window | quality of estimates |
|---|---|---|---|
| GB | 2 h = 4 half-hours [T, anchored on CA <= 2 h [V]] | ±1 month, same weekday [V BSCP502] | ``E`` — D0036/D0275 carry an Actual/Estimated indicator [M] |
| AU | 2 h [T] (AEMO Part B limit not retrievable) | ±28 days [T], WA method-14 weekday order [V] | ``S`` — past data replaced: "Substituted"; ``E`` is a *forward* estimate [V AEMO-FLAGS] |
| IESO | 1 h [V/S] | previous 3 weeks [V/S], same weekday [T] | ``E`` [T] |
| DE, OTHER | 2 h [T] | ±1 month, same weekday [T] | ``E`` [T] |

A caller making *forward* estimates in the NEM passes ``replace(params, quality=Quality.ESTIMATED)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from meter2cash.domain.reads import Quality
from meter2cash.interpret.estimate.like_day import LIKE_DAY_RULES, LikeDayRule
from meter2cash.interpret.estimate.profile import Coefficient

#: The reason an estimate carries when the caller knows none [T].
DEFAULT_REASON = "no usable value"


@dataclass(frozen=True, slots=True)
class EstimationParams:
    """A market's estimation parameters (see the module table for sources)."""

    max_linear_gap: timedelta = timedelta(hours=2)
    like_day: LikeDayRule = LIKE_DAY_RULES["OTHER"]
    quality: Quality = Quality.ESTIMATED

    def max_linear_intervals(self, interval_minutes: int) -> int:
        return self.max_linear_gap // timedelta(minutes=interval_minutes)


_PARAMS = {
    "GB": EstimationParams(like_day=LIKE_DAY_RULES["GB"]),
    "AU": EstimationParams(like_day=LIKE_DAY_RULES["AU"], quality=Quality.SUBSTITUTED),
    "IESO": EstimationParams(max_linear_gap=timedelta(hours=1), like_day=LIKE_DAY_RULES["IESO"]),
    "DE": EstimationParams(like_day=LIKE_DAY_RULES["DE"]),
    "OTHER": EstimationParams(like_day=LIKE_DAY_RULES["OTHER"]),
}


def params_for(market: str) -> EstimationParams:
    """The parameters of ``market`` (``GB``, ``AU``, ``IESO``, ``DE``); others get ``OTHER``'s."""
    return _PARAMS.get(market, _PARAMS["OTHER"])


@dataclass(frozen=True, slots=True)
class EstimationContext:
    """What is known about the day besides its values.

    ``reason`` explains the gap (e.g. the head-end's "offline since …" report) and is carried by
    every estimate; ``zero_fill_reason`` is the positive reason that makes zero the estimate
    (de-energised, known vacancy) and, when given, wins over every other method. ``eac`` (annual
    consumption, in the channel's unit) with ``profile`` (one coefficient per interval of the day,
    fractions of a year; the flat team default when ``None``) enables profile estimation.
    ``before_day``/``after_day`` are the neighbouring days' edge intervals in micro-units, if
    actual, for interpolating across midnight. ``excluded_days`` are never like days (outages).
    """

    reason: str | None = None
    zero_fill_reason: str | None = None
    eac: Decimal | None = None
    profile: Sequence[Coefficient] | None = None
    holidays: frozenset[date] = frozenset()
    excluded_days: frozenset[date] = frozenset()
    before_day: int | None = None
    after_day: int | None = None
