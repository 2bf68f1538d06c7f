"""The meter-configuration timeline: which meter, registers and channels serve a supply point when.

Every read is interpreted against the configuration in force at its instant, also when it is
reprocessed months later (docs/architecture.md). A meter exchange is a configuration change — the
removal of one meter and the install of the next, possibly at the same instant — recorded with the
old meter's final and the new meter's initial reading per register (market-rules.md §5.3, [M] for
the DTC flows it names). A reconfiguration (new multiplier, new TPR mapping) starts a new period of
the same meter without ending its life.

Periods are half-open ``[start, end)`` in UTC; ``end`` is ``None`` while a meter is still
installed. For *reads* a meter's life is closed at both ends — its initial read is taken at the
install instant and its final read at the removal instant — which is what rule C14 ("reading
outside meter life", §2.8, [T]) and C13/C15 need from :meth:`ConfigurationTimeline.place_read`.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from meter2cash.domain.meter_setup import (
    MAX_REGISTER_DIGITS,
    ChannelConfig,
    ConfigurationTimelineError,
    RegisterConfig,
    member,
)
from meter2cash.domain.reads import SourceRef
from meter2cash.domain.time import require_utc

__all__ = [
    "MAX_REGISTER_DIGITS",
    "ChangeKind",
    "ChannelConfig",
    "ConfigurationPeriod",
    "ConfigurationTimeline",
    "ConfigurationTimelineError",
    "ReadPlacement",
    "RegisterConfig",
    "Span",
]


class ChangeKind(StrEnum):
    """How a configuration period began (and, for events, what changed)."""

    INSTALL = "install"
    RECONFIGURATION = "reconfiguration"
    REMOVAL = "removal"


class ReadPlacement(StrEnum):
    """Where a reading's instant falls against the life of the meter it names (C13-C15)."""

    IN_LIFE = "in_life"  # the meter serves the supply point then, and has the register
    BEFORE_INSTALL = "before_install"  # C14: before the meter's first install here
    AFTER_REMOVAL = "after_removal"  # C14: after its last removal
    BETWEEN_LIVES = "between_lives"  # C14: removed, later re-installed; not installed then
    UNKNOWN_METER = "unknown_meter"  # C15: the serial never served this supply point
    UNKNOWN_REGISTER = "unknown_register"  # C13: installed, but no such register then


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open span ``[start, end)`` of UTC instants; ``end=None`` is open (still in force)."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", require_utc(self.start, "start"))
        if self.end is not None:
            object.__setattr__(self, "end", require_utc(self.end, "end"))
            if self.end <= self.start:
                raise ConfigurationTimelineError(
                    f"span end {self.end.isoformat()} must be after start {self.start.isoformat()}"
                )

    def contains(self, instant: datetime) -> bool:
        instant = require_utc(instant)
        return self.start <= instant and (self.end is None or instant < self.end)

    def overlaps(self, start: datetime, end: datetime | None) -> bool:
        return (end is None or self.start < end) and (self.end is None or start < self.end)


