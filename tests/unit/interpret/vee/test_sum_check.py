"""C11: the interval total over a register read period against the register advance."""

from __future__ import annotations

from datetime import date

from tests.unit.interpret.vee.builders import GB, batch, day, read, reads, utc

from meter2cash.domain.quantity import MICRO
from meter2cash.interpret.vee import RegisterContext, sum_check, validate_registers

DAYS = [date(2024, 1, d) for d in (1, 2, 3)]  # Europe/London in January: local midnight = UTC


def _check(second_read: str, *, multiplier: int = 1, values=None, end=None):
    intervals = batch(
        *(day(values if on == DAYS[1] and values else None, read_on=on, **GB) for on in DAYS)
    )
    rows = reads(read("1000", utc(2024, 1, 1)), read(second_read, end or utc(2024, 1, 4)))
    context = RegisterContext.unknown(2).with_columns(
        channel=["E1", "E1"], multiplier=[multiplier * MICRO] * 2
    )
    findings = validate_registers(rows, context)
    return sum_check(intervals, rows, context, findings.sequence)


def test_interval_total_equal_to_the_advance_passes():
    assert _check("1072") == []  # 3 days x 48 x 0.5 kWh = 72 kWh


def test_within_one_unit_of_the_dial_passes_beyond_the_tolerance_fails():
    assert _check("1073") == []  # 1 kWh off: a dial shows whole units
    issues = _check("1080")  # 8 kWh off > max(1 % x 80, 1 unit)
    assert [(i.rule, i.values, i.previous_read_at) for i in issues] == [
        ("C11", ("1000", "1080"), utc(2024, 1, 1))
    ]
    assert "interval total 72" in issues[0].detail and "80" in issues[0].detail


def test_multiplier_applies_to_the_register_advance():
    assert _check("1018", multiplier=4) == []  # 18 x 4 = 72
    assert [i.rule for i in _check("1020", multiplier=4)] == ["C11"]


def test_not_judged_with_a_gap_or_off_the_interval_grid():
    gap = ["0.5"] * 47 + [None]
    assert _check("1080", values=gap) == []  # C2 reports the gap; the sum would mislead
    assert _check("1080", end=utc(2024, 1, 3, 23).replace(minute=45)) == []  # mid-interval
    assert _check("1080", end=utc(2024, 1, 4, 1)) == []  # beyond the intervals received


def test_unmapped_registers_are_not_sum_checked():
    intervals = batch(*(day(read_on=on, **GB) for on in DAYS))
    rows = reads(read("1000", utc(2024, 1, 1)), read("1080", utc(2024, 1, 4)))
    context = RegisterContext.unknown(2)
    assert sum_check(intervals, rows, context, validate_registers(rows, context).sequence) == []
