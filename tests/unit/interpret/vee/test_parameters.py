"""Effective-dated parameters per market: historical data is judged by the values in force then."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from tests.unit.interpret.vee.builders import batch, day, found, issues_of

from meter2cash.domain.validation import Severity
from meter2cash.interpret.vee import RULES, ParameterError, load_parameters, parameters_from_text

SHIPPED = load_parameters()

#: ORCL's example (market-rules §2.4): spike tolerance 1.2 before a date, 1.5 after.
DATED = """
markets:
  DEFAULT:
    - from: 1970-01-01
      rules:
        C6: {max_capacity_fraction: 0.5}
        C7: {interval_days: 7, directions: [import]}
        C8: {factor: 2}
        C9: {low: 0.2, high: 3.0, window_days: 28, min_days: 7, min_mean_kwh: 0.5, directions: [import]}
        C10: {tolerance: 1.2, base_floor_kw: 0.5}
        C11: {tolerance: 0.01, absolute_units: 1}
        C12: {tolerance_seconds: 60}
        C18: {tolerance: 0.01, absolute_units: 1}
        C21: {interval_days: 30, register_reads: 2}
    - from: 2024-06-01
      rules:
        C10: {tolerance: 1.5}
  AU:
    - from: 2024-01-01
      rules:
        C12: {tolerance_seconds: 20}
        C4: {severity: warning}
"""


def test_shipped_table_defines_every_declared_parameter():
    for code, rule in RULES.items():
        for name in rule.parameters:
            assert SHIPPED.value(code, name, "GB", date(2024, 1, 1)) is not None
    assert SHIPPED.value("C8", "factor", "GB", date(2024, 1, 1)) == 2.0  # [V] "twice the expected"


def test_spike_tolerance_1_2_before_the_date_and_1_5_after():
    table = parameters_from_text(DATED)
    assert table.value("C10", "tolerance", "GB", date(2024, 5, 31)) == 1.2
    assert table.value("C10", "tolerance", "GB", date(2024, 6, 1)) == 1.5
    assert table.label("C10", "tolerance", "GB", date(2024, 6, 1)) == "DEFAULT@2024-06-01"


def test_history_is_validated_with_the_parameters_in_force_for_its_date():
    values = ["0.4"] * 48
    values[20] = "0.96"  # (0.96 - 0.4) / 0.4 = 1.4: a spike under 1.2, not under 1.5
    rows = batch(day(values, read_on=date(2024, 5, 31)), day(values, read_on=date(2024, 6, 1)))
    issues = issues_of(rows, params=parameters_from_text(DATED))
    assert found(issues) == [("C10", date(2024, 5, 31), 20, 20)]
    assert "DEFAULT@1970-01-01" in issues[0].detail


def test_market_entries_win_over_default_from_their_date_and_severity_is_data():
    table = parameters_from_text(DATED)
    markets = np.array(["AU", "AU", "GB"], dtype=object)
    days = np.array(["2023-12-31", "2024-01-01", "2024-01-01"], dtype="datetime64[D]")
    assert table.column("C12", "tolerance_seconds", markets, days).tolist() == [60.0, 20.0, 60.0]
    assert table.is_error(RULES["C4"], markets, days).tolist() == [True, False, True]
    values = ["1"] * 48
    values[0] = "-1"
    issue = issues_of(batch(day(values, market="AU")), params=table)[0]
    assert issue.rule == "C4" and issue.severity is Severity.WARNING


def test_at_gives_every_rule_its_parameters_and_severity():
    in_force = SHIPPED.at("GB", date(2024, 1, 1))
    assert set(in_force) == set(RULES)
    assert in_force["C10"]["tolerance"] == 1.5 and in_force["C5"]["severity"] is Severity.ERROR
    assert in_force["C7"]["directions"] == ("import",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("markets: {GB: []}", "DEFAULT"),
        (DATED.replace("C8: {factor: 2}", ""), "lacks C8.factor"),
        (DATED.replace("C8: {factor: 2}", "C8: {factor: 2, bogus: 1}"), "no parameter 'bogus'"),
        (DATED.replace("C8: {factor: 2}", "C8: {factor: 2}\n        C99: {x: 1}"), "unknown rule"),
        (DATED.replace("C4: {severity: warning}", "C4: {severity: fatal}"), "severity"),
        (DATED.replace("tolerance_seconds: 20", "tolerance_seconds: [a]"), "another type"),
        (DATED.replace("- from: 2024-06-01", "- from: 1970-01-01"), "dated twice"),
        ("markets: [", "not valid YAML"),
    ],
)
def test_malformed_parameter_data_is_refused_with_where_and_why(text, message):
    with pytest.raises(ParameterError, match=message):
        parameters_from_text(text, "test.yaml")


def test_every_rule_is_named_versioned_and_sourced():
    assert list(RULES) == [f"C{n}" for n in range(1, 24)]
    for rule in RULES.values():
        assert rule.version >= 1 and rule.name and rule.source