@dataclass(frozen=True, slots=True)
class ConfigurationPeriod:
    """One meter serving the supply point over ``[start, end)`` with one set of registers/channels."""

    supply_point_id: str
    meter_serial: str
    start: datetime
    end: datetime | None
    registers: tuple[RegisterConfig, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()
    started_by: ChangeKind = ChangeKind.INSTALL
    source: SourceRef | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        span = Span(self.start, self.end)  # validates end > start
        object.__setattr__(self, "start", span.start)
        object.__setattr__(self, "end", span.end)
        object.__setattr__(self, "registers", tuple(self.registers))
        object.__setattr__(self, "channels", tuple(self.channels))
        object.__setattr__(self, "started_by", member(ChangeKind, self.started_by, "period"))
        where = f"{self.supply_point_id} meter {self.meter_serial} from {self.start.isoformat()}"
        if not self.meter_serial:
            raise ConfigurationTimelineError(f"{self.supply_point_id}: a meter needs a serial")
        if self.started_by is ChangeKind.REMOVAL:
            raise ConfigurationTimelineError(f"{where}: a period cannot start with a removal")
        _require_unique([r.register_id for r in self.registers], "register", where)
        _require_unique([c.channel for c in self.channels], "channel", where)
        by_name = {c.channel: c for c in self.channels}
        for register in self.registers:
            mapped = by_name.get(register.channel) if register.channel else None
            if mapped and register.direction and register.direction is not mapped.direction:
                raise ConfigurationTimelineError(
                    f"{where}: register {register.register_id} is {register.direction} but its "
                    f"channel {mapped.channel} is {mapped.direction}"
                )
            if register.final_read is not None and self.end is None:
                raise ConfigurationTimelineError(
                    f"{where}: register {register.register_id} has a final read but no end"
                )

    @property
    def span(self) -> Span:
        return Span(self.start, self.end)

    @property
    def setup(self) -> tuple[object, ...]:
        """The meter's set-up over the period, without the readings taken at its boundaries and
        without where it was recorded: two periods with equal set-ups interpret reads alike."""
        registers = tuple(
            dataclasses.replace(r, initial_read=None, final_read=None) for r in self.registers
        )
        return (self.meter_serial, registers, self.channels)

    def channel(self, name: str) -> ChannelConfig | None:
        return next((c for c in self.channels if c.channel == name), None)

    def register(self, register_id: str) -> RegisterConfig | None:
        return next((r for r in self.registers if r.register_id == register_id), None)


def _require_unique(names: list[str], what: str, where: str) -> None:
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigurationTimelineError(
            f"{where}: {what}(s) listed twice: {', '.join(duplicates)}"
        )


@dataclass(frozen=True, slots=True)
class ConfigurationTimeline:
    """Every configuration period of one supply point, in order, as known in one version.

    Construction validates: one supply point; periods ordered and not overlapping (one meter at a
    time; an exchange may remove and install at the same instant); only the last period open; a
    reconfiguration directly continues the same meter. ``version`` and ``known_from`` say which
    load of the reference data this is (a configuration fix is a new version, the old one kept).
    """

    supply_point_id: str
    periods: tuple[ConfigurationPeriod, ...] = ()
    version: int = 1
    known_from: datetime | None = None
    _starts: tuple[datetime, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        periods = tuple(sorted(self.periods, key=lambda p: p.start))
        object.__setattr__(self, "periods", periods)
        if self.known_from is not None:
            object.__setattr__(self, "known_from", require_utc(self.known_from, "known_from"))
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ConfigurationTimelineError(
                f"version must be a positive int, got {self.version!r}"
            )
        for period in periods:
            if period.supply_point_id != self.supply_point_id:
                raise ConfigurationTimelineError(
                    f"period of {period.supply_point_id} in the timeline of {self.supply_point_id}"
                )
        for before, after in itertools.pairwise(periods):
            _check_sequence(before, after)
        if periods and periods[0].started_by is ChangeKind.RECONFIGURATION:
            raise ConfigurationTimelineError(
                f"{self.supply_point_id}: meter {periods[0].meter_serial} is reconfigured at "
                f"{periods[0].start.isoformat()} before any install"
            )
        object.__setattr__(self, "_starts", tuple(p.start for p in periods))

    def in_force_at(self, instant: datetime) -> ConfigurationPeriod | None:
        """The period whose ``[start, end)`` contains ``instant``; ``None`` when no meter is installed."""
        instant = require_utc(instant)
        index = bisect.bisect_right(self._starts, instant) - 1
        if index < 0:
            return None
        period = self.periods[index]
        return period if period.end is None or instant < period.end else None

    def periods_overlapping(
        self, start: datetime, end: datetime | None
    ) -> tuple[ConfigurationPeriod, ...]:
        """Periods sharing at least one instant with ``[start, end)`` (``end=None``: open)."""
        start = require_utc(start, "start")
        end = None if end is None else require_utc(end, "end")
        return tuple(p for p in self.periods if p.span.overlaps(start, end))

    def meter_serials(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.meter_serial for p in self.periods))

    def meter_lives(self, meter_serial: str) -> tuple[Span, ...]:
        """Install-to-removal spans of a meter here: its periods joined across reconfigurations."""
        lives: list[Span] = []
        for period in self.periods:
            if period.meter_serial != meter_serial:
                continue
            if lives and period.started_by is ChangeKind.RECONFIGURATION:
                lives[-1] = Span(lives[-1].start, period.end)
            else:
                lives.append(period.span)
        return tuple(lives)

    def place_read(
        self, meter_serial: str, read_at: datetime, register_id: str | None = None
    ) -> ReadPlacement:
        """Where a reading of ``meter_serial`` (and ``register_id``) at ``read_at`` falls.

        A meter's life is closed at both ends for reads: the initial read at install and the final
        read at removal are in life. At a reconfiguration instant either period's registers count.
        """
        read_at = require_utc(read_at, "read_at")
        lives = self.meter_lives(meter_serial)
        if not lives:
            return ReadPlacement.UNKNOWN_METER
        if read_at < lives[0].start:
            return ReadPlacement.BEFORE_INSTALL
        last_end = lives[-1].end
        if last_end is not None and read_at > last_end:
            return ReadPlacement.AFTER_REMOVAL
        matching = [
            p
            for p in self.periods
            if p.meter_serial == meter_serial
            and p.start <= read_at
            and (p.end is None or read_at <= p.end)
        ]
        if not matching:
            return ReadPlacement.BETWEEN_LIVES
        if register_id is not None and all(p.register(register_id) is None for p in matching):
            return ReadPlacement.UNKNOWN_REGISTER
        return ReadPlacement.IN_LIFE


def _check_sequence(before: ConfigurationPeriod, after: ConfigurationPeriod) -> None:
    where = f"{after.supply_point_id}: meter {after.meter_serial} from {after.start.isoformat()}"
    if before.end is None:
        raise ConfigurationTimelineError(
            f"{where} overlaps meter {before.meter_serial}, installed from "
            f"{before.start.isoformat()} and never removed"
        )
    if after.start < before.end:
        raise ConfigurationTimelineError(
            f"{where} overlaps meter {before.meter_serial} (in force until {before.end.isoformat()})"
        )
    if after.started_by is ChangeKind.RECONFIGURATION and (
        after.start != before.end or after.meter_serial != before.meter_serial
    ):
        raise ConfigurationTimelineError(
            f"{where}: a reconfiguration must directly continue the same meter's previous period"
        )
