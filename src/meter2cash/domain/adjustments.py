"""Adjustments: how a correction to *hard* settlement data reaches billing without restating it.

Once a settlement day is HARD (its final reconciliation run has passed) settlement is not restated;
a later, different value for that day becomes an immutable :class:`Adjustment` that carries the
quantity difference and links the version it corrects to the version that corrects it
(``market-rules.md`` §4.3 "Corrections", team design [T]). Re-rating turns it into credit/debit
bill lines later. Corrections to days that are not yet hard are new versions instead (the old one
kept), so an adjustment exists only where a restatement is no longer allowed.

The reason codes are the team's list of ``market-rules.md`` §4.4 ([T], seeded from verified
sources such as AEMO reason codes and BSCP504 CoS disputes). Like AEMO's reason code 0 ("free
text"), ``OTHER`` needs a free text, which every other code may also carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from meter2cash.domain.errors import DomainError
from meter2cash.domain.keys import stable_key
from meter2cash.domain.quantity import Unit, to_micro
from meter2cash.domain.time import require_utc


class AdjustmentReason(StrEnum):
    """Why hard data changed (``market-rules.md`` §4.4 [T])."""

    ESTIMATE_REPLACED_BY_ACTUAL = "ESTIMATE_REPLACED_BY_ACTUAL"
    LATE_ACTUAL_DATA = "LATE_ACTUAL_DATA"
    METER_EXCHANGE_MISSED = "METER_EXCHANGE_MISSED"  # cf. AEMO reason 1 "Meter/Equipment Changed"
    REGISTER_ROLLOVER_CORRECTION = "REGISTER_ROLLOVER_CORRECTION"
    CROSSED_METERS = "CROSSED_METERS"
    WRONG_MULTIPLIER = "WRONG_MULTIPLIER"
    MTD_CORRECTION = "MTD_CORRECTION"  # meter technical details: digits, TPR mapping, SSC
    CONFIG_MISMATCH_TPR = "CONFIG_MISMATCH_TPR"
    COS_READ_DISPUTE = "COS_READ_DISPUTE"  # BSCP504 §3.2.6.12: > 250 kWh, <= 12 months after SSD
    DEEMED_READ_REPLACED = "DEEMED_READ_REPLACED"
    CUSTOMER_READ_REJECTED = "CUSTOMER_READ_REJECTED"  # cf. AEMO reason 18 "Read below previous"
    TARIFF_CORRECTION = "TARIFF_CORRECTION"
    VAT_RATE_CORRECTION = "VAT_RATE_CORRECTION"
    CCL_CORRECTION = "CCL_CORRECTION"
    BACKBILL_CAP = "BACKBILL_CAP"  # SLC 21BA write-off, itself an adjustment (§4.3, §6.1)
    TRADING_DISPUTE_OUTCOME = "TRADING_DISPUTE_OUTCOME"
    OTHER = "OTHER"  # free text mandatory


class SettlementImpact(StrEnum):
    """Whether the adjustment touches settlement (§4.3): after RF only a Trading Dispute can."""

    NONE = "none"
    DISPUTE_RAISED = "dispute_raised"


@dataclass(frozen=True, slots=True)
class Adjustment:
    """An immutable quantity correction to hard data, linking the old and the new version.

    ``[from_on, to_on)`` is the half-open range of local settlement days it covers (one day:
    ``to_on = from_on + 1 day``). ``delta`` is new minus old, exact, in ``unit`` (at most six
    decimals, the canonical micro-unit scale): positive means more energy than was settled.
    ``old_version_id``/``new_version_id`` name channel-day versions as the caller's store names
    them (the channel-day ``content_key`` is a deterministic id known before storage).
    """

    supply_point_id: str
    channel: str
    from_on: date
    to_on: date
    delta: Decimal
    unit: Unit
    reason: AdjustmentReason
    reason_text: str | None
    old_version_id: str
    new_version_id: str
    created_at: datetime
    settlement_impact: SettlementImpact = SettlementImpact.NONE

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", require_utc(self.created_at, "created_at"))
        object.__setattr__(self, "reason", AdjustmentReason(self.reason))
        object.__setattr__(self, "unit", Unit(self.unit))
        object.__setattr__(self, "settlement_impact", SettlementImpact(self.settlement_impact))
        if self.to_on <= self.from_on:
            raise DomainError(f"adjustment days [{self.from_on}, {self.to_on}) are empty")
        to_micro(self.delta)  # refuses more than six decimals instead of rounding
        text = (self.reason_text or "").strip()
        if self.reason is AdjustmentReason.OTHER and not text:
            raise DomainError("an adjustment with reason OTHER needs a free text")
        if not self.old_version_id or not self.new_version_id:
            raise DomainError("an adjustment links both the old and the new version")
        if self.old_version_id == self.new_version_id:
            raise DomainError("an adjustment links two different versions")

    @classmethod
    def for_day(
        cls,
        *,
        supply_point_id: str,
        channel: str,
        read_on: date,
        delta: Decimal,
        unit: Unit,
        reason: AdjustmentReason,
        old_version_id: str,
        new_version_id: str,
        created_at: datetime,
        reason_text: str | None = None,
        settlement_impact: SettlementImpact = SettlementImpact.NONE,
    ) -> Adjustment:
        return cls(
            supply_point_id=supply_point_id,
            channel=channel,
            from_on=read_on,
            to_on=read_on + timedelta(days=1),
            delta=delta,
            unit=unit,
            reason=reason,
            reason_text=reason_text,
            old_version_id=old_version_id,
            new_version_id=new_version_id,
            created_at=created_at,
            settlement_impact=settlement_impact,
        )

    @property
    def idempotency_key(self) -> str:
        """Same for the same correction raised twice (re-processing); ``created_at`` is left out.

        The identity is what is corrected (supply point, channel, days) by which pair of versions;
        delta and reason follow from them but are included so that a changed rule shows up.
        """
        return stable_key(
            "adjustment",
            self.supply_point_id,
            self.channel,
            self.from_on,
            self.to_on,
            self.old_version_id,
            self.new_version_id,
            to_micro(self.delta),
            self.unit,
            self.reason,
            self.reason_text,
        )


@dataclass(frozen=True, slots=True)
class AdjustmentRaised:
    """A correction to hard data was recorded as an adjustment (settlement not restated)."""

    EVENT_TYPE: ClassVar[str] = "adjustment_raised"
    SCHEMA_VERSION: ClassVar[int] = 1

    adjustment: Adjustment

    @property
    def idempotency_key(self) -> str:
        return self.adjustment.idempotency_key
