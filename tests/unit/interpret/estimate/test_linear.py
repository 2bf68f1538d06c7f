from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.interpret.estimate.builders import KWH

from meter2cash.interpret.estimate import EstimationError, interpolate, interpolate_gaps


def test_worked_example_of_the_reference():
    # market-rules.md §3.1: SP20 = 1.0 kWh, SP21-23 missing, SP24 = 2.0 kWh -> 1.25, 1.50, 1.75
    assert interpolate(KWH, 2 * KWH, 3) == [1_250_000, 1_500_000, 1_750_000]


def test_an_inexact_split_keeps_the_interpolated_total():
    # exact values 1/3 and 2/3 of a micro-unit: total 1, given to the larger remainder
    assert interpolate(0, 1, 2) == [0, 1]
    # exact 1.5 micro-units: the total rounds half-even to 2
    assert interpolate(1, 2, 1) == [2]
    # exact 0.25, 0.5, 0.75 micro-units: total 1.5 rounds half-even to 2, largest remainders win
    assert interpolate(0, 1, 3) == [0, 1, 1]


@given(
    st.integers(min_value=0, max_value=10**10),
    st.integers(min_value=0, max_value=10**10),
    st.integers(min_value=1, max_value=12),
)
def test_interpolation_is_exact_to_the_micro_unit(before, after, n):
    values = interpolate(before, after, n)
    assert sum(values) == round(Fraction(n * (before + after), 2))
    for k, value in enumerate(values, start=1):
        exact = before + Fraction((after - before) * k, n + 1)
        assert abs(value - exact) < 1
        assert min(before, after) <= value <= max(before, after)


def test_empty_gap_is_refused():
    with pytest.raises(EstimationError):
        interpolate(1, 2, 0)


def _gaps(values):
    return [v is None for v in values]


def test_only_gaps_up_to_the_maximum_with_actual_end_points_are_filled():
    values = [KWH, None, None, 3 * KWH, None, None, None, None, None, KWH]
    actual = [v is not None for v in values]
    found = interpolate_gaps(values, actual, _gaps(values), max_intervals=4)
    assert found == {1: 1_666_667, 2: 2_333_333}  # the 5-interval gap is too long
    assert sum(found.values()) == 4 * KWH


def test_an_estimated_end_point_is_not_used():
    values = [KWH, None, 3 * KWH, 3 * KWH]
    actual = [True, False, False, True]  # interval 2 is itself an estimate
    assert interpolate_gaps(values, actual, _gaps(values), max_intervals=4) == {}


def test_a_gap_at_midnight_uses_the_neighbouring_days_edge_values():
    values = [None, None, 3 * KWH, None]
    actual = [v is not None for v in values]
    assert interpolate_gaps(values, actual, _gaps(values), 4) == {}  # one-sided: not filled
    found = interpolate_gaps(values, actual, _gaps(values), 4, before_day=0, after_day=KWH)
    assert found == {0: KWH, 1: 2 * KWH, 3: 2 * KWH}
