"""UTC-aware instants and half-open intervals.

Every instant in the canonical model is timezone-aware UTC; local market time (UK settlement periods,
NEM's fixed UTC+10, MSCONS offsets) is converted once, at the edge, by the functions here. Intervals are
always half-open ``[start, end)`` so that consecutive intervals tile a day without overlap or gap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from meter2cash.domain.errors import DomainError

#: AEMO's National Electricity Market runs on "market time": Australian Eastern Standard Time, a fixed
#: UTC+10 all year (no daylight saving), per the MDFF specification. Not ``Australia/Sydney``.
NEM_TIME = timezone(timedelta(hours=10), "NEM")
UK_TIME = ZoneInfo("Europe/London")


def require_utc(instant: datetime, name: str = "instant") -> datetime:
    """Return ``instant`` normalised to UTC; refuse naive datetimes, which carry no meaning."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise DomainError(f"{name} must be timezone-aware, got naive {instant.isoformat()}")
    return instant.astimezone(UTC)


def zone_named(name: str) -> tzinfo:
    """Resolve a zone key as stored in the model: an IANA name, ``NEM`` or a fixed ``+HH:MM`` offset."""
    if name == "NEM":
        return NEM_TIME
    if name in {"UTC", "Z"}:
        return UTC
    if name[:1] in "+-" and len(name) == 6 and name[3] == ":":
        sign = 1 if name[0] == "+" else -1
        return timezone(sign * timedelta(hours=int(name[1:3]), minutes=int(name[4:6])))
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise DomainError(f"unknown time zone {name!r}") from exc


@dataclass(frozen=True, slots=True, order=True)
class Interval:
    """A half-open span of time ``[start, end)`` between two UTC instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", require_utc(self.start, "start"))
        object.__setattr__(self, "end", require_utc(self.end, "end"))
        if self.end <= self.start:
            raise DomainError(f"interval end {self.end} must be after start {self.start}")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def contains(self, instant: datetime) -> bool:
        return self.start <= require_utc(instant) < self.end

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def split(self, step: timedelta) -> Iterator[Interval]:
        """Tile the interval into consecutive steps; the length must divide exactly."""
        if step <= timedelta(0):
            raise DomainError(f"cannot split into steps of {step}: the step must be positive")
        if self.duration % step:
            raise DomainError(f"{self.duration} is not a whole number of {step}")
        cursor = self.start
        while cursor < self.end:
            yield Interval(cursor, cursor + step)
            cursor += step


def local_day(on: date, zone: tzinfo) -> Interval:
    """The UTC interval covered by one local calendar day (23 or 25 hours on clock-change days)."""
    start = datetime.combine(on, time(0), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(on + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return Interval(start, end)


def intervals_in_day(on: date, zone: tzinfo, interval_minutes: int) -> int:
    """How many intervals of the given length a local day holds (46/48/50 half-hours in the UK)."""
    seconds = local_day(on, zone).duration.total_seconds()
    step = interval_minutes * 60
    if interval_minutes <= 0 or seconds % step:
        raise DomainError(f"a {interval_minutes}-minute interval does not tile {on} in {zone}")
    return int(seconds // step)


def month_of(on: date) -> date:
    """The first day of the calendar month containing ``on`` (bill months are local-calendar months)."""
    return on.replace(day=1)


def next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)
