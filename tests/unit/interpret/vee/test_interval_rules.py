"""Per-rule tests of the interval rules, with the reference's worked examples."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest
from tests.unit.interpret.vee.builders import GB, batch, day, found, issues_of, with_serial

from meter2cash.domain.reads import Direction, Quality
from meter2cash.domain.settlement import periods_in_day
from meter2cash.domain.validation import Severity
from meter2cash.interpret.vee import ChannelDayBatch, IntervalContext, pack, validate_intervals
from meter2cash.interpret.vee.arrays import object_array
from meter2cash.interpret.vee.batch import ExpectedDay, absent_days

SPRING, AUTUMN = date(2024, 3, 31), date(2024, 10, 27)


def test_clean_day_has_no_issue():
    assert issues_of(batch(day())) == []


@pytest.mark.parametrize(("on", "count"), [(SPRING, 46), (AUTUMN, 50), (date(2024, 6, 1), 48)])
def test_clock_change_days_hold_46_and_50_half_hours_and_pass_c1(on, count):
    rows = batch(day(read_on=on, **GB))
    assert rows.n_intervals[0] == rows.day_intervals[0] == count == periods_in_day(on)
    assert issues_of(rows) == []


def test_c1_48_values_on_the_46_period_spring_day_are_a_structural_error():
    # A columnar source (not a ChannelDay, which refuses this) delivered 48 values for 2024-03-31.
    rows = batch(day(read_on=date(2024, 3, 30), **GB))
    rows = replace(
        rows, read_on=np.array([SPRING], dtype="datetime64[D]"), day_intervals=np.array([46])
    )
    issues = issues_of(rows)
    assert found(issues) == [("C1", SPRING, 0, 47)]
    assert "holds 46" in issues[0].detail and issues[0].severity is Severity.ERROR


def test_ragged_days_are_padded_and_the_padding_is_never_data():
    rows = batch(day(read_on=SPRING, **GB), day(read_on=AUTUMN, **GB))
    assert rows.width == 50
    assert rows.present[0, 46:].sum() == 0 and rows.present[1].all()
    assert issues_of(rows) == []  # the padding of the 46-period day is not a gap


def test_c2_missing_and_null_are_one_issue_per_run_and_quarantine():
    values: list[str | None] = ["1"] * 48
    values[3] = values[4] = None
    values[40] = "1"
    qualities = "A" * 40 + "N" + "A" * 7
    findings = validate_intervals(batch(day(values, qualities=qualities)))
    assert found(findings.issues) == [
        ("C2", date(2024, 1, 1), 3, 4),
        ("C2", date(2024, 1, 1), 40, 40),
    ]
    assert findings.issues[0].values == ("", "")
    assert not findings.billable()[0]


def test_c2_skips_known_de_energised_or_unconfigured_channels_but_not_unknown_ones():
    rows = batch(*(day([None] * 48) for _ in range(3)))
    context = replace(
        IntervalContext.unknown(rows),
        energised=np.array([0, 1, -1]),
        configured=np.array([1, 0, -1]),
    )
    assert [i.rule for i in issues_of(rows, context) if i.rule == "C2"] == ["C2"]


def test_c2_counts_only_intervals_a_configured_meter_covers():
    rows = batch(day([None] * 24 + ["1"] * 24))
    expected = np.zeros((1, 48), dtype=bool)
    expected[0, 24:] = True  # meter installed at midday
    context = replace(IntervalContext.unknown(rows), configured=np.array([1]), expected=expected)
    assert found(issues_of(rows, context), "C2") == []


def test_c2_reports_a_channel_day_never_received():
    due = ExpectedDay(
        "NCDE000001", "AU", "E1", date(2024, 1, 2), "NEM", 30, Direction.IMPORT, "kWh"
    )
    received = batch(day())
    missing = absent_days([due], received)
    rows = ChannelDayBatch.concat([received, ChannelDayBatch.absent(missing)])
    issues = issues_of(rows)
    assert found(issues) == [("C2", date(2024, 1, 2), 0, 47)]
    assert (
        issues[0].detail.startswith("channel-day not received")
        and issues[0].channel_day_version == 0
    )


def test_c3_conflicting_duplicate_in_one_delivery_flags_the_second_over_the_differing_range():
    values = ["1"] * 48
    changed = list(values)
    changed[5], changed[9] = "1.1", "1.2"
    first, second = day(values, line=3), day(changed, line=9)
    findings = validate_intervals(batch(first, second))
    assert found(findings.issues) == [("C3", date(2024, 1, 1), 5, 9)]
    assert findings.rows.tolist() == [1] and "line 3" in findings.issues[0].detail
    assert findings.billable().tolist() == [True, False]


def test_c3_exact_repeat_and_cross_delivery_changes_are_not_conflicts():
    values = ["1"] * 48
    changed = ["2"] * 48
    assert issues_of(batch(day(values, line=3), day(values, line=9))) == []
    assert issues_of(batch(day(values, file_id="a" * 64), day(changed, file_id="b" * 64))) == []


def test_c4_negative_runs_on_unidirectional_channels_only():
    values = ["1"] * 48
    values[3] = values[4] = "-0.2"
    values[10] = "-1"
    issues = issues_of(batch(day(values)))
    assert found(issues, "C4") == [("C4", date(2024, 1, 1), 3, 4), ("C4", date(2024, 1, 1), 10, 10)]
    assert issues[0].values == ("-0.2", "-0.2")
    reactive = day(values, channel="Q1", direction=Direction.REACTIVE_IMPORT)
    assert found(issues_of(batch(reactive)), "C4") == []


def test_c10_spike_highest_against_third_highest():
    values = ["0.4"] * 48
    values[20] = "0.9"  # ratio (0.9 - 0.4) / 0.4 = 1.25 <= 1.5: no spike
    assert issues_of(batch(day(values))) == []
    values[20] = "1.1"  # 1.75 > 1.5
    issues = issues_of(batch(day(values)))
    assert found(issues) == [("C10", date(2024, 1, 1), 20, 20)]
    assert issues[0].values == ("1.1",) and "DEFAULT@1970-01-01" in issues[0].detail


def test_c10_two_high_intervals_are_not_a_spike_when_the_third_is_close():
    values = ["0.1"] * 48
    values[10], values[11], values[12] = "2", "1.9", "1.8"
    assert found(issues_of(batch(day(values))), "C10") == []


def test_c10_base_floor_keeps_near_zero_days_quiet():
    values = ["0"] * 48
    values[24] = "0.2"  # third-highest 0: base = 0.5 kW x 0.5 h = 0.25 kWh; 0.8 <= 1.5
    assert issues_of(batch(day(values))) == []
    values[24] = "0.7"  # 2.8 > 1.5
    assert found(issues_of(batch(day(values))), "C10") == [("C10", date(2024, 1, 1), 24, 24)]


def test_c10_exempt_for_irregular_usage_customers():
    values = ["0.4"] * 48
    values[20] = "5"
    rows = batch(day(values))
    context = replace(IntervalContext.unknown(rows), usage_exempt=np.array([True]))
    assert issues_of(rows, context) == []


def test_c19_c20_c23_compare_with_configuration():
    rows = batch(day(), day(channel="E2"), day(channel="E3"))
    context = replace(
        IntervalContext.unknown(rows),
        expected_interval_minutes=np.array([15, 30, 0]),
        direction=np.array([None, "export", None], dtype=object),
        unit=np.array([None, None, "kvarh"], dtype=object),
    )
    assert sorted((i.rule, i.channel) for i in issues_of(rows, context)) == [
        ("C19", "E1"),
        ("C20", "E2"),
        ("C23", "E3"),
    ]


def test_c13_and_c14_channel_not_configured_and_values_outside_meter_life():
    rows = batch(day(), day(channel="E2"))
    expected = np.ones((2, 48), dtype=bool)
    expected[1, 30:] = False  # meter removed at 15:00 local
    context = replace(IntervalContext.unknown(rows), configured=np.array([0, 1]), expected=expected)
    issues = issues_of(rows, context)
    assert [(i.rule, i.channel, i.first_interval, i.last_interval) for i in issues] == [
        ("C13", "E1", 0, 47),
        ("C14", "E2", 30, 47),
    ]


def test_c14_future_intervals_against_the_validation_instant():
    rows = batch(day())  # NEM day 2024-01-01 starts 2023-12-31T14:00Z
    as_of = datetime(2024, 1, 1, 2, tzinfo=UTC)  # 12:00 market time: intervals 24.. are future
    assert found(issues_of(rows, as_of=as_of)) == [("C14", date(2024, 1, 1), 24, 47)]


def test_c15_meter_serial_not_installed_on_the_day():
    rows = batch(with_serial(day(), "M9"), with_serial(day(channel="E2"), "M1"), day(channel="E3"))
    context = replace(IntervalContext.unknown(rows), meter_serials=object_array([("M1",)] * 3))
    assert [(i.rule, i.channel) for i in issues_of(rows, context)] == [("C15", "E1")]


def test_c12_clock_offset_beyond_tolerance_is_flagged_not_shifted():
    rows = batch(day(), day(channel="E2"))
    context = replace(IntervalContext.unknown(rows), clock_offset_s=np.array([61.0, 60.0]))
    issues = issues_of(rows, context)
    assert [(i.rule, i.channel, i.severity) for i in issues] == [("C12", "E1", Severity.WARNING)]
    assert issues[0].values == ("0.5",) * 48  # data unchanged


def test_c22_absent_sibling_channel_is_reported_on_the_present_one():
    rows = batch(day(), day(channel="B1", direction=Direction.EXPORT, read_on=date(2024, 1, 2)))
    context = replace(IntervalContext.unknown(rows), siblings=object_array([("E1", "B1"), ()]))
    issues = issues_of(rows, context)
    assert [(i.rule, i.channel, i.severity) for i in issues] == [("C22", "E1", Severity.WARNING)]
    assert "B1" in issues[0].detail


def test_billable_is_per_row_and_warnings_do_not_quarantine():
    values = ["1"] * 48
    values[0] = "-1"
    rows = batch(day(), day(values, channel="E2"), day(channel="E3"))
    context = replace(
        IntervalContext.unknown(rows), clock_offset_s=np.array([np.nan, np.nan, 500.0])
    )
    assert validate_intervals(rows, context).billable().tolist() == [True, False, True]


def test_estimated_values_keep_their_flags_in_the_batch():
    rows = batch(day(qualities="E" * 48))
    assert (rows.quality[0] == ord(Quality.ESTIMATED.value)).all()
    assert rows.values[0, 0] == 500_000 and Decimal("0.5") * 10**6 == 500_000


def test_pack_builds_the_matrices_from_store_rows_without_decimals():
    values, present, quality = pack([[1, None, -2], [5]], ["AN" + "E", "A"])
    assert values.tolist() == [[1, 0, -2], [5, 0, 0]]
    assert present.tolist() == [[True, False, True], [True, False, False]]
    assert bytes(quality[0]).decode() == "ANE" and quality[1].tolist() == [ord("A"), 0, 0]
    with pytest.raises(ValueError, match="2 quality flags"):
        pack([[1]], ["AA"])


def test_estimation_mask_covers_gaps_and_negatives_per_row():
    values: list[str | None] = ["1"] * 48
    values[2], values[5] = None, "-1"
    findings = validate_intervals(batch(day(), day(values, channel="E2")))
    mask = findings.mask()
    assert mask.shape == (2, 48) and not mask[0].any()
    assert np.flatnonzero(mask[1]).tolist() == [2, 5]
    assert np.flatnonzero(findings.mask(("C4",))[1]).tolist() == [5]


def test_empty_batches_find_nothing():
    findings = validate_intervals(ChannelDayBatch.from_days([], []))
    assert findings.issues == [] and findings.billable().tolist() == []
