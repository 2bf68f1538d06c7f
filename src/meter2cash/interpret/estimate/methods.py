"""The estimation method vocabulary, and its AEMO NEM12 method-flag equivalents.

Every estimated value names the method that produced it, so an operator (and an outbound market
file) can tell an interpolation from a profile guess. The vocabulary is the team's [T]
(``market-rules.md`` §3.7 is the team proposal it follows; names map as: ``LIKE_DAY`` = §3.7
``AVG_LIKE_DAY``/``LIKE_DAY``, ``SCALED_TO_ADVANCE`` = ``HIST_SCALED``, ``PROFILE`` =
``PROFILE_EAC``, ``ZERO_FILL`` = ``ZERO``).

The NEM12 method flags and their meanings are verified ([V] AEMO-FLAGS, ``market-rules.md`` §2.6);
which flag each of our methods corresponds to is the team's mapping [T]. Where no flag has the
same meaning, there is no mapping (``None``) rather than a near miss.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from meter2cash.domain.errors import DomainError


class EstimationError(DomainError):
    """An estimation method was asked for something it must refuse (e.g. zero-fill, no reason)."""


class Method(StrEnum):
    """How an estimated value was produced."""

    LINEAR = "LINEAR"  # point-to-point between actual end points (§3.1)
    LIKE_DAY = "LIKE_DAY"  # average of like days in the market's look-back (§3.2)
    SCALED_TO_ADVANCE = "SCALED_TO_ADVANCE"  # shape from an estimate, volume from an advance
    PROFILE = "PROFILE"  # EAC x profile coefficients, no usable history (§3.4)
    ZERO_FILL = "ZERO_FILL"  # zero, with a positive reason only (§3.6)


class NemMeteringType(StrEnum):
    """AEMO metering-type families, whose method flags differ (§2.6 table columns)."""

    INTERVAL = "1-4"  # metering types 1-4 (remotely read interval)
    MANUALLY_READ_INTERVAL = "5"
    BASIC = "6"  # accumulation


#: Our method -> NEM12 method flag, per metering-type family [T mapping over V flag meanings].
_NEM_FLAGS: Mapping[NemMeteringType, Mapping[Method, str]] = MappingProxyType(
    {
        NemMeteringType.INTERVAL: MappingProxyType(
            {
                Method.LINEAR: "17",  # Linear
                Method.LIKE_DAY: "15",  # Retrospective Average Like Day (14 for a single day)
                Method.SCALED_TO_ADVANCE: "24",  # Data Scaling
                Method.ZERO_FILL: "19",  # Zero
            }
        ),
        NemMeteringType.MANUALLY_READ_INTERVAL: MappingProxyType(
            {
                Method.LINEAR: "54",  # Linear
                Method.PROFILE: "57",  # Customer Class
                Method.ZERO_FILL: "58",  # Zero
            }
        ),
        NemMeteringType.BASIC: MappingProxyType(
            {
                Method.PROFILE: "63",  # Customer Class
                Method.ZERO_FILL: "68",  # Zero
            }
        ),
    }
)


def nem_method_flag(
    method: Method | str, metering_type: NemMeteringType, like_days: int | None = None
) -> str | None:
    """The NEM12 method flag for one of our methods, or ``None`` where NEM has no equivalent.

    ``like_days=1`` turns an interval ``LIKE_DAY`` into flag 14 (Retrospective Like Day) instead
    of 15 (the average of several).
    """
    try:
        known = Method(method)
    except ValueError:
        raise EstimationError(f"unknown estimation method {method!r}") from None
    flag = _NEM_FLAGS[NemMeteringType(metering_type)].get(known)
    if flag == "15" and like_days == 1:
        return "14"
    return flag
