"""What every adapter of the register-read and interval-read stores must agree on.

Identity (what a correction corrects), content key (what makes a re-send identical), the order that
``latest`` promises, and the exact micro-unit form of a value. One module, so that the memory fake
and the databases cannot drift: the same read is the same version everywhere.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from meter2cash.domain.errors import PrecisionError
from meter2cash.domain.keys import stable_key
from meter2cash.domain.quantity import from_micro, to_micro
from meter2cash.domain.reads import IntervalRead, RegisterRead
from meter2cash.ports import StoredIntervalRead, StoredRegisterRead

#: Values are ``BIGINT`` micro-units in the databases; the fake refuses what they cannot hold.
_MICRO_MIN, _MICRO_MAX = -(2**63), 2**63 - 1

RegisterKey = tuple[
    str, str, str, datetime
]  # (supply_point_id, meter_serial, register_id, read_at)
IntervalKey = tuple[str, str, datetime, datetime]  # (supply_point_id, channel, start, end)


def exact_micro(value: Decimal) -> int:
    """``to_micro`` bounded to a signed 64-bit column: out of range is refused, never wrapped."""
    micro = to_micro(value)
    if not _MICRO_MIN <= micro <= _MICRO_MAX:
        raise PrecisionError(f"{value} is beyond the range of stored micro-units")
    return micro


def optional_micro(value: Decimal | None) -> int | None:
    return None if value is None else exact_micro(value)


def optional_decimal(micro: int | None) -> Decimal | None:
    return None if micro is None else from_micro(micro)


def register_identity(read: RegisterRead) -> RegisterKey:
    return (read.supply_point_id, read.meter_serial, read.register_id, read.read_at)


def register_content_key(read: RegisterRead) -> str:
    """Equal for an identical re-send: the source (file and line) is not content."""
    return stable_key(
        "register-read",
        *register_identity(read),
        exact_micro(read.value),
        read.unit,
        read.quality,
        read.method,
        read.reason,
        read.read_type,
    )


def interval_identity(read: IntervalRead) -> IntervalKey:
    return (read.supply_point_id, read.channel, read.interval.start, read.interval.end)


def interval_content_key(read: IntervalRead) -> str:
    """Equal for an identical re-send: the source (file and line) is not content."""
    return stable_key(
        "interval-read",
        *interval_identity(read),
        optional_micro(read.energy),
        read.unit,
        read.quality,
        read.method,
        read.reason,
    )


def register_read_order(stored: StoredRegisterRead) -> tuple[str, str, datetime]:
    """``RegisterReadStore.latest``: by meter serial, register, then instant."""
    read = stored.read
    return (read.meter_serial, read.register_id, read.read_at)


def interval_read_order(stored: StoredIntervalRead) -> tuple[str, datetime, datetime]:
    """``IntervalReadStore.latest``: by channel, start, then end."""
    read = stored.read
    return (read.channel, read.interval.start, read.interval.end)
