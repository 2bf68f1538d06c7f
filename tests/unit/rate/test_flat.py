from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter2cash.domain.billing import Determinant, FlatTariff, LineKind
from meter2cash.domain.billing import DeterminantKind as K
from meter2cash.domain.errors import ConfigurationError
from meter2cash.domain.quantity import MICRO
from meter2cash.rate.flat import rate_month
from meter2cash.rate.tariff_file import load_flat_tariff, load_tariffs

JAN = date(2024, 1, 1)
GB_SMALL_BUSINESS = FlatTariff(
    "t", 1, "GB", "GBP", Decimal("50"), Decimal("25.00"), "VAT", Decimal("0.05")
)


def _dets(days: int, kwh_micro: list[int]) -> list[tuple[int, Determinant]]:
    dets = [(1, Determinant("S", "*", K.MONTHLY_DAYS, JAN, days * MICRO, "day", ()))]
    for n, micro in enumerate(kwh_micro):
        dets.append(
            (10 + n, Determinant("S", f"E{n + 1}", K.MONTHLY_IMPORT, JAN, micro, "kWh", ()))
        )
    return dets


def test_worked_example_from_market_rules_de_minimis_business_bill():
    # market-rules.md §6: 900 kWh over 30 days at 25.00p/kWh and 50p/day = £240.00, 5% VAT £12.00
    bill = rate_month("S", JAN, _dets(30, [900 * MICRO]), GB_SMALL_BUSINESS)
    assert bill is not None
    assert [(ln.kind, ln.amount) for ln in bill.lines] == [
        (LineKind.STANDING_CHARGE, Decimal("15.00")),
        (LineKind.ENERGY, Decimal("225.00")),
        (LineKind.TAX, Decimal("12.00")),
    ]
    assert bill.total == Decimal("252.00")
    assert bill.period_end_on == date(2024, 2, 1)
    assert bill.lines[2].determinant_ids == (1, 10)


def test_each_line_rounds_half_up_once():
    tariff = FlatTariff("t", 1, "GB", "GBP", Decimal("0"), Decimal("10"), "VAT", Decimal("0.05"))
    bill = rate_month("S", JAN, _dets(1, [125_000]), tariff)  # 0.125 kWh x 10p = 1.25p
    assert bill is not None
    assert bill.lines[1].amount == Decimal("0.01")  # 1.25p -> £0.0125 -> £0.01
    tariff = FlatTariff("t", 1, "GB", "GBP", Decimal("0"), Decimal("50"), "VAT", Decimal("0"))
    bill = rate_month(
        "S", JAN, _dets(1, [10_000]), tariff
    )  # 0.01 kWh x 50p = 0.5p -> £0.01 (half up)
    assert bill is not None and bill.lines[1].amount == Decimal("0.01")


def test_no_days_of_supply_no_bill():
    assert rate_month("S", JAN, [], GB_SMALL_BUSINESS) is None


@given(
    days=st.integers(min_value=1, max_value=31),
    kwh=st.lists(st.integers(min_value=0, max_value=10**12), min_size=0, max_size=3),
    standing=st.decimals(min_value=0, max_value=500, places=4),
    rate=st.decimals(min_value=0, max_value=200, places=4),
)
def test_lines_always_sum_to_total_and_amounts_are_whole_pence(days, kwh, standing, rate):
    tariff = FlatTariff("t", 1, "GB", "GBP", standing, rate, "VAT", Decimal("0.2"))
    bill = rate_month("S", JAN, _dets(days, kwh), tariff)
    assert bill is not None
    assert bill.total == sum(ln.amount for ln in bill.lines)
    assert all(ln.amount == ln.amount.quantize(Decimal("0.01")) for ln in bill.lines)
    charges = sum(ln.amount for ln in bill.lines if ln.kind is not LineKind.TAX)
    assert bill.lines[-1].quantity == charges


def test_tariff_file_keeps_decimals_exact(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text(
        "tariff_id: x\nversion: 2\nmarket: gb\ncurrency: gbp\n"
        "standing_charge_minor_per_day: 0.1\nunit_rate_minor_per_kwh: 24.505\n"
        "tax: {name: VAT, rate: 0.05}\n"
    )
    tariff = load_flat_tariff(path)
    assert tariff.unit_rate_minor_per_kwh == Decimal("24.505")
    assert tariff.standing_charge_minor_per_day == Decimal("0.1")
    assert (tariff.market, tariff.currency, tariff.version) == ("GB", "GBP", 2)


@pytest.mark.parametrize(
    "body, message",
    [
        ("tariff_id: x\n", "missing field"),
        ("[1, 2]\n", "mapping"),
        (
            "tariff_id: x\nversion: 1\nmarket: GB\ncurrency: GBP\nstanding_charge_minor_per_day: abc\n"
            "unit_rate_minor_per_kwh: 1\ntax: {name: VAT, rate: 0.05}\n",
            "must be a number",
        ),
        (
            "tariff_id: x\nversion: 1\nmarket: GB\ncurrency: GBP\nstanding_charge_minor_per_day: 1\n"
            "unit_rate_minor_per_kwh: 1\ntax: {name: VAT, rate: 5}\n",
            "fraction",
        ),
        (
            "tariff_id: x\nversion: 1\nmarket: GB\ncurrency: XYZ\nstanding_charge_minor_per_day: 1\n"
            "unit_rate_minor_per_kwh: 1\ntax: {name: VAT, rate: 0.2}\n",
            "currency",
        ),
    ],
)
def test_bad_tariff_files_name_the_file_and_the_problem(tmp_path: Path, body: str, message: str):
    path = tmp_path / "bad.yaml"
    path.write_text(body)
    with pytest.raises(ConfigurationError, match=message) as info:
        load_flat_tariff(path)
    assert "bad.yaml" in str(info.value)


def test_shipped_demo_tariffs_load():
    tariffs = load_tariffs(Path(__file__).parents[3] / "examples" / "tariffs")
    assert set(tariffs) == {"AU", "DE", "GB", "US"}
