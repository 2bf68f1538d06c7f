from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter2cash.interpret.estimate import EstimationError, apportion, round_preserving_sum
from meter2cash.interpret.estimate.arithmetic import mean_micro

fractions = st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**6)


def test_thirds_round_to_the_total_by_largest_remainder():
    assert round_preserving_sum([Fraction(1, 3)] * 3) == [1, 0, 0]  # ties: earliest first
    assert round_preserving_sum([Fraction(1, 3), Fraction(2, 3)]) == [0, 1]


def test_total_is_rounded_half_even():
    assert round_preserving_sum([Fraction(1, 2)]) == [0]
    assert round_preserving_sum([Fraction(3, 2)]) == [2]


@given(st.lists(fractions, min_size=1, max_size=60))
def test_values_sum_to_the_rounded_total_and_stay_within_one(quotas):
    values = round_preserving_sum(quotas)
    assert sum(values) == round(sum(quotas, Fraction(0)))
    assert all(abs(v - q) < 1 for v, q in zip(values, quotas, strict=True))


@given(
    st.integers(min_value=0, max_value=10**12),
    st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=60),
)
def test_apportion_sums_exactly(total, weights):
    assert sum(apportion(total, weights)) == total


def test_apportion_of_zero_weights_is_flat_and_negative_weights_are_refused():
    assert apportion(10, [0, 0, 0]) == [4, 3, 3]
    with pytest.raises(EstimationError):
        apportion(10, [1, -1])


def test_mean_rounds_half_even():
    assert mean_micro([1, 2]) == 2
    assert mean_micro([2, 3]) == 2
    assert mean_micro([1, 2, 4]) == 2
