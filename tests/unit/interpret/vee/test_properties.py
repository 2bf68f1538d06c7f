"""Property tests: the vectorised rules agree with independent per-interval implementations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.interpret.vee.builders import GB, batch, day, series
from tests.unit.interpret.vee.test_parameters import DATED

from meter2cash.domain.reads import ChannelDay, Direction
from meter2cash.domain.settlement import periods_in_day
from meter2cash.domain.validation import Severity
from meter2cash.interpret import rules as skeleton
from meter2cash.interpret.vee import parameters_from_text, shipped_parameters, validate_intervals

values = st.one_of(
    st.none(),
    st.decimals(min_value=Decimal("-2"), max_value=Decimal("3"), places=3),
)
uk_days = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))


def _days(draw: st.DrawFn, count: int) -> list[ChannelDay]:
    out = []
    for k in range(count):
        on = draw(uk_days)
        n = periods_in_day(on)
        raw = draw(st.lists(values, min_size=n, max_size=n))
        direction = draw(
            st.sampled_from([Direction.IMPORT, Direction.EXPORT, Direction.REACTIVE_IMPORT])
        )
        text = [None if v is None else str(v) for v in raw]
        out.append(day(text, read_on=on, channel=f"C{k}", direction=direction, **GB))
    return out


@st.composite
def day_lists(draw: st.DrawFn) -> list[ChannelDay]:
    return _days(draw, draw(st.integers(1, 4)))


def _reference_spike(day_: ChannelDay) -> int | None:
    params = shipped_parameters()
    tolerance = Decimal(str(params.value("C10", "tolerance", day_.market, day_.read_on)))
    floor = Decimal(str(params.value("C10", "base_floor_kw", day_.market, day_.read_on))) / 2
    present = [v for v in day_.values if v is not None]
    if len(present) < 3:
        return None
    highest, _, third = sorted(present, reverse=True)[:3]
    if (highest - third) / max(third, floor) > tolerance:
        return day_.values.index(highest)
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(day_lists())
def test_c2_c4_agree_with_the_skeleton_and_c10_with_a_decimal_reference(days):
    findings = validate_intervals(batch(*days, versions=list(range(1, len(days) + 1))))
    by_rule = {
        code: sorted(
            (i.channel, i.first_interval, i.last_interval)
            for i in findings.issues
            if i.rule == code
        )
        for code in ("C2", "C4", "C10")
    }
    expected = {"C2": [], "C4": [], "C10": []}
    for version, d in enumerate(days, 1):
        for issue in skeleton.validate_day(d, version):
            expected[issue.rule].append((d.channel, issue.first_interval, issue.last_interval))
        at = _reference_spike(d)
        if at is not None:
            expected["C10"].append((d.channel, at, at))
    assert by_rule == {k: sorted(v) for k, v in expected.items()}
    errors = {i.channel for i in findings.issues if i.severity is Severity.ERROR}
    assert findings.billable().tolist() == [d.channel not in errors for d in days]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["0", "0.2"]), min_size=1, max_size=20))
def test_c7_flags_exactly_the_days_ending_a_zero_run_of_seven_or_more(per_interval):
    issues = validate_intervals(batch(*series(per_interval))).issues
    flagged = [i.read_on.day for i in issues if i.rule == "C7"]
    run, expected = 0, []
    for k, v in enumerate(per_interval, 1):
        run = run + 1 if v == "0" else 0
        if run >= 7:
            expected.append(k)
    assert flagged == expected


def test_directions_differ_per_market_in_one_batch():
    text = DATED.replace("C4: {severity: warning}", "C7: {directions: [import, export]}")
    table = parameters_from_text(text)
    exports = series(["0"] * 7, channel="B1", direction=Direction.EXPORT, market="AU")
    exports += series(["0"] * 7, channel="B2", direction=Direction.EXPORT, market="GB")
    issues = validate_intervals(batch(*exports), params=table).issues
    assert {i.channel for i in issues if i.rule == "C7"} == {"B1"}
