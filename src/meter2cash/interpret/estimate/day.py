"""The shape estimation works on: one channel-day in integer micro-units, and back.

Estimation is integer arithmetic over micro-units (exact, and what the stores hold); these helpers
convert a :class:`~meter2cash.domain.reads.ChannelDay` to that shape
(:meth:`EstimationResult.apply_to` writes estimates back).
Reference (history) days use the same type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.domain.time import local_day, zone_named
from meter2cash.interpret.estimate.methods import EstimationError


@dataclass(frozen=True, slots=True)
class DayValues:
    """One local day of one channel: values in micro-units (``None`` = no value) and their flags."""

    read_on: date
    zone: str
    interval_minutes: int
    values: tuple[int | None, ...]
    qualities: tuple[Quality, ...]
    methods: tuple[str | None, ...]
    reasons: tuple[str | None, ...]

    def __post_init__(self) -> None:
        n = len(self.values)
        if not (len(self.qualities) == len(self.methods) == len(self.reasons) == n):
            raise EstimationError("values and their flags must have the same length")
        expected = len(local_slots(self.read_on, self.zone, self.interval_minutes))
        if n != expected:
            raise EstimationError(
                f"{self.read_on} in {self.zone} has {expected} intervals, not {n}"
            )

    @classmethod
    def of(cls, day: ChannelDay) -> DayValues:
        return cls(
            read_on=day.read_on,
            zone=day.zone,
            interval_minutes=day.interval_minutes,
            values=tuple(None if v is None else to_micro(v) for v in day.values),
            qualities=day.qualities,
            methods=day.methods,
            reasons=day.reasons,
        )

    @property
    def all_actual(self) -> bool:
        """Every interval is an actual value: the only kind of day that may serve as a like day."""
        return all(
            v is not None and q is Quality.ACTUAL
            for v, q in zip(self.values, self.qualities, strict=True)
        )

    def is_actual(self, k: int) -> bool:
        return self.values[k] is not None and self.qualities[k] is Quality.ACTUAL


@lru_cache(maxsize=4096)
def local_slots(read_on: date, zone: str, interval_minutes: int) -> tuple[int, ...]:
    """For each interval of the day, its local wall-clock start as a slot number from midnight.

    "Same time periods" (BSCP502 §4.2.1, ``market-rules.md`` §2.1) means the same local time of
    day, so days are aligned by slot, not by index: on a 46-interval spring day the slots jump
    from 1:30 to 2:00 BST (slots 2 and 3 do not exist), and on a 50-interval autumn day slots 2
    and 3 (01:00, 01:30) occur twice.
    """
    tz = zone_named(zone)
    span = local_day(read_on, tz)
    step = timedelta(minutes=interval_minutes)
    count, rest = divmod(span.duration, step)
    if rest or interval_minutes <= 0:
        raise EstimationError(f"{interval_minutes}-minute intervals do not tile {read_on}")
    slots = []
    for k in range(count):
        local = (span.start + k * step).astimezone(tz)
        slots.append((local.hour * 60 + local.minute) // interval_minutes)
    return tuple(slots)
