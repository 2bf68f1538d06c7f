"""C7 zero consumption, C9 high/low against history, C21 prolonged estimation; DailyHistory."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
from tests.unit.interpret.vee.builders import batch, day, found, issues_of, series

from meter2cash.domain.reads import Direction, Quality
from meter2cash.interpret.vee import ChannelDayBatch, DailyHistory, IntervalContext


def test_history_window_and_runs_from_the_batch_itself():
    days = series(["0", "0", "0.5", "0"])
    history = DailyHistory.from_batch(batch(*days), window=3)
    assert history.zero_run.tolist() == [1, 2, 0, 1]
    assert history.totals[3].tolist() == [24_000_000, 0, 0]
    assert history.usable[3].tolist() == [True, True, True]
    assert history.usable[0].tolist() == [False, False, False]


def test_history_runs_break_on_a_missing_day_and_between_channels():
    days = series(["0", "0"]) + series(["0"], start=date(2024, 1, 4))
    days += series(["0"], start=date(2024, 1, 5), channel="E2")
    history = DailyHistory.from_batch(batch(*days))
    assert history.zero_run.tolist() == [1, 2, 1, 1]


def test_history_takes_days_before_the_batch():
    before = batch(*series(["0"] * 6))
    today = batch(*series(["0"], start=date(2024, 1, 7)))
    history = DailyHistory.from_batch(today, before=before, window=7)
    assert history.zero_run.tolist() == [7]
    assert found(issues_of(today, history=history), "C7") == [("C7", date(2024, 1, 7), 0, 47)]


def test_c7_zero_for_seven_days_on_an_energised_import_channel():
    issues = issues_of(batch(*series(["0"] * 8)))
    assert [i.read_on.day for i in issues if i.rule == "C7"] == [7, 8]
    assert "7 consecutive days" in next(i.detail for i in issues if i.rule == "C7")


def test_c7_exemptions_de_energised_and_export():
    rows = batch(*series(["0"] * 7))
    context = IntervalContext.unknown(rows)
    assert found(issues_of(rows, replace(context, energised=np.full(7, 0))), "C7") == []
    assert found(issues_of(rows, replace(context, zero_exempt=np.full(7, True))), "C7") == []
    export = batch(*series(["0"] * 7, channel="B1", direction=Direction.EXPORT))
    assert found(issues_of(export), "C7") == []


def test_c9_high_and_low_day_against_the_trailing_mean():
    totals = ["0.2"] * 10 + ["0.62", "0.038", "0.2"]
    issues = issues_of(batch(*series(totals)))
    assert [(i.rule, i.read_on.day) for i in issues] == [("C9", 11), ("C9", 12)]
    assert "310% of the 10-day mean" in issues[0].detail
    # The high day is actual and complete, so it is history for the next day: (10 x 9.6 + 29.76)
    # / 11 = 11.43 kWh, and 1.824 kWh is 16 % of that.
    assert "16% of the 11-day mean" in issues[1].detail


def test_c9_needs_min_days_of_usable_actual_history():
    totals = ["0.2"] * 6 + ["0.8"]
    assert issues_of(batch(*series(totals))) == []
    estimated = series(["0.2"] * 7, qualities="E" * 48) + series(["0.8"], start=date(2024, 1, 8))
    assert issues_of(batch(*estimated)) == []  # estimated days are not history


def test_c9_skips_incomplete_days():
    days = series(["0.2"] * 8)
    values: list[str | None] = [None] * 40 + ["0.2"] * 8
    days.append(day(values, read_on=date(2024, 1, 9)))
    assert [i.rule for i in issues_of(batch(*days))] == ["C2"]


def test_c21_more_than_thirty_consecutive_estimated_days():
    days = series(["0.2"] * 32, qualities="E" * 48)
    issues = issues_of(batch(*days))
    assert [(i.rule, i.read_on) for i in issues] == [
        ("C21", date(2024, 1, 31)),
        ("C21", date(2024, 2, 1)),
    ]


def test_c21_a_day_with_any_actual_value_breaks_the_run():
    days = series(["0.2"] * 40, qualities="E" * 48)
    days[20] = replace(days[20], qualities=(Quality.ESTIMATED,) * 47 + (Quality.ACTUAL,))
    assert found(issues_of(batch(*days)), "C21") == []


def test_concat_pads_to_the_widest_batch():
    five_minute = ChannelDayBatch.concat([batch(day()), batch(day(channel="E2"))])
    assert len(five_minute) == 2 and five_minute.width == 48
