"""How each defect changes a day's values (integer milli-kWh), sized against the rules' thresholds.

Every change is either clearly a defect for the rule meant to find it (a spike well past C10's
tolerance, a negative) or clearly not one for any rule (a correction's small change), so a check
never has to guess at a borderline case.
"""

from __future__ import annotations

import heapq
import math
import random
from fractions import Fraction

from meter2cash.synth.truth import (
    C10_TOLERANCE,
    CLEAN_RATIO_OF_TOLERANCE,
    SPIKE_RATIO_TIMES_TOLERANCE,
    floor_milli,
    max_short_gap,
)

#: A corrected or conflicting value differs by 1-10 % of the original (a zero becomes 0.001-0.020):
#: a plausible re-read, never a spike of its own, never negative.
_ZERO_STEP_MAX = 20


def pick_positive(values: list[int], rng: random.Random) -> int | None:
    """A random interval with a positive value (a spike on a zero day would be no meter fault)."""
    positive = [k for k, v in enumerate(values) if v > 0]
    return rng.choice(positive) if positive else None


def spike_value(values: list[int], k: int, rng: random.Random, interval_minutes: int) -> int:
    """The value at ``k`` that makes the day a clear C10 spike: the day's highest value, with a
    C10 ratio of 3-4 x the tolerance (the third-highest of the day is the second-highest of the
    others). Sized on the day, not as a multiple of the original, so that it is visible on any
    day and never so large that the day total trips C9's high-usage limit as well."""
    second, third = heapq.nlargest(2, values[:k] + values[k + 1 :])
    base = max(Fraction(third), floor_milli(interval_minutes))
    low, high = SPIKE_RATIO_TIMES_TOLERANCE
    times = low + (high - low) * Fraction(rng.randint(0, 100), 100)
    return max(third + math.ceil(C10_TOLERANCE * times * base), second + 1)


def negative_value(values: list[int], k: int, rng: random.Random) -> int:
    original = values[k]
    return -original if original > 0 else -rng.randint(1, 500)


def altered(values: list[int], rng: random.Random, count: int) -> tuple[list[int], list[int]]:
    """A copy with ``count`` distinct intervals changed by 1-10 % (never above the day's highest
    value, never negative), and the sorted indices changed."""
    changed = sorted(rng.sample(range(len(values)), min(count, len(values))))
    copy = list(values)
    top = max(values)
    for k in changed:
        value = copy[k]
        if value == 0:
            copy[k] = rng.randint(1, _ZERO_STEP_MAX)
            continue
        step = rng.randint(1, max(1, value // 10))
        down = value + step > top or rng.random() < 0.5
        copy[k] = value - step if down else value + step
    return copy, changed


def interval_gap(
    values: list[int], rng: random.Random, interval_minutes: int, variant: str
) -> tuple[int, int] | None:
    """(first, last) of a gap inside the day, with a value on both sides; ``None`` if none fits.
    "short": at most the longest gap linear interpolation fills (2 h); "long": longer, up to 3x.

    The gap avoids the day's three highest values: C10 judges the values that are left, and a gap
    over the peak would leave a highest value standing out from a lower third-highest — a spike
    by C10's arithmetic that is not a meter fault."""
    count, short = len(values), max_short_gap(interval_minutes)
    length = rng.randint(1, short) if variant == "short" else rng.randint(short + 1, 3 * short)
    top = heapq.nlargest(3, range(count), key=values.__getitem__)
    free = [True] * count
    for k in top:
        free[k] = False
    free[0] = free[-1] = False  # a value on both sides
    # Free stretches as (start, length); the gap goes in one long enough, or in the longest.
    stretches, start = [], None
    for k, ok in enumerate([*free, False]):
        if ok and start is None:
            start = k
        elif not ok and start is not None:
            stretches.append((start, k - start))
            start = None
    longest = max((n for _, n in stretches), default=0)
    length = min(length, longest)
    if length < (1 if variant == "short" else short + 1):
        return None
    starts = [a + d for a, n in stretches for d in range(n - length + 1)]
    first = rng.choice(starts)
    return first, first + length - 1


def clear_of_spikes(values: list[int], interval_minutes: int) -> list[int]:
    """Clean data stays clear of C10: where noise made a day's top values stand out from its
    third-highest by more than two thirds of the tolerance (it happens on a few winter export
    days: a narrow solar peak minus a noisy load), they are lowered to that limit. Changes the
    list in place and returns it."""
    if len(values) < 3:
        return values
    highest, _, third = heapq.nlargest(3, values)
    base = max(Fraction(third), floor_milli(interval_minutes))
    cap = third + math.floor(C10_TOLERANCE * CLEAN_RATIO_OF_TOLERANCE * base)
    if highest <= cap:
        return values
    for k, value in enumerate(values):
        if value > cap:  # only the highest and maybe the second: the third is below the cap
            values[k] = cap
    return values
