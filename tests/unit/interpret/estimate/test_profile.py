from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from tests.unit.interpret.estimate.builders import KWH

from meter2cash.interpret.estimate import (
    EstimationError,
    flat_coefficients,
    profile_values,
    zero_fill,
)


def test_a_whole_day_on_the_flat_profile_is_one_365th_of_the_eac():
    coefficients = flat_coefficients(date(2025, 6, 1), 48)
    found = profile_values(Decimal(3650), coefficients, range(48))
    assert sum(found.values()) == 10 * KWH  # 3650 / 365
    assert set(found.values()) == {208_333, 208_334}


def test_leap_years_and_clock_change_days_still_get_one_days_share():
    assert sum(flat_coefficients(date(2024, 6, 1), 48)) == Fraction(1, 366)
    spring = flat_coefficients(date(2025, 3, 30), 46)
    assert sum(profile_values(Decimal(3650), spring, range(46)).values()) == 10 * KWH


def test_a_gap_gets_the_eac_share_of_its_coefficients():
    coefficients = [Decimal("0.0001")] * 24 + [Decimal("0.00003")] * 24
    found = profile_values(Decimal("2700.5"), coefficients, [22, 23, 24, 25])
    share = Decimal("2700.5") * (2 * Decimal("0.0001") + 2 * Decimal("0.00003"))
    assert sum(found.values()) == int(share * KWH)  # 0.702130 kWh, exact
    assert found == {22: 270_050, 23: 270_050, 24: 81_015, 25: 81_015}


def test_negative_eac_or_coefficients_are_refused():
    with pytest.raises(EstimationError, match="EAC"):
        profile_values(Decimal(-1), [Decimal(1)], [0])
    with pytest.raises(EstimationError):
        profile_values(Decimal(1), [Decimal(-1)], [0])


def test_zero_fill_refuses_without_a_positive_reason():
    for reason in ("", "   "):
        with pytest.raises(EstimationError, match="reason"):
            zero_fill([1, 2], reason=reason)
    with pytest.raises(TypeError):
        zero_fill([1, 2])  # type: ignore[call-arg]
    assert zero_fill([1, 2], reason="de-energised 2024-03-01") == {1: 0, 2: 0}
