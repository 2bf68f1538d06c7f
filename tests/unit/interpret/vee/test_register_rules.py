"""Register rules over read sequences, with the reference's worked examples."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from tests.unit.interpret.vee.builders import read, reads, utc

from meter2cash.domain.quantity import MICRO, Unit
from meter2cash.domain.reads import Quality
from meter2cash.domain.validation import Severity
from meter2cash.interpret.vee import RegisterContext, validate_registers
from meter2cash.interpret.vee.register_batch import NEVER, NO_INSTANT


def context(n: int, **columns: object) -> RegisterContext:
    return RegisterContext.unknown(n).with_columns(**columns)


def rules_of(findings) -> list[tuple[str, int]]:
    return [(i.rule, i.values[-1]) for i in findings.issues]


def test_rollover_by_configured_digits_99950_to_00050_is_an_advance_of_100():
    rows = reads(read("99950", utc(2024, 1, 1)), read("00050", utc(2024, 4, 1)))
    findings = validate_registers(rows, context(2, digits=[5, 5]))
    assert findings.sequence.advance.tolist() == [0, 100 * MICRO]
    assert findings.sequence.rollover.tolist() == [False, True]
    assert [(i.rule, i.severity) for i in findings.issues] == [("C6", Severity.WARNING)]
    assert "advance 100" in findings.issues[0].detail
    assert findings.issues[0].values == ("99950", "50")
    assert findings.billable().tolist() == [True, True]


def test_rollover_is_never_inferred_without_configured_digits():
    rows = reads(read("99950", utc(2024, 1, 1)), read("00050", utc(2024, 4, 1)))
    findings = validate_registers(rows)
    assert [i.rule for i in findings.issues] == ["C5"]
    assert not findings.billable()[1]


def test_six_digit_register_makes_the_same_reads_a_negative_advance():
    rows = reads(read("99950", utc(2024, 1, 1)), read("50", utc(2024, 4, 1)))
    # capacity 10^6: rollover advance 900,100 > half the dial -> implausible, C5
    assert [i.rule for i in validate_registers(rows, context(2, digits=[6, 6])).issues] == ["C5"]


def test_rollover_accepted_only_if_it_passes_c8_when_an_expected_advance_is_known():
    rows = reads(read("99950", utc(2024, 1, 1)), read("00050", utc(2024, 4, 1)))
    small = context(2, digits=[5, 5], has_expected=[False, True], expected_advance=[0, 40 * MICRO])
    assert [i.rule for i in validate_registers(rows, small).issues] == ["C5"]  # 100 > 2 x 40
    enough = context(2, digits=[5, 5], has_expected=[False, True], expected_advance=[0, 50 * MICRO])
    assert [i.rule for i in validate_registers(rows, enough).issues] == ["C6"]


def test_negative_advance_after_a_deemed_read_is_valid_if_above_the_last_actual():
    rows = reads(
        read("1000", utc(2024, 1, 1)),
        read("1500", utc(2024, 2, 1), quality=Quality.DEEMED, read_type="D"),
        read("1200", utc(2024, 3, 1)),
    )
    findings = validate_registers(rows)
    assert findings.issues == []
    assert findings.sequence.deemed_exception.tolist() == [False, False, True]
    assert findings.sequence.advance.tolist() == [0, 500 * MICRO, -300 * MICRO]


def test_negative_advance_after_a_deemed_read_fails_below_the_last_actual():
    rows = reads(
        read("1000", utc(2024, 1, 1)),
        read("1500", utc(2024, 2, 1), read_type="D"),
        read("900", utc(2024, 3, 1)),
    )
    issue = validate_registers(rows).issues[0]
    assert (issue.rule, issue.severity, issue.values) == ("C5", Severity.ERROR, ("1500", "900"))
    assert "below the last actual" in issue.detail


def test_c8_advance_above_twice_the_expected():
    # §3.4 worked example: expected 775 kWh for the period, "twice expected" ceiling 1,550 kWh.
    rows = reads(
        read("0", utc(2024, 1, 1)), read("1550", utc(2024, 4, 1)), read("3101", utc(2024, 7, 1))
    )
    ctx = context(
        3, has_expected=[False, True, True], expected_advance=[0, 775 * MICRO, 775 * MICRO]
    )
    findings = validate_registers(rows, ctx)
    assert [(i.rule, i.values) for i in findings.issues] == [("C8", ("1550", "3101"))]


def test_c8_uses_the_multiplier():
    rows = reads(read("0", utc(2024, 1, 1)), read("20", utc(2024, 4, 1)))
    ctx = context(
        2,
        multiplier=[40 * MICRO] * 2,
        has_expected=[False, True],
        expected_advance=[0, 300 * MICRO],
    )  # 20 x 40 = 800 > 600
    assert [i.rule for i in validate_registers(rows, ctx).issues] == ["C8"]


def test_c14_read_before_install_after_removal_in_future_and_not_after_previous():
    rows = reads(
        read("10", utc(2023, 12, 31)),  # before install
        read("20", utc(2024, 1, 2)),
        read("20", utc(2024, 1, 2), line=2),  # same instant as the previous
        read("30", utc(2024, 6, 2)),  # after removal
        read("40", utc(2030, 1, 1)),  # future and after removal
    )
    start, end = int(utc(2024, 1, 1).timestamp()), int(utc(2024, 6, 1).timestamp())
    ctx = context(5, installed_at_s=[start] * 5, removed_at_s=[end] * 5)
    findings = validate_registers(rows, ctx, as_of=utc(2025, 1, 1))
    assert [(i.rule, int(r)) for i, r in zip(findings.issues, findings.rows, strict=True)] == [
        ("C14", 0),
        ("C14", 2),
        ("C14", 3),
        ("C14", 4),
    ]
    assert findings.billable().tolist() == [False, True, False, False, False]


def test_removal_reading_at_the_removal_instant_is_inside_the_meter_life():
    end = int(utc(2024, 6, 1).timestamp())
    rows = reads(read("10", utc(2024, 1, 1)), read("30", utc(2024, 6, 1)))
    ctx = context(2, installed_at_s=[NO_INSTANT] * 2, removed_at_s=[end, end])
    assert validate_registers(rows, ctx).issues == []
    assert validate_registers(rows, context(2, removed_at_s=[NEVER] * 2)).issues == []


def test_c15_meter_identity_and_exchange_never_gives_an_advance_across_meters():
    rows = reads(
        read("99990", utc(2024, 1, 1), meter_serial="OLD"),
        read("12", utc(2024, 2, 1), meter_serial="NEW"),
        read("30", utc(2024, 3, 1), meter_serial="NEW"),
        read("31", utc(2024, 3, 2), meter_serial="OLD"),
    )
    ctx = context(4, serial_in_force=["OLD", "NEW", "NEW", "NEW"], digits=[5] * 4)
    findings = validate_registers(rows, ctx)
    assert [(i.rule, int(r)) for i, r in zip(findings.issues, findings.rows, strict=True)] == [
        ("C15", 3)
    ]
    assert findings.sequence.advance_known.tolist() == [False, False, True, False]
    assert findings.sequence.advance[2] == 18 * MICRO


def test_no_advance_across_a_configuration_change_of_the_same_meter():
    rows = reads(read("99990", utc(2024, 1, 1)), read("12", utc(2024, 2, 1)))
    findings = validate_registers(rows, context(2, digits=[5, 6], period=[1, 2]))
    assert findings.issues == [] and not findings.sequence.advance_known.any()


def test_c13_register_or_tpr_not_in_configuration():
    rows = reads(
        read("1", utc(2024, 1, 1)),
        read("2", utc(2024, 1, 1), register_id="R2"),
        time_patterns=["00210", "00043"],
    )
    ctx = context(2, configured=[0, 1], time_patterns=[(), ("00210",)])
    findings = validate_registers(rows, ctx)
    assert [(i.rule, i.register_id) for i in findings.issues] == [("C13", "R1"), ("C13", "R2")]
    assert "TPR 00043" in findings.issues[1].detail


def test_c16_more_digits_or_decimals_than_configured():
    rows = reads(
        read("123456", utc(2024, 1, 1)),
        read("12.25", utc(2024, 1, 1), register_id="R2"),
        read("12.5", utc(2024, 1, 1), register_id="R3"),
    )
    ctx = context(3, digits=[5, 5, 5], decimals=[-1, 1, 1])
    assert [(i.rule, i.register_id) for i in validate_registers(rows, ctx).issues] == [
        ("C16", "R1"),
        ("C16", "R2"),
    ]


def test_c17_multiplier_and_c23_unit():
    rows = reads(
        read("1", utc(2024, 1, 1)),
        read("1", utc(2024, 1, 1), register_id="R2", unit=Unit.KVARH),
        applied_multipliers=[Decimal(20), None],
    )
    ctx = context(2, multiplier=[40 * MICRO, 0], unit=[None, "kWh"])
    findings = validate_registers(rows, ctx)
    assert [(i.rule, i.severity) for i in findings.issues] == [
        ("C17", Severity.WARNING),
        ("C23", Severity.ERROR),
    ]


def test_c18_tou_registers_against_the_total():
    at0, at1 = utc(2024, 1, 1), utc(2024, 4, 1)
    rows = reads(
        read("100", at0, register_id="TOTAL"),
        read("60", at0, register_id="DAY"),
        read("40", at0, register_id="NIGHT"),
        read("1100", at1, register_id="TOTAL"),
        read("660", at1, register_id="DAY"),
        read("400", at1, register_id="NIGHT"),
    )
    ctx = context(6, role=["total", "tou", "tou"] * 2)
    findings = validate_registers(rows, ctx)  # TOU 600 + 360 = 960 vs 1000: 4 % > 1 %
    assert [(i.rule, i.register_id) for i in findings.issues] == [("C18", "TOTAL")]
    assert "960" in findings.issues[0].detail
    rows_ok = reads(
        *[
            read(v, a, register_id=r)
            for v, a, r in [
                ("100", at0, "TOTAL"),
                ("60", at0, "DAY"),
                ("40", at0, "NIGHT"),
                ("1100", at1, "TOTAL"),
                ("658", at1, "DAY"),
                ("441", at1, "NIGHT"),
            ]
        ]
    )
    assert validate_registers(rows_ok, ctx).issues == []  # 999 vs 1000: within 3 units


def test_c21_more_than_two_consecutive_estimated_reads():
    rows = reads(
        *[read(str(100 * k), utc(2024, k, 1), quality=Quality.ESTIMATED) for k in range(1, 5)]
    )
    findings = validate_registers(rows)
    assert [(i.rule, i.read_at.month) for i in findings.issues] == [("C21", 3), ("C21", 4)]


def test_c22_registers_of_the_meter_read_together():
    rows = reads(read("1", utc(2024, 1, 1), register_id="DAY"))
    ctx = context(1, siblings=[("DAY", "NIGHT")])
    issues = validate_registers(rows, ctx).issues
    assert [(i.rule, i.detail) for i in issues] == [
        ("C22", "register(s) NIGHT not read at the same instant")
    ]


def test_c7_zero_advance_while_energised_and_c9_against_the_previous_period():
    rows = reads(
        read("0", utc(2024, 1, 1)),
        read("300", utc(2024, 2, 1)),
        read("300", utc(2024, 3, 1)),
        read("3000", utc(2024, 4, 1)),
    )
    findings = validate_registers(rows)
    assert [(i.rule, i.read_at.month) for i in findings.issues] == [("C7", 3)]
    exempt = validate_registers(rows, context(4, zero_exempt=[True] * 4))
    assert exempt.issues == []
    rows = reads(
        read("0", utc(2024, 1, 1)), read("300", utc(2024, 2, 1)), read("1300", utc(2024, 3, 1))
    )
    assert [(i.rule, i.read_at.month) for i in validate_registers(rows).issues] == [("C9", 3)]


@given(
    digits=st.integers(min_value=1, max_value=9),
    data=st.data(),
)
def test_property_rollover_recovers_any_advance_below_half_the_dial(digits, data):
    capacity = 10**digits
    previous = data.draw(st.integers(min_value=0, max_value=capacity - 1))
    advance = data.draw(st.integers(min_value=1, max_value=capacity // 2))
    current = (previous + advance) % capacity
    rows = reads(read(str(previous), utc(2024, 1, 1)), read(str(current), utc(2024, 2, 1)))
    findings = validate_registers(rows, context(2, digits=[digits] * 2))
    assert findings.sequence.advance[1] == advance * MICRO
    assert findings.sequence.rollover[1] == (current < previous)
    assert all(i.rule in {"C6", "C9"} for i in findings.issues)
    assert np.all(findings.billable())
