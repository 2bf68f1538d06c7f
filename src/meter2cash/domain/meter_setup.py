"""A meter's set-up in a configuration period: its interval channels and cumulative registers.

Split from :mod:`meter2cash.domain.configuration` (which re-exports these names) to keep each
module to one idea: here the values and their invariants, there the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction

#: A register with more dials than this is a typo, not a meter (team bound [T]).
MAX_REGISTER_DIGITS = 15


class ConfigurationTimelineError(DomainError):
    """A configuration or timeline breaks an invariant (overlapping meters, removal before install)."""


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    """An interval channel of a meter: what it measures and how often."""

    channel: str
    direction: Direction
    unit: Unit
    interval_minutes: int

    def __post_init__(self) -> None:
        if not self.channel:
            raise ConfigurationTimelineError("a channel needs a name")
        object.__setattr__(self, "direction", member(Direction, self.direction, self.channel))
        object.__setattr__(self, "unit", member(Unit, self.unit, self.channel))
        minutes = self.interval_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 1440:
            raise ConfigurationTimelineError(
                f"channel {self.channel}: interval_minutes must be 1..1440, got {minutes!r}"
            )
        if 1440 % minutes:
            raise ConfigurationTimelineError(
                f"channel {self.channel}: {minutes}-minute intervals do not tile a day"
            )


E = TypeVar("E", bound=StrEnum)


def member(enum: type[E], value: str, what: str) -> E:
    """``enum(value)``, failing as a :class:`ConfigurationTimelineError` that lists the choices."""
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(choice.value for choice in enum)
        raise ConfigurationTimelineError(
            f"{what}: {value!r} is not a {enum.__name__} ({allowed})"
        ) from None


def _check_read(register_id: str, name: str, value: Decimal | None, digits: int) -> None:
    if value is None:
        return
    if not value.is_finite() or value < 0 or value >= Decimal(10) ** digits:
        raise ConfigurationTimelineError(
            f"register {register_id}: {name} {value} does not fit {digits} digits"
        )


@dataclass(frozen=True, slots=True)
class RegisterConfig:
    """A cumulative register: dials (for rollover, C6/C16), multiplier (C17), time pattern.

    ``time_pattern`` is the register's time-of-use mapping: a GB TPR id (MDD Measurement
    Requirement, §5.2) or a market's own TOU name. ``channel`` names the interval channel whose sum
    the register's advance should match (sum check C11). ``initial_read``/``final_read`` are the
    readings at this period's start and end — at an install and a removal, the initial and final
    reads that an advance across an exchange needs (§5.3).
    """

    register_id: str
    digits: int
    multiplier: Decimal = Decimal(1)
    time_pattern: str | None = None
    channel: str | None = None
    direction: Direction | None = None
    initial_read: Decimal | None = None
    final_read: Decimal | None = None

    def __post_init__(self) -> None:
        if not self.register_id:
            raise ConfigurationTimelineError("a register needs an id")
        digits = self.digits
        if isinstance(digits, bool) or not isinstance(digits, int):
            raise ConfigurationTimelineError(f"register {self.register_id}: digits must be int")
        if not 1 <= digits <= MAX_REGISTER_DIGITS:
            raise ConfigurationTimelineError(
                f"register {self.register_id}: digits must be 1..{MAX_REGISTER_DIGITS}, got {digits}"
            )
        if not self.multiplier.is_finite() or self.multiplier <= 0:
            raise ConfigurationTimelineError(
                f"register {self.register_id}: multiplier must be positive, got {self.multiplier}"
            )
        if self.direction is not None:
            direction = member(Direction, self.direction, f"register {self.register_id}")
            object.__setattr__(self, "direction", direction)
        _check_read(self.register_id, "initial_read", self.initial_read, digits)
        _check_read(self.register_id, "final_read", self.final_read, digits)
