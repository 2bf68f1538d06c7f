"""Canonical events: what happened, in the past tense, each with a schema version.

Every event class names its ``EVENT_TYPE`` and ``SCHEMA_VERSION``. The JSON Schema of each version is
generated from these classes into ``schemas/`` (``meter2cash schemas --write``) and a test refuses a
change that breaks backward compatibility without a version bump, because consumers (workers, other
systems reading the log) decode old and new payloads alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from meter2cash.domain.adjustments import AdjustmentRaised
from meter2cash.domain.keys import stable_key
from meter2cash.domain.reads import ChannelDay, IntervalRead, RegisterRead, SourceRef
from meter2cash.domain.time import require_utc


class CommunicationsStatus(StrEnum):
    """What a head-end system reported about its link to a meter."""

    ONLINE = "online"
    OFFLINE = "offline"
    FAILED_READ = "failed_read"


@dataclass(frozen=True, slots=True)
class ReadsReceived:
    """A channel-day of interval values arrived from a source (raw; not yet validated)."""

    EVENT_TYPE: ClassVar[str] = "reads_received"
    SCHEMA_VERSION: ClassVar[int] = 1

    channel_day: ChannelDay
    file_name: str


@dataclass(frozen=True, slots=True)
class IntervalReadReceived:
    """A single interval that does not fit a channel-day's regular grid (e.g. an MSCONS irregular
    interval) arrived from a source."""

    EVENT_TYPE: ClassVar[str] = "interval_read_received"
    SCHEMA_VERSION: ClassVar[int] = 1

    read: IntervalRead
    file_name: str


@dataclass(frozen=True, slots=True)
class RegisterReadReceived:
    """A register (dial) reading arrived from a source."""

    EVENT_TYPE: ClassVar[str] = "register_read_received"
    SCHEMA_VERSION: ClassVar[int] = 1

    read: RegisterRead
    file_name: str


@dataclass(frozen=True, slots=True)
class RegisterSpec:
    """One register of a meter: its digits (for rollover), multiplier and time-pattern mapping."""

    register_id: str
    digits: int
    multiplier: Decimal = Decimal(1)
    time_pattern: str | None = None


@dataclass(frozen=True, slots=True)
class MeterConfigurationChanged:
    """From ``effective_at`` the supply point is served by this meter with these registers/channels.

    A meter exchange is a configuration change (removal of one meter, install of the next).
    """

    EVENT_TYPE: ClassVar[str] = "meter_configuration_changed"
    SCHEMA_VERSION: ClassVar[int] = 1

    supply_point_id: str
    effective_at: datetime
    meter_serial: str
    registers: tuple[RegisterSpec, ...]
    channels: tuple[str, ...]
    change: str  # install | removal | reconfiguration
    source: SourceRef

    def __post_init__(self) -> None:
        object.__setattr__(self, "effective_at", require_utc(self.effective_at, "effective_at"))


@dataclass(frozen=True, slots=True)
class ClockSynchronised:
    """The meter's clock was compared with true time; ``offset_seconds`` = meter minus true time.

    Drives the clock-tolerance rule; it never shifts data silently.
    """

    EVENT_TYPE: ClassVar[str] = "clock_synchronised"
    SCHEMA_VERSION: ClassVar[int] = 1

    supply_point_id: str
    meter_serial: str
    synchronised_at: datetime
    offset_seconds: Decimal
    corrected: bool
    source: SourceRef

    def __post_init__(self) -> None:
        object.__setattr__(self, "synchronised_at", require_utc(self.synchronised_at))


@dataclass(frozen=True, slots=True)
class CommunicationsStatusReported:
    """A head-end report on the link to a meter: explains gaps and feeds data freshness."""

    EVENT_TYPE: ClassVar[str] = "communications_status_reported"
    SCHEMA_VERSION: ClassVar[int] = 1

    supply_point_id: str
    meter_serial: str
    reported_at: datetime
    status: CommunicationsStatus
    detail: str | None
    source: SourceRef

    def __post_init__(self) -> None:
        object.__setattr__(self, "reported_at", require_utc(self.reported_at))


@dataclass(frozen=True, slots=True)
class ReadRejected:
    """A source record could not become a canonical event (kept with file, line and reason)."""

    EVENT_TYPE: ClassVar[str] = "read_rejected"
    SCHEMA_VERSION: ClassVar[int] = 1

    source: SourceRef
    file_name: str
    reason_code: str
    message: str


@dataclass(frozen=True, slots=True)
class ConsumptionCurated:
    """A channel-day version passed interpretation and is (or is not) usable for billing.

    Enriched (schema 2) with the supply point context in force on the day, so downstream stages
    never re-derive it: market, settlement regime, the configuration version it was interpreted
    against and the time patterns (TOU registers / SSC) mapped to the channel. ``None``/empty
    where no reference data is known. ``estimated`` says the version carries estimates made here.
    """

    EVENT_TYPE: ClassVar[str] = "consumption_curated"
    SCHEMA_VERSION: ClassVar[int] = 2

    supply_point_id: str
    channel: str
    read_on: date
    version: int
    channel_day_id: int
    billable: bool
    market: str | None = None
    settlement_regime: str | None = None
    configuration_version: int | None = None
    time_patterns: tuple[str, ...] = ()
    estimated: bool = False


@dataclass(frozen=True, slots=True)
class DeterminantsComputed:
    """Bill determinants for a supply point and month were (re)computed."""

    EVENT_TYPE: ClassVar[str] = "determinants_computed"
    SCHEMA_VERSION: ClassVar[int] = 1

    supply_point_id: str
    market: str
    period_on: date
    determinant_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class BillIssued:
    """A bill was issued; immutable from now on (corrections are new bills or delta lines)."""

    EVENT_TYPE: ClassVar[str] = "bill_issued"
    SCHEMA_VERSION: ClassVar[int] = 1

    bill_id: str
    supply_point_id: str
    period_on: date
    currency: str
    total: Decimal
    supersedes: str | None


#: Every canonical event type, for schema generation and payload decoding.
EVENT_TYPES: tuple[type, ...] = (
    AdjustmentRaised,
    ReadsReceived,
    IntervalReadReceived,
    RegisterReadReceived,
    MeterConfigurationChanged,
    ClockSynchronised,
    CommunicationsStatusReported,
    ReadRejected,
    ConsumptionCurated,
    DeterminantsComputed,
    BillIssued,
)


def meter_event_key(
    event: ClockSynchronised | CommunicationsStatusReported | MeterConfigurationChanged,
) -> str:
    """The natural key of a metering report: the same report twice (re-sent file, replay) is one
    event; where it was read from (``source``) is not part of it."""
    if isinstance(event, ClockSynchronised):
        kind, at = "clock", event.synchronised_at
        detail: tuple[object, ...] = (event.offset_seconds, event.corrected)
    elif isinstance(event, CommunicationsStatusReported):
        kind, at = "comms", event.reported_at
        detail = (str(event.status), event.detail)
    else:
        kind, at = "config", event.effective_at
        registers = tuple(
            (r.register_id, r.digits, r.multiplier, r.time_pattern) for r in event.registers
        )
        detail = (event.change, registers, event.channels)
    return stable_key("meter-event", kind, event.supply_point_id, event.meter_serial, at, *detail)
