"""Text -> value parsing shared by the YAML and CSV loaders; every failure is a plain reason.

Values are parsed from text exactly (decimals never through float) and instants must carry their
offset: a naive time in reference data is ambiguous on a clock-change day, so it is refused.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import parse_decimal
from meter2cash.domain.supply_point_model import annual_consumption_problem
from meter2cash.domain.time import require_utc

E = TypeVar("E", bound=StrEnum)


class ValueProblem(ValueError):
    """A field's text is not a valid value; the loader adds file and location."""


def instant(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueProblem(f"{text!r} is not an ISO 8601 date-time") from None
    try:
        return require_utc(parsed, "instant")
    except DomainError:
        raise ValueProblem(
            f"{text!r} has no UTC offset (write e.g. 2024-10-10T00:00:00Z or +01:00)"
        ) from None


def decimal(text: str) -> Decimal:
    try:
        return parse_decimal(text)
    except DomainError as exc:
        raise ValueProblem(str(exc)) from None


def annual_kwh(text: str) -> Decimal:
    """An annual consumption in kWh: positive, finite, at most six decimals (exact)."""
    value = decimal(text)
    if problem := annual_consumption_problem(value):
        raise ValueProblem(f"annual consumption {text!r} {problem}")
    return value


def integer(text: str) -> int:
    stripped = text.strip()
    if not stripped.isdigit():
        raise ValueProblem(f"{text!r} is not a whole number")
    return int(stripped)


def choice(text: str, enum: type[E]) -> E:
    try:
        return enum(text.strip())
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise ValueProblem(f"{text!r} is not one of: {allowed}") from None
