from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.factories import channel_day

from meter2cash.domain.adjustments import Adjustment, AdjustmentReason
from meter2cash.domain.errors import DomainError
from meter2cash.domain.reads import SourceRef
from meter2cash.interpret.harden import (
    HardeningState,
    NewVersion,
    NoOp,
    classify_change,
    merge_partial,
)

OPEN, PROVISIONAL, HARD, FROZEN = HardeningState
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
READ_ON = date(2024, 1, 15)


def _day(values, qualities=None, line=3):
    return channel_day(
        values,
        qualities=qualities,
        read_on=READ_ON,
        zone="Europe/London",
        market="GB",
        supply_point_id="1030006718997",
        line=line,
    )


ESTIMATED = _day(["0.5"] * 48, "A" * 10 + "EEE" + "A" * 35)
ACTUALS = ["0.5"] * 10 + ["0.8"] * 3 + ["0.5"] * 35


def test_an_identical_resend_is_a_no_op_whatever_file_it_came_in():
    again = replace(ESTIMATED, source=SourceRef("e" * 64, 99))
    for state in HardeningState:
        assert isinstance(classify_change(ESTIMATED, again, state, created_at=NOW), NoOp)


def test_a_change_to_open_or_provisional_data_is_a_new_version():
    new = _day(ACTUALS)
    for state in (OPEN, PROVISIONAL):
        change = classify_change(ESTIMATED, new, state, created_at=NOW)
        assert change == NewVersion(
            new, ESTIMATED.content_key, AdjustmentReason.ESTIMATE_REPLACED_BY_ACTUAL, None
        )
    first = classify_change(None, new, HARD, created_at=NOW)
    assert first == NewVersion(new, None, None, None)


def test_a_correction_after_hardening_is_exactly_one_adjustment():
    new = _day(ACTUALS)
    change = classify_change(
        ESTIMATED, new, HARD, created_at=NOW, old_version_id="cd-41", new_version_id="cd-57"
    )
    assert change == Adjustment(
        supply_point_id="1030006718997",
        channel="E1",
        from_on=READ_ON,
        to_on=date(2024, 1, 16),
        delta=Decimal("0.9"),  # 3 x (0.8 - 0.5)
        unit=ESTIMATED.unit,
        reason=AdjustmentReason.ESTIMATE_REPLACED_BY_ACTUAL,
        reason_text=None,
        old_version_id="cd-41",
        new_version_id="cd-57",
        created_at=NOW,
    )
    again = classify_change(ESTIMATED, new, FROZEN, created_at=datetime(2027, 1, 1, tzinfo=UTC))
    assert isinstance(again, Adjustment)
    assert (again.old_version_id, again.new_version_id) == (ESTIMATED.content_key, new.content_key)


def test_reason_codes_follow_what_changed():
    actual = _day(["0.5"] * 48)
    later = classify_change(actual, _day(["0.4"] * 48), HARD, created_at=NOW)
    assert isinstance(later, Adjustment)
    assert later.reason is AdjustmentReason.LATE_ACTUAL_DATA and later.delta == Decimal("-4.8")
    deemed = _day(["0.5"] * 48, "D" * 48)
    replaced = classify_change(deemed, _day(["0.6"] * 48), HARD, created_at=NOW)
    assert replaced.reason is AdjustmentReason.DEEMED_READ_REPLACED
    worse = classify_change(actual, _day(["0.7"] * 48, "E" * 48), HARD, created_at=NOW)
    assert (
        worse.reason is AdjustmentReason.OTHER and worse.reason_text == "quality changes: A->E x48"
    )
    told = classify_change(
        actual,
        _day(["1.0"] * 48),
        HARD,
        created_at=NOW,
        reason=AdjustmentReason.WRONG_MULTIPLIER,
    )
    assert told.reason is AdjustmentReason.WRONG_MULTIPLIER and told.delta == Decimal(24)
    with pytest.raises(DomainError, match="OTHER"):
        classify_change(
            actual, _day(["1"] * 48), HARD, created_at=NOW, reason=AdjustmentReason.OTHER
        )


def test_a_partial_delivery_corrects_only_what_it_carries():
    partial = _day(["0.8"] * 13 + [None] * 35, "A" * 13 + "M" * 35)
    merged = merge_partial(ESTIMATED, partial)
    assert (
        merged.values[:13] == (Decimal("0.8"),) * 13 and merged.values[13:] == ESTIMATED.values[13:]
    )
    change = classify_change(ESTIMATED, partial, HARD, created_at=NOW)
    assert isinstance(change, Adjustment)
    assert change.delta == Decimal("3.9")  # 13 x 0.3
    assert change.reason is AdjustmentReason.LATE_ACTUAL_DATA  # some of the 13 were actual
    assert change.new_version_id == merged.content_key


def test_losing_values_is_not_a_correction_of_hard_data():
    lost = _day(["0.5"] * 47 + [None], "A" * 47 + "N")
    plain = _day(["0.5"] * 48)
    assert isinstance(classify_change(plain, lost, HARD, created_at=NOW), NoOp)
    assert isinstance(classify_change(plain, lost, OPEN, created_at=NOW), NewVersion)


def test_flags_only_or_moved_energy_on_hard_data_is_a_zero_adjustment():
    confirmed = classify_change(ESTIMATED, _day(["0.5"] * 48), HARD, created_at=NOW)
    assert isinstance(confirmed, Adjustment) and confirmed.delta == 0
    moved = classify_change(
        _day(["0.5"] * 48), _day(["0.6"] + ["0.4"] + ["0.5"] * 46), HARD, created_at=NOW
    )
    assert isinstance(moved, Adjustment) and moved.delta == 0


def test_versions_of_different_channel_days_are_refused():
    other = replace(_day(ACTUALS), channel="E2")
    with pytest.raises(DomainError, match="not two versions"):
        classify_change(ESTIMATED, other, HARD, created_at=NOW)


value = st.decimals(min_value=0, max_value=100, places=3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(value, min_size=48, max_size=48), st.lists(value, min_size=48, max_size=48))
def test_the_adjustment_is_new_total_minus_old_total(old_values, new_values):
    old = _day([str(v) for v in old_values])
    new = _day([str(v) for v in new_values])
    change = classify_change(old, new, HARD, created_at=NOW)
    if [v for v in old.values] == [v for v in new.values]:
        assert isinstance(change, NoOp)
    else:
        assert isinstance(change, Adjustment)
        assert change.delta == sum(new.values) - sum(old.values)
