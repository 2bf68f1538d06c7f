"""The stored JSON form of reference data: exact round trip, and what the knowledge key ignores."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.domain.configuration import RegisterConfig, Span
from meter2cash.domain.errors import DomainError
from meter2cash.domain.reads import SourceRef
from meter2cash.domain.supply_point_model import EffectiveSeries
from meter2cash.interpret.reference import load_reference_csv, load_reference_yaml
from meter2cash.reference_codec import decode_reference, encode_reference, knowledge_key

EXAMPLES = Path(__file__).parents[2] / "examples" / "reference"


def _entries():
    for path in sorted(EXAMPLES.glob("*.yaml")):
        yield from load_reference_yaml(path).entries
    yield from load_reference_csv(EXAMPLES / "demo-au.csv").entries


def test_every_example_round_trips_exactly_through_json_text() -> None:
    for entry in _entries():
        if entry.supply_point is None:  # a correction restates no attributes
            continue
        payload = json.loads(json.dumps(encode_reference(entry.supply_point, entry.periods)))
        supply_point, periods = decode_reference(payload)
        assert supply_point == entry.supply_point
        assert periods == entry.periods
        assert [p.source for p in periods] == [p.source for p in entry.periods]


def test_decimals_keep_their_exponent_and_instants_are_utc_text() -> None:
    entry = load_reference_yaml(EXAMPLES / "exchange-history.yaml").entries[0]
    assert entry.supply_point is not None
    register = RegisterConfig("1", 5, Decimal("1.50"), initial_read=Decimal("0.10"))
    period = dataclasses.replace(entry.periods[0], registers=(register,))
    payload = encode_reference(entry.supply_point, (period,))
    stored = payload["periods"][0]
    assert stored["start"] == "2023-03-14T09:00:00Z"
    assert stored["registers"][0]["multiplier"] == "1.50"
    (decoded,) = decode_reference(payload)[1]
    assert str(decoded.registers[0].multiplier) == "1.50"
    assert str(decoded.registers[0].initial_read) == "0.10"


def test_the_knowledge_key_ignores_where_it_was_read_but_not_when_it_holds() -> None:
    entry = load_reference_yaml(EXAMPLES / "exchange-history.yaml").entries[0]
    known = datetime(2024, 10, 29, 8, tzinfo=UTC)
    moved = tuple(dataclasses.replace(p, source=SourceRef("elsewhere", 1)) for p in entry.periods)
    key = knowledge_key(entry.supply_point_id, entry.supply_point, entry.periods, None, known)
    assert key == knowledge_key(entry.supply_point_id, entry.supply_point, moved, None, known)
    later = datetime(2024, 12, 1, tzinfo=UTC)
    assert key != knowledge_key(entry.supply_point_id, entry.supply_point, moved, None, later)
    span = Span(datetime(2024, 10, 1, tzinfo=UTC))
    assert key != knowledge_key(entry.supply_point_id, entry.supply_point, moved, span, known)
    assert key != knowledge_key(entry.supply_point_id, None, moved, None, known)


def test_annual_consumption_round_trips_and_is_left_out_when_unknown() -> None:
    entry = load_reference_yaml(EXAMPLES / "exchange-history.yaml").entries[0]
    assert entry.supply_point is not None
    without = entry.supply_point
    assert len(without.annual_consumption_kwh) == 0
    encoded = encode_reference(without, entry.periods)
    # Not written when unknown: a payload stored before the attribute existed is the same text,
    # and so is the knowledge key of an entry without it (loading it again stays a no-op).
    assert "annual_consumption_kwh" not in encoded["supply_point"]
    assert decode_reference(encoded)[0] == without
    eac = EffectiveSeries.of(
        [(datetime(2023, 3, 14, tzinfo=UTC), Decimal("3100.50")),
         (datetime(2024, 3, 14, tzinfo=UTC), Decimal("2875.123456"))]
    )  # fmt: skip
    with_eac = dataclasses.replace(without, annual_consumption_kwh=eac)
    payload = json.loads(json.dumps(encode_reference(with_eac, entry.periods)))
    assert payload["supply_point"]["annual_consumption_kwh"] == [
        {"from": "2023-03-14T00:00:00Z", "value": "3100.50"},
        {"from": "2024-03-14T00:00:00Z", "value": "2875.123456"},
    ]
    decoded = decode_reference(payload)[0]
    assert decoded == with_eac
    assert [str(e.value) for e in decoded.annual_consumption_kwh.entries] == [
        "3100.50",
        "2875.123456",
    ]
    known = datetime(2024, 10, 29, 8, tzinfo=UTC)
    sp = entry.supply_point_id
    assert knowledge_key(sp, with_eac, entry.periods, None, known) != knowledge_key(
        sp, without, entry.periods, None, known
    )


def test_a_stored_payload_with_a_bad_annual_consumption_is_refused() -> None:
    entry = load_reference_yaml(EXAMPLES / "exchange-history.yaml").entries[0]
    assert entry.supply_point is not None
    payload = encode_reference(entry.supply_point, entry.periods)
    payload["supply_point"]["annual_consumption_kwh"] = [
        {"from": "2023-03-14T00:00:00Z", "value": "0"}
    ]
    with pytest.raises(DomainError, match="must be positive"):
        decode_reference(payload)
