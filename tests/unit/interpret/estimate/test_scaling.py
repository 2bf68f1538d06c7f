import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.interpret.estimate.builders import KWH

from meter2cash.interpret.estimate import EstimationError, scale_to_advance


def test_estimates_take_the_advance_left_after_the_actuals():
    # actual 1 kWh fixed; two estimates of 2 kWh share the 3 kWh left of a 4 kWh advance
    values = [KWH, 2 * KWH, 2 * KWH]
    scaled = scale_to_advance(values, [False, True, True], 4 * KWH)
    assert scaled == [KWH, 1_500_000, 1_500_000]


def test_the_shape_of_the_estimates_is_kept():
    scaled = scale_to_advance([0, KWH, 3 * KWH], [False, True, True], 8 * KWH)
    assert scaled == [0, 2 * KWH, 6 * KWH]


def test_zero_estimates_scale_flat_and_a_short_advance_is_refused():
    assert scale_to_advance([KWH, 0, 0], [False, True, True], 2 * KWH + 1) == [
        KWH,
        500_001,
        500_000,
    ]
    with pytest.raises(EstimationError, match="below"):
        scale_to_advance([5 * KWH, KWH], [False, True], 4 * KWH)
    with pytest.raises(EstimationError, match="nothing to scale"):
        scale_to_advance([KWH], [False], 2 * KWH)


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=10**8), st.booleans()),
        min_size=1,
        max_size=50,
    ),
    st.integers(min_value=0, max_value=10**10),
)
def test_scaled_estimates_plus_actuals_equal_the_advance_exactly(cells, extra):
    values = [v for v, _ in cells]
    scalable = [s for _, s in cells]
    fixed = sum(v for v, s in cells if not s)
    if not any(scalable):
        scalable[0] = True
        fixed -= values[0]
    advance = fixed + extra
    scaled = scale_to_advance(values, scalable, advance)
    assert sum(scaled) == advance
    assert all(s == v for s, v, flag in zip(scaled, values, scalable, strict=True) if not flag)
    assert all(s >= 0 for s in scaled)
