from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.factories import channel_day
from tests.unit.interpret.estimate.builders import KWH, day

from meter2cash.domain.reads import Quality
from meter2cash.interpret.estimate import (
    DEFAULT_REASON,
    DayValues,
    EstimationContext,
    EstimationError,
    Method,
    estimate_day,
    params_for,
)

GB = params_for("GB")
TARGET = date(2024, 3, 5)
OUTAGE = "comms outage reported 2024-03-05T09:00Z"


def _gap(first: int, end: int, n: int = 48) -> list[bool]:
    return [first <= k < end for k in range(n)]


def _history(weeks: int = 3, fill: int = 2 * KWH) -> list[DayValues]:
    return [day(read_on=TARGET - timedelta(days=7 * k), fill=fill) for k in range(1, weeks + 1)]


def test_a_short_gap_is_interpolated_and_flagged():
    values = [KWH] * 48
    values[20] = 2 * KWH
    values[21:24] = [None, None, None]
    values[24] = 4 * KWH
    result = estimate_day(day(values), _gap(21, 24), EstimationContext(reason=OUTAGE), params=GB)
    assert result.values[21:24] == (2_500_000, 3_000_000, 3_500_000)
    assert result.qualities[21:24] == (Quality.ESTIMATED,) * 3
    assert result.methods[21:24] == ("LINEAR",) * 3
    assert result.reasons[21:24] == (OUTAGE,) * 3
    assert result.estimated == (21, 22, 23) and result.unestimated == ()
    assert [s.method for s in result.steps] == [Method.LINEAR]


def test_a_long_gap_takes_the_like_day_average():
    values = [KWH] * 10 + [None] * 10 + [KWH] * 28
    history = [*_history(), day(read_on=TARGET - timedelta(days=1), fill=9 * KWH)]  # a Monday
    result = estimate_day(day(values), _gap(10, 20), None, history, params=GB)
    assert result.values[10:20] == (2 * KWH,) * 10
    assert set(result.methods[10:20]) == {"LIKE_DAY"}
    assert result.reasons[10] == DEFAULT_REASON
    assert "2024-02-27, 2024-02-20, 2024-02-13" in result.steps[0].detail


def test_a_suspect_value_is_replaced_but_only_where_the_mask_says():
    values = [KWH] * 48
    values[5] = 50 * KWH  # a spike the validation flagged
    result = estimate_day(day(values), _gap(5, 6), params=GB)
    assert result.values[5] == KWH and result.methods[5] == "LINEAR"
    assert result.values[:5] == (KWH,) * 5


def test_without_history_the_profile_is_used_and_without_eac_nothing():
    values = [None] * 48
    context = EstimationContext(eac=Decimal(3660))  # 2024 is a leap year: 10 kWh a day
    result = estimate_day(day(values), [True] * 48, context, params=GB)
    assert sum(result.values) == 10 * KWH
    assert set(result.methods) == {"PROFILE"}
    bare = estimate_day(day(values), [True] * 48, params=GB)
    assert bare.unestimated == tuple(range(48)) and bare.estimated == ()
    assert bare.values == (None,) * 48 and bare.qualities == (Quality.NULL,) * 48


def test_zero_fill_needs_its_reason_and_wins_when_given():
    values = [KWH] * 46 + [None, None]
    context = EstimationContext(zero_fill_reason="de-energised 2024-03-05T23:00Z", reason=OUTAGE)
    result = estimate_day(day(values), _gap(46, 48), context, _history(), params=GB)
    assert result.values[46:] == (0, 0) and result.methods[46:] == ("ZERO_FILL",) * 2
    assert result.reasons[46] == "de-energised 2024-03-05T23:00Z"
    with pytest.raises(EstimationError, match="reason"):
        estimate_day(day(values), _gap(46, 48), EstimationContext(zero_fill_reason=" "))


