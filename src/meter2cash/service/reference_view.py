"""Reference data as one batch of interpretation reads it: loaded once, asked many times.

The interpret stage builds a :class:`ReferenceView` per batch of channel-days (one store query
for all the batch's supply points) and asks it, per channel-day, for the configuration in force.
A supply point without reference data answers ``None`` everywhere: the rules then treat its
configuration as unknown and skip what needs it, rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from meter2cash.domain.channel_context import ChannelContext, RegisterContext, channel_context
from meter2cash.domain.configuration import (
    ConfigurationPeriod,
    ConfigurationTimeline,
    ReadPlacement,
)
from meter2cash.domain.mdd import MarketDomainData, MddError
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import SettlementRegime, SupplyPoint
from meter2cash.domain.time import local_day, require_utc, zone_named
from meter2cash.ports import StoredReference, UnitOfWork


@dataclass(frozen=True, slots=True)
class TouMapping:
    """The time-of-use set-up of a channel on a local day, for enrichment and banding.

    ``time_patterns`` are those of the registers in force on the day that accumulate the channel
    (or name no channel): GB TPR ids or a market's TOU names, in register order. ``ssc`` is the GB
    Standard Settlement Configuration at the day's start; ``mdd_time_patterns`` the TPRs MDD's
    Measurement Requirement gives that SSC (empty without MDD or SSC).
    """

    supply_point_id: str
    channel: str
    read_on: date
    configuration_version: int
    ssc: str | None
    time_patterns: tuple[str, ...]
    mdd_time_patterns: tuple[str, ...] = ()


def _register_context(period: ConfigurationPeriod, register_id: str) -> RegisterContext | None:
    r = period.register(register_id)
    if r is None:
        return None
    return RegisterContext(
        period.meter_serial, r.register_id, r.digits, r.multiplier, r.time_pattern, r.channel,
        r.direction,
    )  # fmt: skip


class ReferenceView:
    """A snapshot of the reference data of some supply points (the latest versions, or those
    known at ``known_at``), with per-(supply point, channel, day) answers cached."""

    def __init__(
        self, references: Mapping[str, StoredReference], mdd: MarketDomainData | None = None
    ) -> None:
        self._references = dict(references)
        self.mdd = mdd
        self._contexts: dict[tuple[str, str, date], ChannelContext | None] = {}
        self._regimes: dict[tuple[str, date], SettlementRegime | None] = {}

    @classmethod
    def load(
        cls,
        uow: UnitOfWork,
        supply_point_ids: Iterable[str],
        known_at: datetime | None = None,
        mdd: MarketDomainData | None = None,
    ) -> ReferenceView:
        """Read the reference data of ``supply_point_ids`` in one query (as known at ``known_at``,
        the latest when ``None``)."""
        return cls(uow.reference.latest(supply_point_ids, known_at), mdd)

    def stored(self, supply_point_id: str) -> StoredReference | None:
        return self._references.get(supply_point_id)

    def supply_point(self, supply_point_id: str) -> SupplyPoint | None:
        stored = self._references.get(supply_point_id)
        return stored.supply_point if stored else None

    def timeline(self, supply_point_id: str) -> ConfigurationTimeline | None:
        stored = self._references.get(supply_point_id)
        return stored.timeline if stored else None

    def market(self, supply_point_id: str) -> Market | None:
        supply_point = self.supply_point(supply_point_id)
        return supply_point.market if supply_point else None

    def zone(self, supply_point_id: str) -> str | None:
        supply_point = self.supply_point(supply_point_id)
        return supply_point.zone if supply_point else None

    def channel_context(
        self, supply_point_id: str, channel: str, read_on: date
    ) -> ChannelContext | None:
        """The configuration facts of ``channel`` on local day ``read_on``; ``None`` without
        reference data for the supply point."""
        key = (supply_point_id, channel, read_on)
        if key not in self._contexts:
            stored = self._references.get(supply_point_id)
            self._contexts[key] = (
                channel_context(stored.timeline, stored.supply_point, channel, read_on)
                if stored is not None
                else None
            )
        return self._contexts[key]

    def settlement_regime_on(self, supply_point_id: str, day: date) -> SettlementRegime | None:
        """The regime at the start of local day ``day`` (the settlement day's regime, as
        :func:`channel_context` takes it)."""
        key = (supply_point_id, day)
        if key not in self._regimes:
            supply_point = self.supply_point(supply_point_id)
            self._regimes[key] = (
                supply_point.settlement_regime_at(
                    local_day(day, zone_named(supply_point.zone)).start
                )
                if supply_point is not None
                else None
            )
        return self._regimes[key]

    def tou_mapping(self, supply_point_id: str, channel: str, read_on: date) -> TouMapping | None:
        context = self.channel_context(supply_point_id, channel, read_on)
        supply_point = self.supply_point(supply_point_id)
        if context is None or supply_point is None:
            return None
        patterns = tuple(
            dict.fromkeys(
                r.time_pattern
                for r in context.registers
                if r.time_pattern and r.channel in (None, channel)
            )
        )
        ssc = None
        if supply_point.gb is not None:
            ssc = supply_point.gb.standard_settlement_configuration.value_at(context.day.start)
        return TouMapping(
            supply_point_id, channel, read_on, context.configuration_version, ssc, patterns,
            self._mdd_patterns(ssc),
        )  # fmt: skip

    def _mdd_patterns(self, ssc: str | None) -> tuple[str, ...]:
        if self.mdd is None or ssc is None:
            return ()
        try:
            return self.mdd.tprs_of(ssc)
        except MddError:  # an SSC the extract does not hold: unknown, not an error here
            return ()

    def period_at(self, supply_point_id: str, instant: datetime) -> ConfigurationPeriod | None:
        """The configuration period in force at ``instant`` (``None``: no meter, or no data)."""
        timeline = self.timeline(supply_point_id)
        return timeline.in_force_at(instant) if timeline is not None else None

    def register_config(
        self, supply_point_id: str, meter_serial: str, register_id: str, instant: datetime
    ) -> RegisterContext | None:
        """Digits, multiplier and time pattern of a register at a reading's instant; ``None`` when
        the reading falls outside the meter's life here or the register is unknown then (C13-C15
        say which, from ``timeline(...).place_read``). A meter's life is closed at both ends for
        readings: at a removal or reconfiguration instant the period in force wins, else the one
        ending there (its final read)."""
        timeline = self.timeline(supply_point_id)
        if timeline is None:
            return None
        instant = require_utc(instant, "instant")
        placement = timeline.place_read(meter_serial, instant, register_id)
        if placement is not ReadPlacement.IN_LIFE:
            return None
        candidates = [
            p
            for p in timeline.periods
            if p.meter_serial == meter_serial
            and p.start <= instant
            and (p.end is None or instant <= p.end)
        ]
        candidates.sort(key=lambda p: p.end == instant)  # in force first, then ending here
        for period in candidates:
            found = _register_context(period, register_id)
            if found is not None:
                return found
        return None
