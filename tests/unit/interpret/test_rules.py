from tests.factories import channel_day

from meter2cash.domain.reads import Direction
from meter2cash.domain.validation import Severity
from meter2cash.interpret.rules import conflicting_duplicate, is_billable, validate_day


def test_clean_day_passes():
    assert validate_day(channel_day(), 1) == []
    assert is_billable([])


def test_negative_values_on_import_become_one_issue_per_run():
    values = ["1"] * 48
    values[3] = values[4] = "-0.2"
    values[10] = "-1"
    issues = validate_day(channel_day(values), 2)
    assert [(i.rule, i.first_interval, i.last_interval) for i in issues] == [
        ("C4", 3, 4),
        ("C4", 10, 10),
    ]
    assert issues[0].values == ("-0.2", "-0.2")
    assert issues[0].channel_day_version == 2
    assert all(i.severity is Severity.ERROR for i in issues)
    assert not is_billable(issues)


def test_negative_on_reactive_channel_is_not_c4():
    values = ["-1"] * 48
    assert (
        validate_day(channel_day(values, channel="Q1", direction=Direction.REACTIVE_IMPORT), 1)
        == []
    )


def test_missing_and_null_intervals_need_estimation():
    values: list[str | None] = ["1"] * 48
    values[0] = None
    qualities = "A" * 47 + "N"
    issues = validate_day(channel_day(values, qualities=qualities), 1)
    assert [(i.rule, i.first_interval, i.last_interval) for i in issues] == [
        ("C2", 0, 0),
        ("C2", 47, 47),
    ]


def test_conflicting_duplicate_points_at_second_record_and_differing_span():
    first = channel_day(line=3)
    values = ["0.5"] * 48
    values[7] = "9"
    values[9] = "8"
    second = channel_day(values, line=9)
    issue = conflicting_duplicate(first, second, 1)
    assert (issue.rule, issue.first_interval, issue.last_interval) == ("C3", 7, 9)
    assert issue.source.line == 9
    assert "line 3" in issue.detail


def test_issue_keys_are_stable_and_distinguish_versions():
    values = ["1"] * 48
    values[0] = "-1"
    a, b = validate_day(channel_day(values), 1), validate_day(channel_day(values), 1)
    c = validate_day(channel_day(values), 2)
    assert a[0].idempotency_key == b[0].idempotency_key != c[0].idempotency_key
