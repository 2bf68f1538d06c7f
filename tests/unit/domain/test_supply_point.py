"""Supply point identity: MPAN (GB), NMI (AU), MaLo-ID (DE) and free-form identifiers.

External vectors, so a regression cannot be hidden by expectations computed with the code:
* MPAN: the worked examples of ``market-rules.md`` §5.1 (verified against limejump/mpan, chellow);
* NMI: the checksum examples of AEMO's NMI Procedure appendix, as reproduced by several independent
  implementations (e.g. the nmicheck package tests, an envoy NmiValidator test citing "Appendix 3 of
  AEMO's National Metering Identifier Procedure V5.1", AgileWallaby.AEMO tests);
* MaLo-ID: BDEW's worked example 41373559241 (quoted by several implementations), bo4e's fixture
  51238696781, and a third-party test vector 49637777476.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meter2cash.domain.errors import DomainError, InvalidSupplyPointError
from meter2cash.domain.supply_point import (
    DISTRIBUTORS,
    MPAN_WEIGHTS,
    FullMpan,
    Market,
    SupplyPointId,
    distributor_of,
    malo_id_check_digit,
    mpan_check_digit,
    nmi_checksum,
)

# --- GB: MPAN ---------------------------------------------------------------------------------


def test_mpan_worked_example_products_and_check_digit() -> None:
    products = [w * int(d) for w, d in zip(MPAN_WEIGHTS, "103000671899", strict=True)]
    assert products == [3, 0, 21, 0, 0, 0, 138, 203, 31, 296, 369, 387]
    assert sum(products) == 1448
    assert mpan_check_digit("103000671899") == 7


def test_mpan_check_digit_when_the_sum_is_10_mod_11() -> None:
    assert sum(w * int(d) for w, d in zip(MPAN_WEIGHTS, "120001000129", strict=True)) == 538
    assert mpan_check_digit("120001000129") == 0


@pytest.mark.parametrize(
    "text", ["1030006718997", "1200010001290", " 10 3000 6718 997 ", "10\t3000671899 7"]
)
def test_valid_mpan_cores_normalise(text: str) -> None:
    spid = SupplyPointId.parse(Market.GB, text)
    assert spid.market is Market.GB
    assert spid.value == "".join(text.split())


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1030006718996", "check digit is 6, expected 7"),
        ("1200010001291", "check digit is 1, expected 0"),
        ("103000671899", "exactly 13 digits"),
        ("10300067189970", "exactly 13 digits"),
        ("10300067189A7", "exactly 13 digits"),
        ("", "exactly 13 digits"),
        ("\uff11\uff1030006718997", "exactly 13 digits"),  # full-width digits are not ASCII
    ],
)
def test_invalid_mpan_cores(text: str, reason: str) -> None:
    with pytest.raises(InvalidSupplyPointError) as caught:
        SupplyPointId.parse(Market.GB, text)
    message = str(caught.value)
    assert message.startswith("GB supply point id")
    assert repr(text) in message
    assert reason in message


def _with_check_digit(first12: str) -> str:
    return first12 + str(mpan_check_digit(first12))


@pytest.mark.parametrize("prefix", ["00", "09", "37", "99"])
def test_unknown_distributor_is_refused_even_with_a_good_check_digit(prefix: str) -> None:
    core = _with_check_digit(prefix + "3000671899")
    with pytest.raises(InvalidSupplyPointError, match="unknown distributor id"):
        SupplyPointId.parse(Market.GB, core)


def test_distributor_table_covers_10_to_36() -> None:
    assert sorted(DISTRIBUTORS) == [str(n) for n in range(10, 37)]
    assert {d.kind for k, d in DISTRIBUTORS.items() if int(k) <= 23} == {"DNO"}
    assert {d.kind for k, d in DISTRIBUTORS.items() if int(k) >= 24} == {"IDNO"}
    assert all(d.gsp_group_id for d in DISTRIBUTORS.values() if d.kind == "DNO")


@pytest.mark.parametrize(
    ("core", "name", "participant_id", "gsp_group_id"),
    [
        ("1030006718997", "Eastern", "EELC", "_A"),
        ("1200010001290", "London", "LOND", "_C"),
        (_with_check_digit("170000000001"), "North Scotland", "HYDE", "_P"),
        (_with_check_digit("230000000001"), "Yorkshire", "YELG", "_M"),
        (_with_check_digit("240000000001"), "Envoy (Independent Power Networks)", "IPNL", None),
        (_with_check_digit("360000000001"), "Vattenfall Networks", "VATT", None),
    ],
)
def test_distributor_of(
    core: str, name: str, participant_id: str, gsp_group_id: str | None
) -> None:
    distributor = distributor_of(core)
    assert (distributor.name, distributor.participant_id, distributor.gsp_group_id) == (
        name,
        participant_id,
        gsp_group_id,
    )
    assert distributor.distributor_id == core[:2]


@given(
    st.sampled_from(sorted(DISTRIBUTORS)),
    st.text(alphabet="0123456789", min_size=10, max_size=10),
)
def test_only_the_computed_check_digit_is_accepted(distributor_id: str, unique: str) -> None:
    first12 = distributor_id + unique
    check = mpan_check_digit(first12)
    assert SupplyPointId.parse(Market.GB, first12 + str(check)).value == first12 + str(check)
    for wrong in set("0123456789") - {str(check)}:
        with pytest.raises(InvalidSupplyPointError):
            SupplyPointId.parse(Market.GB, first12 + wrong)


@pytest.mark.parametrize("text", ["10300067189", "1030006718997", "10300067189x"])
def test_mpan_check_digit_needs_12_digits(text: str) -> None:
    with pytest.raises(InvalidSupplyPointError, match="12 leading digits"):
        mpan_check_digit(text)


def test_full_mpan_parts() -> None:
    full = FullMpan.parse("00 801 A12 10 3000 6718 997")
    assert full == FullMpan("00", "801", "A12", "1030006718997")
    assert full.supply_point_id == SupplyPointId(Market.GB, "1030006718997")
    assert full.distributor.name == "Eastern"
    assert FullMpan.parse("058110001200010001290").line_loss_factor_class == "000"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("00801a121030006718997", "full MPAN"),  # LLFC is upper-case alphanumeric
        ("0080112310300067189", "full MPAN"),  # 19 characters
        ("0A801123103000671899 7", "full MPAN"),  # profile class must be digits
        ("008011231030006718996", "check digit is 6, expected 7"),  # the core is checked too
    ],
)
def test_invalid_full_mpan(text: str, reason: str) -> None:
    with pytest.raises(InvalidSupplyPointError, match=reason):
        FullMpan.parse(text)


# --- AU: NMI ----------------------------------------------------------------------------------

AEMO_NMI_CHECKSUMS = {
    "2001985732": 8, "2001985733": 6, "3075621875": 8, "3075621876": 6, "4316854005": 9,
    "4316854006": 7, "6305888444": 6, "6350888444": 2, "7001888333": 8, "7102000001": 7,
    "NAAAMYS582": 6, "NBBBX11110": 0, "NBBBX11111": 8, "NCCC519495": 5, "NGGG000055": 4,
    "QAAAVZZZZZ": 3, "QCDWW00010": 2, "SMVEW00085": 8, "VAAA000065": 7, "VAAA000066": 5,
    "VAAA000067": 2, "VAAASTY576": 8, "VCCCX00009": 1, "VEEEX00009": 1, "VKTS786150": 2,
    "VKTS867150": 5, "VKTS871650": 7, "VKTS876105": 7, "VKTS876150": 3, "VKTS876510": 8,
}  # fmt: skip


@pytest.mark.parametrize(("nmi", "checksum"), sorted(AEMO_NMI_CHECKSUMS.items()))
def test_nmi_checksum_matches_aemo_examples(nmi: str, checksum: int) -> None:
    assert nmi_checksum(nmi) == checksum
    assert SupplyPointId.parse(Market.AU, nmi + str(checksum)).value == nmi


@pytest.mark.parametrize(
    ("text", "value"),
    [("2001985732", "2001985732"), ("20019857328", "2001985732"), (" qaaavzzzzz3 ", "QAAAVZZZZZ")],
)
def test_nmi_normalises_to_the_ten_character_identity(text: str, value: str) -> None:
    assert SupplyPointId.parse("AU", text) == SupplyPointId(Market.AU, value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("20019857329", "NMI checksum is '9', expected 8"),
        ("QAAAVZZZZZA", "NMI checksum is 'A', expected 3"),
        ("200198573", "an NMI is 10"),
        ("200198573288", "an NMI is 10"),
        ("NAAAIYS582", "without I or O"),
        ("NAAAOYS582", "without I or O"),
        ("NAAA-YS582", "without I or O"),
    ],
)
def test_invalid_nmis(text: str, reason: str) -> None:
    with pytest.raises(InvalidSupplyPointError, match=reason) as caught:
        SupplyPointId.parse(Market.AU, text)
    assert str(caught.value).startswith(f"AU supply point id {text!r}")


# --- DE: MaLo-ID ------------------------------------------------------------------------------


@pytest.mark.parametrize("malo_id", ["51238696781", "41373559241", "49637777476"])
def test_published_malo_ids_are_valid(malo_id: str) -> None:
    assert malo_id_check_digit(malo_id[:10]) == int(malo_id[10])
    assert SupplyPointId.parse(Market.DE, malo_id).value == malo_id


def test_malo_id_check_digit_is_not_luhn() -> None:
    # 51238696781: odd positions 5+2+8+9+7 = 31, even 1+3+6+6+8 = 24, doubled 48; 79 -> 1.
    # Luhn would sum the digits of each doubled digit (8 * 2 = 16 -> 7) and give 0 instead.
    assert malo_id_check_digit("5123869678") == 1


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("51238696780", "check digit is 0, expected 1"),
        ("01238696781", "first not 0"),
        ("5123869678", "11 digits"),
        ("5123869678A", "11 digits"),
    ],
)
def test_invalid_malo_ids(text: str, reason: str) -> None:
    with pytest.raises(InvalidSupplyPointError, match=reason):
        SupplyPointId.parse(Market.DE, text)


def test_malo_id_whitespace_is_removed() -> None:
    assert SupplyPointId.parse(Market.DE, "512 3869 6781").value == "51238696781"


@given(st.integers(min_value=1_000_000_000, max_value=9_999_999_999))
def test_malo_id_with_its_check_digit_parses(base: int) -> None:
    malo_id = f"{base}{malo_id_check_digit(str(base))}"
    assert SupplyPointId.parse(Market.DE, malo_id).value == malo_id


# --- OTHER and the identity type --------------------------------------------------------------


def test_other_is_stripped_free_form() -> None:
    assert SupplyPointId.parse(Market.OTHER, "  ESB 10001234567 ").value == "ESB 10001234567"
    assert SupplyPointId.parse(Market.OTHER, "x" * 64).value == "x" * 64


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "empty"), ("   ", "empty"), ("x" * 65, "longer than 64"), ("a\x00b", "non-printable")],
)
def test_invalid_other(text: str, reason: str) -> None:
    with pytest.raises(InvalidSupplyPointError, match=reason):
        SupplyPointId.parse(Market.OTHER, text)


def test_direct_construction_is_validated_and_must_be_normal() -> None:
    assert SupplyPointId("GB", "1030006718997").market is Market.GB  # type: ignore[arg-type]
    with pytest.raises(InvalidSupplyPointError, match="check digit"):
        SupplyPointId(Market.GB, "1030006718996")
    with pytest.raises(InvalidSupplyPointError, match="normal form"):
        SupplyPointId(Market.AU, "20019857328")
    with pytest.raises(InvalidSupplyPointError, match="normal form"):
        SupplyPointId(Market.OTHER, " x ")


def test_unknown_market_is_refused() -> None:
    with pytest.raises(InvalidSupplyPointError, match="unknown market 'FR'"):
        SupplyPointId.parse("FR", "123")


def test_identity_is_a_frozen_hashable_value() -> None:
    a = SupplyPointId.parse(Market.GB, "10 3000 6718 997")
    b = SupplyPointId.parse("GB", "1030006718997")
    assert a == b and hash(a) == hash(b) and str(a) == "1030006718997"
    assert SupplyPointId.parse(Market.OTHER, "1030006718997") != a  # the market is part of it
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.value = "x"  # type: ignore[misc]


def test_invalid_supply_point_is_a_domain_error() -> None:
    assert issubclass(InvalidSupplyPointError, DomainError)
    assert issubclass(InvalidSupplyPointError, ValueError)
