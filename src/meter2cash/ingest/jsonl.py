"""The canonical JSON-lines format ("m2c-jsonl"): one ChannelDay per line.

A line may instead carry a metering event, marked by an ``"event"`` field:
``"clock_synchronised"`` (supply_point_id, meter_serial, synchronised_at, offset_seconds,
corrected) or ``"communications_status_reported"`` (supply_point_id, meter_serial, reported_at,
status online/offline/failed_read, detail) or ``"meter_configuration_changed"`` (supply_point_id,
effective_at, meter_serial, registers [{register_id, digits, multiplier, time_pattern}], channels
[names], change install/reconfiguration/removal) — head-end and meter-technical-details reports
have no verified market file layout here (D0149/D0150 are not public), so they arrive
canonically (this format, and later the HTTP API).

Each line is exactly what :func:`meter2cash.codec.to_builtins` makes of a
:class:`~meter2cash.domain.reads.ChannelDay` (decimals as strings, dates ISO 8601), so any source
we do not parse natively — and the synthetic generator's UK data with its 46- and 50-period
clock-change days — can be fed in without a format of its own. The line's ``source`` is replaced
by this file and line: lineage points at the file actually received, whatever an earlier system
wrote there.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec

from meter2cash import codec
from meter2cash.domain.errors import DomainError, PrecisionError
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatusReported,
    MeterConfigurationChanged,
)
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import ChannelDay
from meter2cash.domain.time import intervals_in_day, zone_named
from meter2cash.ingest.items import BOM, ParsedItem, Problem, Rejecter, undecodable
from meter2cash.ingest.reasons import Reason
from meter2cash.ingest.textio import binary_parser

# JSON numbers (if a writer used them instead of strings) decode straight from their text to
# Decimal: exact, never through a binary float.
_decoder = msgspec.json.Decoder(float_hook=Decimal)


def parse_jsonl(
    lines: Iterable[str], file_id: str, file_name: str, segment: str | None = None
) -> Iterator[ParsedItem]:
    """Yield a ChannelDay per valid line and a Rejection (with the line number) per bad one."""
    reject = Rejecter(file_id, file_name, segment)
    records = 0
    for line_no, line in enumerate(lines, start=1):
        text = line.strip()
        if line_no == 1:
            text = text.removeprefix(BOM)  # lines from a file opened without utf-8-sig
        if not text:
            continue
        records += 1
        if undecodable(text):
            yield reject(line_no, Reason.BAD_ENCODING, "line is not valid UTF-8", text)
            continue
        try:
            obj = _decoder.decode(text)
        except msgspec.DecodeError as exc:
            yield reject(line_no, Reason.BAD_JSON, f"not JSON: {exc}", text)
            continue
        if not isinstance(obj, dict):
            kind = type(obj).__name__
            yield reject(line_no, Reason.BAD_JSON, f"expected a JSON object, got {kind}", text)
            continue
        obj["source"] = {"file_id": file_id, "line": line_no, "segment": segment}
        event_type = obj.pop("event", None)
        if event_type is not None:
            yield _meter_event(event_type, obj, reject, line_no, text)
            continue
        try:
            day = codec.from_builtins(obj, ChannelDay)
        except msgspec.ValidationError as exc:
            yield reject(line_no, _invalid_reason(obj), f"not a valid ChannelDay: {exc}", text)
            continue
        problem = _value_problem(day)
        if problem:
            yield reject(line_no, problem.reason, problem.message, text)
            continue
        yield day
    if records == 0:
        yield reject(1, Reason.EMPTY_FILE, "the file has no records", "")


_METER_EVENTS: dict[
    str,
    type[ClockSynchronised] | type[CommunicationsStatusReported] | type[MeterConfigurationChanged],
] = {
    ClockSynchronised.EVENT_TYPE: ClockSynchronised,
    CommunicationsStatusReported.EVENT_TYPE: CommunicationsStatusReported,
    MeterConfigurationChanged.EVENT_TYPE: MeterConfigurationChanged,
}


def _meter_event(
    event_type: object, obj: dict[str, Any], reject: Rejecter, line_no: int, text: str
) -> ParsedItem:
    cls = _METER_EVENTS.get(str(event_type))
    if cls is None:
        known = ", ".join(sorted(_METER_EVENTS))
        return reject(
            line_no, Reason.INVALID_RECORD, f"unknown event {event_type!r} (known: {known})", text
        )
    try:
        return codec.from_builtins(obj, cls)
    except (msgspec.ValidationError, DomainError) as exc:
        return reject(line_no, Reason.INVALID_RECORD, f"not a valid {event_type}: {exc}", text)


def _invalid_reason(obj: dict[str, Any]) -> Reason:
    """INTERVAL_COUNT_MISMATCH when the values do not tile the local day, else INVALID_RECORD."""
    try:
        expected = intervals_in_day(
            date.fromisoformat(obj["read_on"]), zone_named(obj["zone"]), obj["interval_minutes"]
        )
        found = len(obj["values"])
    except (KeyError, TypeError, ValueError, DomainError):
        return Reason.INVALID_RECORD
    return Reason.INTERVAL_COUNT_MISMATCH if found != expected else Reason.INVALID_RECORD


def _value_problem(day: ChannelDay) -> Problem | None:
    """Values must be finite and exact at 6 decimal places of the canonical unit."""
    for k, value in enumerate(day.values, start=1):
        if value is None:
            continue
        if not value.is_finite():
            return Problem(Reason.BAD_VALUE, f"interval {k} value {value} is not a finite number")
        try:
            to_micro(value)
        except PrecisionError:
            return Problem(
                Reason.PRECISION_EXCEEDED,
                f"interval {k} value {value} has more than 6 decimal places of {day.unit}",
            )
    return None


def recognises(first_line: str, head: str, file_name: str) -> bool:
    """A canonical JSONL file starts with a JSON object holding a channel-day's fields."""
    if not first_line.startswith("{"):
        return False
    complete = "\n" in head or len(head) < 64 * 1024
    if not complete:  # a line longer than the head: the opening brace is all there is to go by
        return True
    try:
        return isinstance(msgspec.json.decode(first_line), dict)
    except msgspec.DecodeError:
        return False


parse = binary_parser(parse_jsonl)
