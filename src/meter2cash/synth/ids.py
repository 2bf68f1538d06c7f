"""Deterministic supply point ids and meter serials for synthetic data.

UK MPAN core (13 digits): distributor id (2) + unique number (10) + check digit (1). The check
digit is ``(sum of w_i * d_i over the first 12 digits) mod 11 mod 10`` with the weights below, as
implemented identically by ``limejump/mpan`` and ``WessexWater/chellow`` (market-rules.md 5.1).
NEM NMIs are 10 characters; a synthetic NMI is the ``NCDE`` prefix plus six digits.

Ids are affine bijections of the supply point's index (multiplier coprime to the modulus), offset by
a seed-derived constant: unique within a run, different between seeds, no state to keep.
"""

from __future__ import annotations

import random

_MPAN_WEIGHTS = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)
_DNO_IDS = tuple(range(10, 24))  # the 14 DNO areas; IDNOs (24-36) are left out on purpose
NMI_PREFIX = "NCDE"
MAX_NMIS = 10**6
_NMI_STEP = 7_919  # prime, coprime to 10**6
_MPAN_STEP = 2_654_435_761  # odd and not a multiple of 5: coprime to 10**10


def mpan_check_digit(first_twelve: str) -> int:
    """The check digit for the first 12 digits of an MPAN core."""
    if len(first_twelve) != 12 or not first_twelve.isdigit():
        raise ValueError(f"an MPAN core check digit needs exactly 12 digits, got {first_twelve!r}")
    total = sum(w * int(d) for w, d in zip(_MPAN_WEIGHTS, first_twelve, strict=True))
    return total % 11 % 10


def is_valid_mpan_core(core: str) -> bool:
    """True for 13 ASCII digits whose last digit is the check digit of the first 12."""
    if len(core) != 13 or not core.isascii() or not core.isdigit():
        return False
    return mpan_check_digit(core[:12]) == int(core[12])


class SupplyPointIds:
    """Maps a supply point's index in a run to its market id and meter serial."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(f"m2c-synth/{seed}/ids")
        self._nmi_offset = rng.randrange(MAX_NMIS)
        self._mpan_offset = rng.randrange(10**10)
        self._dno_offset = rng.randrange(len(_DNO_IDS))

    def nmi(self, index: int) -> str:
        if not 0 <= index < MAX_NMIS:
            raise ValueError(f"synthetic NMIs run out after {MAX_NMIS} supply points")
        return f"{NMI_PREFIX}{(index * _NMI_STEP + self._nmi_offset) % MAX_NMIS:06d}"

    def mpan(self, index: int) -> str:
        if not 0 <= index < 10**10:
            raise ValueError("synthetic MPANs run out after 10**10 supply points")
        distributor = _DNO_IDS[(index + self._dno_offset) % len(_DNO_IDS)]
        unique = (index * _MPAN_STEP + self._mpan_offset) % 10**10
        first_twelve = f"{distributor}{unique:010d}"
        return f"{first_twelve}{mpan_check_digit(first_twelve)}"

    @staticmethod
    def meter_serial(index: int) -> str:
        return f"SYN{index:08d}"
