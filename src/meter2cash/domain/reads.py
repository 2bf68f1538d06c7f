"""Canonical metering reads: interval data by channel-day, single intervals, and register reads.

The natural shape of interval data is one :class:`ChannelDay` per (supply point, channel, local day):
the day's values and per-value flags, which is how most sources deliver it and how the store keeps it
(48x fewer rows than one row per half-hour). :class:`IntervalRead` is the per-interval view of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property, lru_cache

from meter2cash.domain.errors import DomainError
from meter2cash.domain.keys import stable_key
from meter2cash.domain.quantity import Unit, check_interval_micro, to_micro
from meter2cash.domain.time import Interval, intervals_in_day, local_day, require_utc, zone_named


class Quality(StrEnum):
    """Canonical quality of a value; each source's own flag is kept verbatim beside it.

    One character each, so a day's qualities store as a short string.
    """

    ACTUAL = "A"
    ESTIMATED = "E"
    SUBSTITUTED = "S"
    FINAL = "F"  # a final substitute: no actual will follow (NEM "F")
    NULL = "N"  # no value could be obtained
    DEEMED = "D"  # an agreed value with no reading behind it
    UNKNOWN = "U"  # the source did not say
    MISSING = "M"  # not in this delivery (a partial day): merged with other deliveries of the day


class Direction(StrEnum):
    """Energy flow of a channel as seen from the grid connection point."""

    IMPORT = "import"  # consumption from the grid
    EXPORT = "export"  # generation into the grid
    REACTIVE_IMPORT = "reactive_import"
    REACTIVE_EXPORT = "reactive_export"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record came from: the archived file's content id and the line (or segment) in it."""

    file_id: str
    line: int
    segment: str | None = None

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" segment {self.segment}" if self.segment else "")
        return f"{self.file_id[:12]}:{where}"


@lru_cache(maxsize=65_536)
def _expected_intervals(read_on: date, zone: str, interval_minutes: int) -> int:
    """Cached: every channel-day checks its length, and days x zones x lengths are few."""
    return intervals_in_day(read_on, zone_named(zone), interval_minutes)


@dataclass(frozen=True, slots=True)
class IntervalRead:
    """One interval's energy on one channel of one supply point."""

    supply_point_id: str
    channel: str
    interval: Interval
    energy: Decimal | None
    unit: Unit
    quality: Quality
    method: str | None
    reason: str | None
    source: SourceRef

    @property
    def identity_key(self) -> str:
        """Same for every version of this interval: what a correction corrects."""
        return stable_key(
            "interval", self.supply_point_id, self.channel, self.interval.start, self.interval.end
        )

    @property
    def idempotency_key(self) -> str:
        """Same only for an identical re-send: differing value or flags make a new version."""
        return stable_key(
            self.identity_key, self.energy, self.unit, self.quality, self.method, self.reason
        )


@dataclass(frozen=True)  # no slots: content_key is cached per instance
class ChannelDay:
    """A local day of interval values for one channel of one supply point.

    ``values[k]`` covers ``[day_start + k*interval, day_start + (k+1)*interval)`` in UTC, where
    ``day_start`` is local midnight in ``zone`` — so a UK clock-change day holds 46 or 50 half-hours.
    ``source_flags`` keeps each source's quality text verbatim for audit. A source that delivers
    only part of a day (MSCONS, Green Button, HH exports) marks the intervals it did not deliver
    ``Quality.MISSING`` with value ``None``; interpretation merges them with the day's other
    deliveries instead of overwriting.
    """

    supply_point_id: str
    market: str
    channel: str
    direction: Direction
    unit: Unit
    read_on: date
    zone: str
    interval_minutes: int
    values: tuple[Decimal | None, ...]
    qualities: tuple[Quality, ...]
    methods: tuple[str | None, ...]
    reasons: tuple[str | None, ...]
    source: SourceRef
    source_unit: str
    source_flags: tuple[str, ...] = field(default=())
    meter_serial: str | None = None

    def __post_init__(self) -> None:
        n = len(self.values)
        if not (len(self.qualities) == len(self.methods) == len(self.reasons) == n):
            raise DomainError("values and their flags must have the same length")
        expected = self.expected_intervals
        if n != expected:
            raise DomainError(
                f"{self.read_on} in {self.zone} has {expected} intervals of "
                f"{self.interval_minutes} min, got {n} values"
            )

    @property
    def expected_intervals(self) -> int:
        return _expected_intervals(self.read_on, self.zone, self.interval_minutes)

    @property
    def span(self) -> Interval:
        return local_day(self.read_on, zone_named(self.zone))

    @property
    def complete(self) -> bool:
        return Quality.MISSING not in self.qualities

    @property
    def identity_key(self) -> str:
        return stable_key("channel-day", self.supply_point_id, self.channel, self.read_on)

    @cached_property
    def content_key(self) -> str:
        """Equal for an identical re-send; any change of value, flag or interval length differs.

        Computing it also refuses (``QuantityRangeError``) a value no store could hold in a day
        total; ingest computes it for every day, so such a day is rejected there with its line."""
        micro = [None if v is None else to_micro(v) for v in self.values]
        check_interval_micro(micro)
        return stable_key(
            self.identity_key,
            self.unit,
            self.interval_minutes,
            ",".join("" if v is None else str(v) for v in micro),
            "".join(self.qualities),
            ",".join(m or "" for m in self.methods),
            ",".join(r or "" for r in self.reasons),
        )

    def intervals(self) -> Iterator[IntervalRead]:
        step = timedelta(minutes=self.interval_minutes)
        for k, interval in enumerate(self.span.split(step)):
            yield IntervalRead(
                self.supply_point_id,
                self.channel,
                interval,
                self.values[k],
                self.unit,
                self.qualities[k],
                self.methods[k],
                self.reasons[k],
                self.source,
            )


@dataclass(frozen=True, slots=True)
class RegisterRead:
    """A cumulative register (dial) reading at an instant: separate from interval data by design."""

    supply_point_id: str
    meter_serial: str
    register_id: str
    read_at: datetime
    value: Decimal
    unit: Unit
    quality: Quality
    method: str | None
    reason: str | None
    read_type: str | None
    source: SourceRef

    def __post_init__(self) -> None:
        object.__setattr__(self, "read_at", require_utc(self.read_at, "read_at"))

    @property
    def idempotency_key(self) -> str:
        return stable_key(
            "register",
            self.supply_point_id,
            self.meter_serial,
            self.register_id,
            self.read_at,
            self.value,
            self.unit,
            self.quality,
            self.method,
            self.reason,
            self.read_type,
        )


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record that could not become a canonical event, kept with where and why."""

    source: SourceRef
    file_name: str
    reason_code: str
    message: str
    offending_text: str

    @property
    def idempotency_key(self) -> str:
        return stable_key(
            "rejection",
            self.source.file_id,
            self.source.segment,
            self.source.line,
            self.reason_code,
        )

    def __str__(self) -> str:
        return f"{self.file_name}:{self.source.line}: {self.reason_code}: {self.message}"