def test_estimates_are_scaled_to_the_days_advance():
    values = [KWH] * 10 + [None] * 10 + [KWH] * 28
    result = estimate_day(day(values), _gap(10, 20), None, _history(), 48 * KWH, GB)
    # actuals 38 kWh are fixed; the like-day shape (2 kWh each) is scaled to the 10 kWh left
    assert result.values[10:20] == (KWH,) * 10
    assert set(result.methods[10:20]) == {"SCALED_TO_ADVANCE"}
    assert [s.method for s in result.steps] == [Method.LIKE_DAY, Method.SCALED_TO_ADVANCE]
    assert sum(result.values) == 48 * KWH


def test_scaling_is_skipped_with_a_note_when_it_cannot_hold():
    values = [KWH] * 10 + [None] * 10 + [KWH] * 28
    short = estimate_day(day(values), _gap(10, 20), None, _history(), 30 * KWH, GB)
    assert set(short.methods[10:20]) == {"LIKE_DAY"}
    assert "below" in short.notes[0]
    open_gap = estimate_day(day(values[:20] + [None] * 28), _gap(10, 48), None, (), 40 * KWH, GB)
    assert open_gap.notes and "unestimated" in open_gap.notes[0]
    zeros = EstimationContext(zero_fill_reason="vacant")
    vacant = estimate_day(day(values), _gap(10, 20), zeros, (), 40 * KWH, GB)
    assert vacant.values[10:20] == (0,) * 10  # zero-fills are never scaled
    assert "no estimate to scale" in vacant.notes[0]


def test_au_estimates_are_substitutions():
    values = [KWH] * 48
    values[3] = None
    result = estimate_day(day(values, zone="NEM"), _gap(3, 4), params=params_for("AU"))
    assert result.qualities[3] is Quality.SUBSTITUTED


def test_the_result_writes_back_into_the_channel_day():
    raw: list[str | None] = ["1"] * 48
    raw[7] = None
    original = channel_day(raw, qualities="A" * 7 + "N" + "A" * 40)
    result = estimate_day(DayValues.of(original), _gap(7, 8))
    updated = result.apply_to(original)
    assert updated.values[7] == Decimal(1) and updated.qualities[7] is Quality.ESTIMATED
    assert updated.methods[7] == "LINEAR" and updated.source == original.source
    assert updated.content_key != original.content_key


def test_mask_length_must_match():
    with pytest.raises(EstimationError, match="mask"):
        estimate_day(day(), [True] * 47)


cells = st.tuples(
    st.one_of(st.none(), st.integers(min_value=0, max_value=5 * KWH)),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(cells, min_size=48, max_size=48), st.booleans())
def test_estimates_never_overwrite_what_is_not_masked(cells_, with_history):
    values = [v for v, _ in cells_]
    mask = [m for _, m in cells_]
    given_day = day(values)
    history = _history() if with_history else []
    result = estimate_day(given_day, mask, None, history, params=GB)
    for k in range(48):
        if not mask[k] and values[k] is not None:
            assert result.values[k] == values[k]
            assert result.qualities[k] is given_day.qualities[k]
            assert result.methods[k] is None
    assert set(result.estimated) | set(result.unestimated) == {
        k for k in range(48) if mask[k] or values[k] is None
    }


@settings(max_examples=150, deadline=None)
@given(st.lists(cells, min_size=48, max_size=48), st.integers(min_value=0, max_value=10**9))
def test_with_an_advance_actuals_plus_estimates_equal_it_exactly(cells_, extra):
    values = [v for v, _ in cells_]
    mask = [m or v is None for v, m in cells_]
    if not any(mask):
        mask[0] = True
    fixed = sum(v for v, m in zip(values, mask, strict=True) if not m)
    context = EstimationContext(eac=Decimal(4000))  # every gap can be filled
    result = estimate_day(day(values), mask, context, _history(), fixed + extra, GB)
    assert result.unestimated == ()
    assert sum(v for v in result.values if v is not None) == fixed + extra
    assert {result.methods[k] for k in result.estimated} == {"SCALED_TO_ADVANCE"}
