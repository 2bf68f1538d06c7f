"""Supply point ids: MPAN core check digits (market-rules 5.1 worked examples) and NMIs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter2cash.synth import is_valid_mpan_core, mpan_check_digit
from meter2cash.synth.ids import SupplyPointIds


def test_worked_example_1030006718997_is_valid() -> None:
    # 3,0,21,0,0,0,138,203,31,296,369,387 -> 1448; 1448 mod 11 = 7; 7 mod 10 = 7
    assert mpan_check_digit("103000671899") == 7
    assert is_valid_mpan_core("1030006718997")


def test_worked_example_where_mod_11_gives_10_has_check_digit_0() -> None:
    # sum 538; 538 mod 11 = 10; 10 mod 10 = 0
    assert mpan_check_digit("120001000129") == 0
    assert is_valid_mpan_core("1200010001290")


@pytest.mark.parametrize(
    "core", ["1030006718996", "103000671899", "10300067189970", "10300067189a7", " 030006718997"]
)
def test_wrong_check_digit_length_or_characters_are_invalid(core: str) -> None:
    assert not is_valid_mpan_core(core)


def test_check_digit_needs_exactly_twelve_digits() -> None:
    with pytest.raises(ValueError, match="12 digits"):
        mpan_check_digit("12345")


@given(st.from_regex(r"\A[0-9]{12}\Z"))
def test_exactly_one_check_digit_completes_any_twelve_digits(first_twelve: str) -> None:
    valid = [d for d in "0123456789" if is_valid_mpan_core(first_twelve + d)]
    assert valid == [str(mpan_check_digit(first_twelve))]


def test_generated_mpans_are_valid_unique_and_from_a_dno_area() -> None:
    ids = SupplyPointIds(seed=42)
    mpans = [ids.mpan(i) for i in range(5_000)]
    assert all(is_valid_mpan_core(m) for m in mpans)
    assert all(10 <= int(m[:2]) <= 23 for m in mpans)
    assert len(set(mpans)) == len(mpans)
    assert len({m[:2] for m in mpans}) == 14


def test_generated_nmis_are_ten_characters_unique_and_seed_dependent() -> None:
    nmis = [SupplyPointIds(seed=1).nmi(i) for i in range(10_000)]
    assert all(len(n) == 10 and n.startswith("NCDE") and n[4:].isdigit() for n in nmis)
    assert len(set(nmis)) == len(nmis)
    assert SupplyPointIds(seed=2).nmi(0) != nmis[0]
    assert SupplyPointIds(seed=1).nmi(0) == nmis[0]


def test_nmis_run_out_after_a_million_supply_points() -> None:
    with pytest.raises(ValueError, match="run out"):
        SupplyPointIds(seed=1).nmi(10**6)
