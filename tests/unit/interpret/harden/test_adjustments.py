"""The domain record ``Adjustment`` and its event ``AdjustmentRaised``."""

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import msgspec
import pytest

from meter2cash import codec
from meter2cash.domain.adjustments import (
    Adjustment,
    AdjustmentRaised,
    AdjustmentReason,
    SettlementImpact,
)
from meter2cash.domain.errors import DomainError, PrecisionError
from meter2cash.domain.quantity import Unit

NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)
ADJUSTMENT = Adjustment.for_day(
    supply_point_id="1030006718997",
    channel="E1",
    read_on=date(2024, 1, 15),
    delta=Decimal("0.9"),
    unit=Unit.KWH,
    reason=AdjustmentReason.ESTIMATE_REPLACED_BY_ACTUAL,
    old_version_id="old",
    new_version_id="new",
    created_at=NOW,
)


def test_the_reason_codes_are_the_reference_list():
    assert [r.value for r in AdjustmentReason] == [
        "ESTIMATE_REPLACED_BY_ACTUAL", "LATE_ACTUAL_DATA", "METER_EXCHANGE_MISSED",
        "REGISTER_ROLLOVER_CORRECTION", "CROSSED_METERS", "WRONG_MULTIPLIER", "MTD_CORRECTION",
        "CONFIG_MISMATCH_TPR", "COS_READ_DISPUTE", "DEEMED_READ_REPLACED",
        "CUSTOMER_READ_REJECTED", "TARIFF_CORRECTION", "VAT_RATE_CORRECTION", "CCL_CORRECTION",
        "BACKBILL_CAP", "TRADING_DISPUTE_OUTCOME", "OTHER",
    ]  # fmt: skip


def test_a_single_day_is_a_half_open_range():
    assert (ADJUSTMENT.from_on, ADJUSTMENT.to_on) == (date(2024, 1, 15), date(2024, 1, 16))
    assert ADJUSTMENT.settlement_impact is SettlementImpact.NONE


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"reason": AdjustmentReason.OTHER}, "free text"),
        ({"reason": AdjustmentReason.OTHER, "reason_text": "  "}, "free text"),
        ({"to_on": date(2024, 1, 15)}, "empty"),
        ({"new_version_id": "old"}, "two different versions"),
        ({"old_version_id": ""}, "both"),
        ({"created_at": datetime(2026, 1, 5)}, "naive"),  # noqa: DTZ001
    ],
)
def test_invalid_adjustments_are_refused(change, error):
    with pytest.raises(DomainError, match=error):
        replace(ADJUSTMENT, **change)


def test_more_than_six_decimals_is_refused_not_rounded():
    with pytest.raises(PrecisionError):
        replace(ADJUSTMENT, delta=Decimal("0.0000001"))


def test_other_with_text_is_accepted():
    other = replace(ADJUSTMENT, reason=AdjustmentReason.OTHER, reason_text="site visit 2025-12-01")
    assert other.reason_text == "site visit 2025-12-01"


def test_the_idempotency_key_is_deterministic_and_ignores_when_it_was_raised():
    assert (
        ADJUSTMENT.idempotency_key
        == replace(ADJUSTMENT, created_at=datetime(2030, 1, 1, tzinfo=UTC)).idempotency_key
    )
    assert ADJUSTMENT.idempotency_key != replace(ADJUSTMENT, new_version_id="newer").idempotency_key
    assert ADJUSTMENT.idempotency_key != replace(ADJUSTMENT, delta=Decimal("0.8")).idempotency_key
    assert AdjustmentRaised(ADJUSTMENT).idempotency_key == ADJUSTMENT.idempotency_key


def test_the_event_round_trips_through_the_codec_and_has_a_schema():
    event = AdjustmentRaised(ADJUSTMENT)
    payload = codec.event_payload(event)
    assert payload["adjustment"]["delta"] == "0.9"
    assert payload["adjustment"]["reason"] == "ESTIMATE_REPLACED_BY_ACTUAL"
    assert codec.from_builtins(payload, AdjustmentRaised) == event
    assert codec.decode(codec.encode(event), AdjustmentRaised) == event
    schema = msgspec.json.schema(AdjustmentRaised)
    assert "Adjustment" in schema["$defs"]
    assert (AdjustmentRaised.EVENT_TYPE, AdjustmentRaised.SCHEMA_VERSION) == (
        "adjustment_raised",
        1,
    )
