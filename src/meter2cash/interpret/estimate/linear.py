"""Point-to-point linear interpolation for short gaps (``market-rules.md`` §3.1).

For a gap of *n* intervals between actual end points v0 (before) and v1 (after),
``estimate_k = v0 + (v1 - v0) * k / (n + 1)``, k = 1..n [V CA-VEE §4, ORCL D2-INTINTEST].

* Maximum gap: configurable; CA allows <= 2 hours [V], IESO <= 1 hour [V/S], Oracle "a
  configurable maximum number of consecutive intervals" [V]. Team default 2 hours = 4 UK
  half-hours [T].
* Both end points must be actual values [V CA: "intervals containing a power failure cannot be
  used as end points"] — mark such intervals as needing estimation and they stop being end points.
  A gap open on one side is not interpolated (Oracle would copy the one value, a "flat load";
  the team default falls through to like-day instead [T]).
* Exactness: the n exact values sum to n(v0 + v1)/2; that total is rounded half-even to a
  micro-unit and shared out by largest remainder
  (:func:`~meter2cash.interpret.estimate.arithmetic.round_preserving_sum`), so each estimate is
  within one micro-unit of its exact value and the estimates sum to the interpolated total.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction

from meter2cash.interpret.estimate.arithmetic import round_preserving_sum
from meter2cash.interpret.estimate.methods import EstimationError


def interpolate(before: int, after: int, n: int) -> list[int]:
    """The n interpolated micro-unit values strictly between ``before`` and ``after``."""
    if n < 1:
        raise EstimationError(f"a gap has at least one interval, got {n}")
    step = Fraction(after - before, n + 1)
    return round_preserving_sum([before + step * k for k in range(1, n + 1)])


def runs(flags: Sequence[bool]) -> Iterator[tuple[int, int]]:
    """Maximal runs of ``True`` as half-open ``(first, end)`` index pairs."""
    start: int | None = None
    for k, flagged in enumerate(flags):
        if flagged and start is None:
            start = k
        elif not flagged and start is not None:
            yield start, k
            start = None
    if start is not None:
        yield start, len(flags)


def interpolate_gaps(
    values: Sequence[int | None],
    actual: Sequence[bool],
    gaps: Sequence[bool],
    max_intervals: int,
    *,
    before_day: int | None = None,
    after_day: int | None = None,
) -> dict[int, int]:
    """Interpolate every run of ``gaps`` no longer than ``max_intervals`` with actual end points.

    ``actual[k]`` says interval k may be an end point (an actual value, not itself in a gap).
    ``before_day``/``after_day`` are the actual values of the interval just before the day and
    just after it (the neighbouring days' edge intervals), so a gap at midnight can still be
    interpolated; ``None`` when unknown or not actual. Returns ``{index: micro-units}``.
    """
    found: dict[int, int] = {}
    n = len(values)
    for first, end in runs(gaps):
        if end - first > max_intervals:
            continue
        left = before_day if first == 0 else _endpoint(values, actual, gaps, first - 1)
        right = after_day if end == n else _endpoint(values, actual, gaps, end)
        if left is None or right is None:
            continue
        found.update(zip(range(first, end), interpolate(left, right, end - first), strict=True))
    return found


def _endpoint(
    values: Sequence[int | None], actual: Sequence[bool], gaps: Sequence[bool], k: int
) -> int | None:
    value = values[k]
    return value if actual[k] and not gaps[k] else None
