"""The canonical JSON form of a supply point's reference data, and the key of a piece of knowledge.

A stored reference version (``reference_versions.payload``) is one supply point's attributes and
the periods of its configuration timeline; the version number and ``known_from`` are columns
beside it. Written out field by field, not by reflection over the dataclasses, so the stored form
changes only when this module does (``SCHEMA`` then goes up):

* instants are UTC RFC 3339 text with ``Z`` (``2024-10-28T10:30:00Z``); naive ones are refused;
* exact decimals (register multipliers and readings) are ``str(Decimal)``, so ``1.50`` comes back
  as ``Decimal("1.50")``; nothing passes through a float;
* effective-dated attributes are lists of ``{"from": instant, "value": text}``, oldest first;
* an attribute added after the first layout (``annual_consumption_kwh``, an exact decimal text)
  is written only when it has entries and read as empty when absent: payloads stored before it
  existed still decode, and the :func:`knowledge_key` of an entry without it is unchanged, so
  loading an unchanged file stays a no-op (``SCHEMA`` did not need to go up);
* a period's ``source`` (file and line it was read from) is kept for lineage but never counts
  towards :func:`knowledge_key`: the same configuration read from a moved file is the same
  knowledge.

Round trip is exact: ``decode_reference(encode_reference(sp, periods)) == (sp, periods)``,
sources included.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationPeriod,
    RegisterConfig,
    Span,
)
from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, SourceRef
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import (
    EffectiveSeries,
    Energisation,
    GbAttributes,
    SettlementRegime,
    SupplyPoint,
)
from meter2cash.domain.time import require_utc

#: The payload layout's version; a change of layout needs a new number and a decoder for the old.
SCHEMA = 1
T = TypeVar("T")
_GB_FIELDS = (
    "profile_class",
    "meter_timeswitch_code",
    "line_loss_factor_class",
    "standard_settlement_configuration",
)
Json = dict[str, Any]


def utc_text(instant: datetime) -> str:
    return require_utc(instant).isoformat().replace("+00:00", "Z")


def _instant(text: str) -> datetime:
    return require_utc(datetime.fromisoformat(text))


def _optional(value: T | None, encode: Callable[[T], Any]) -> Any:
    return None if value is None else encode(value)


def _series(series: EffectiveSeries[Any]) -> list[Json]:
    return [{"from": utc_text(e.start), "value": str(e.value)} for e in series.entries]


def _series_of(items: list[Json], parse: Callable[[str], T]) -> EffectiveSeries[T]:
    return EffectiveSeries.of((_instant(i["from"]), parse(i["value"])) for i in items)


def encode_supply_point(supply_point: SupplyPoint) -> Json:
    gb = supply_point.gb
    encoded: Json = {
        "supply_point_id": supply_point.supply_point_id,
        "market": str(supply_point.market),
        "zone": supply_point.zone,
        "settlement_regime": _series(supply_point.settlement_regime),
        "energisation": _series(supply_point.energisation),
        "gb": None if gb is None else {name: _series(getattr(gb, name)) for name in _GB_FIELDS},
    }
    if supply_point.annual_consumption_kwh.entries:
        encoded["annual_consumption_kwh"] = _series(supply_point.annual_consumption_kwh)
    return encoded


def decode_supply_point(data: Json) -> SupplyPoint:
    gb = data["gb"]
    return SupplyPoint(
        data["supply_point_id"],
        Market(data["market"]),
        data["zone"],
        _series_of(data["settlement_regime"], SettlementRegime),
        _series_of(data["energisation"], Energisation),
        None if gb is None else GbAttributes(**{n: _series_of(gb[n], str) for n in _GB_FIELDS}),
        _series_of(data.get("annual_consumption_kwh", []), Decimal),
    )


def _register(r: RegisterConfig) -> Json:
    return {
        "register_id": r.register_id,
        "digits": r.digits,
        "multiplier": str(r.multiplier),
        "time_pattern": r.time_pattern,
        "channel": r.channel,
        "direction": _optional(r.direction, str),
        "initial_read": _optional(r.initial_read, str),
        "final_read": _optional(r.final_read, str),
    }


def _register_of(data: Json) -> RegisterConfig:
    return RegisterConfig(
        data["register_id"],
        int(data["digits"]),
        Decimal(data["multiplier"]),
        data["time_pattern"],
        data["channel"],
        _optional(data["direction"], Direction),
        _optional(data["initial_read"], Decimal),
        _optional(data["final_read"], Decimal),
    )


def _channel(c: ChannelConfig) -> Json:
    return {
        "channel": c.channel,
        "direction": str(c.direction),
        "unit": str(c.unit),
        "interval_minutes": c.interval_minutes,
    }


def _channel_of(data: Json) -> ChannelConfig:
    return ChannelConfig(
        data["channel"], Direction(data["direction"]), Unit(data["unit"]), data["interval_minutes"]
    )


def encode_period(period: ConfigurationPeriod, *, with_source: bool = True) -> Json:
    encoded: Json = {
        "meter_serial": period.meter_serial,
        "start": utc_text(period.start),
        "end": _optional(period.end, utc_text),
        "started_by": str(period.started_by),
        "registers": [_register(r) for r in period.registers],
        "channels": [_channel(c) for c in period.channels],
    }
    if with_source:
        source = period.source
        encoded["source"] = (
            None
            if source is None
            else {"file_id": source.file_id, "line": source.line, "segment": source.segment}
        )
    return encoded


def decode_period(supply_point_id: str, data: Json) -> ConfigurationPeriod:
    source = data.get("source")
    return ConfigurationPeriod(
        supply_point_id,
        data["meter_serial"],
        _instant(data["start"]),
        _optional(data["end"], _instant),
        tuple(_register_of(r) for r in data["registers"]),
        tuple(_channel_of(c) for c in data["channels"]),
        ChangeKind(data["started_by"]),
        None if source is None else SourceRef(source["file_id"], source["line"], source["segment"]),
    )


def encode_reference(supply_point: SupplyPoint, periods: Sequence[ConfigurationPeriod]) -> Json:
    """The payload of one stored version: the supply point and its timeline's periods."""
    return {
        "schema": SCHEMA,
        "supply_point": encode_supply_point(supply_point),
        "periods": [encode_period(p) for p in periods],
    }


def decode_reference(payload: Json) -> tuple[SupplyPoint, tuple[ConfigurationPeriod, ...]]:
    if payload.get("schema") != SCHEMA:
        raise DomainError(f"reference payload schema {payload.get('schema')!r}, want {SCHEMA}")
    supply_point = decode_supply_point(payload["supply_point"])
    sp_id = supply_point.supply_point_id
    return supply_point, tuple(decode_period(sp_id, p) for p in payload["periods"])


def knowledge_key(
    supply_point_id: str,
    supply_point: SupplyPoint | None,
    periods: Sequence[ConfigurationPeriod],
    replaces: Span | None,
    known_from: datetime | None,
) -> str:
    """The key of one supply point's entry in a reference file: its attributes, meters, the span
    it corrects and the time the file says the knowledge holds from (not where it was read). The
    same entry loaded again has the same key, which makes the load a no-op."""
    entry = {
        "schema": SCHEMA,
        "supply_point_id": supply_point_id,
        "supply_point": _optional(supply_point, encode_supply_point),
        "periods": [encode_period(p, with_source=False) for p in periods],
        "replaces": _optional(
            replaces, lambda s: {"start": utc_text(s.start), "end": _optional(s.end, utc_text)}
        ),
        "known_from": _optional(known_from, utc_text),
    }
    text = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
