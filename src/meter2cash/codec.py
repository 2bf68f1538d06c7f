"""JSON encoding of canonical types and events (msgspec).

One place turns domain dataclasses into JSON-ready payloads and back, so the log, the JSON CLI output,
the canonical JSONL format and the generated JSON Schemas all agree. Decimals travel as strings (exact),
instants as RFC 3339 UTC strings.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from meter2cash.domain.events import EVENT_TYPES

T = TypeVar("T")

_EVENTS_BY_TYPE: dict[str, type] = {cls.EVENT_TYPE: cls for cls in EVENT_TYPES}  # type: ignore[attr-defined]
_encoder = msgspec.json.Encoder(decimal_format="string")


def to_builtins(value: Any) -> Any:
    """Domain object -> plain dicts/lists/strings (Decimal as string, datetimes as ISO 8601)."""
    return msgspec.to_builtins(value, builtin_types=None)


def from_builtins(data: Any, cls: type[T]) -> T:
    """Plain JSON-like data -> the domain type, with validation (strings -> Decimal/datetime/enum)."""
    return msgspec.convert(data, type=cls, strict=False)


def encode(value: Any) -> bytes:
    return _encoder.encode(value)


def decode(raw: bytes | str, cls: type[T]) -> T:
    return msgspec.json.decode(raw, type=cls, strict=False)


def event_class(event_type: str) -> type:
    try:
        return _EVENTS_BY_TYPE[event_type]
    except KeyError:
        raise KeyError(f"unknown event type {event_type!r}") from None


def event_payload(event: Any) -> dict[str, Any]:
    payload = to_builtins(event)
    assert isinstance(payload, dict)
    return payload


def event_from_payload(event_type: str, payload: dict[str, Any]) -> Any:
    return from_builtins(payload, event_class(event_type))
