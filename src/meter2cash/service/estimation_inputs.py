"""What reference data and register reads give the estimator for a channel-day: the annual
consumption (EAC) in force on the day, and the register advance over exactly that day.

Read once per call (one reference query for all the days' supply points, one register-read query
per supply point with a mapped register, one issue query), then asked per day. Each answer carries
the reason when there is none, for the outcome.

**Annual consumption** (``SupplyPoint.annual_consumption_kwh``, ``market-rules.md`` §3.4): the
value in force at the start of the local day, for an *import kWh* channel only, and only when no
other import kWh channel is configured on the day (the figure is one per supply [T]: two import
channels would each be given the whole). The profile is flat (``flat_coefficients``: one day's
share of the year, split equally over the day's intervals) because no profile coefficients
(Elexon D0039, AEMO NSLP) are loaded yet [T].

**Register advance** (BSCP502 §4.2.1 (c) 3, "actual meter advances in conjunction with previous
data" [V CP0638]): the channel's register in the configuration in force all day (the one mapped
to it, or — where TOU registers also map to it — the one without a time pattern, C18's "total"
[T]), with an *actual* stored read at the day's start and one at its end (local midnights, where
daily AMR, NEM13 and MSCONS reads are taken), each within ``tolerance`` of the boundary (default
0: exactly at it; with a tolerance the advance covers the reads' span, not exactly the day — an
operator's choice). A read with an open ERROR issue (C5, C6, C16, ...) is not used.
``advance = (end - start) x multiplier``; when ``end < start`` the register rolled over and
``10^digits`` is added, the digits taken from the configuration, never inferred from the values
(C6, CP0700 [V]). Only a same-day pair is used: an advance spanning several days (a read every
few days) is not apportioned over its gappy days yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from meter2cash.domain.channel_context import RegisterContext
from meter2cash.domain.errors import ConfigurationError, DomainError
from meter2cash.domain.quantity import Unit, to_micro
from meter2cash.domain.reads import ChannelDay, Direction, Quality, RegisterRead
from meter2cash.domain.validation import IssueStatus, Severity
from meter2cash.ports import DayKey, StoredChannelDay, StoredRegisterRead, UnitOfWork
from meter2cash.service.reference_view import ReferenceView


@dataclass(frozen=True, slots=True)
class Advance:
    """A register advance over one day, in the channel's unit, and what it was computed from."""

    energy: Decimal  # (end - start [+ 10^digits]) x multiplier
    register: RegisterContext
    start: RegisterRead
    end: RegisterRead
    rolled_over: bool

    @property
    def detail(self) -> str:
        r = self.register
        rollover = f", rolled over at 10^{r.digits}" if self.rolled_over else ""
        return (
            f"register {r.meter_serial}/{r.register_id}: {self.start.value} at "
            f"{self.start.read_at.isoformat()} to {self.end.value} at "
            f"{self.end.read_at.isoformat()}{rollover}, x {r.multiplier} = {self.energy}"
        )


@dataclass(frozen=True, slots=True)
class DayInputs:
    """The EAC and advance for one channel-day (``None`` with the reason in ``notes``)."""

    eac: Decimal | None = None
    advance: Advance | None = None
    notes: tuple[str, ...] = ()

    @property
    def advance_micro(self) -> int | None:
        return None if self.advance is None else to_micro(self.advance.energy)


class EstimationInputs:
    """The reference data and register reads of the days to estimate, read once."""

    def __init__(
        self,
        uow: UnitOfWork,
        days: Sequence[StoredChannelDay],
        *,
        reference: ReferenceView | None = None,
        tolerance: timedelta = timedelta(0),
    ) -> None:
        if tolerance < timedelta(0) or tolerance >= timedelta(hours=12):
            raise ConfigurationError(f"a read tolerance is from 0 to under 12 hours: {tolerance}")
        self.tolerance = tolerance
        points = sorted({s.channel_day.supply_point_id for s in days})
        if reference is None:
            reference = ReferenceView.load(uow, points) if points else ReferenceView({})
        self.view = reference
        spans: dict[str, tuple[datetime, datetime]] = {}
        for stored in days:
            day = stored.channel_day
            if self._register(day)[0] is None:
                continue
            span = day.span
            known = spans.get(day.supply_point_id, (span.start, span.end))
            spans[day.supply_point_id] = (min(known[0], span.start), max(known[1], span.end))
        self._reads: dict[tuple[str, str, str], list[StoredRegisterRead]] = {}
        for supply_point_id, (first, last) in spans.items():
            found = uow.register_reads.latest(
                supply_point_id, first - tolerance, last + tolerance + timedelta(microseconds=1)
            )
            for s in found:
                r = s.read
                self._reads.setdefault((r.supply_point_id, r.meter_serial, r.register_id), [])
                self._reads[r.supply_point_id, r.meter_serial, r.register_id].append(s)
        keys = {_issue_key(s) for reads in self._reads.values() for s in reads}
        issues = uow.issues.for_days(keys) if keys else {}
        self._suspect = {
            (key, s.issue.channel_day_version)
            for key, found in issues.items()
            for s in found
            if s.issue.status is IssueStatus.OPEN and s.issue.severity is Severity.ERROR
        }

    def for_day(self, day: ChannelDay) -> DayInputs:
        eac, eac_note = self._eac(day)
        advance, advance_note = self._advance(day)
        notes = tuple(n for n in (eac_note, advance_note) if n is not None)
        return DayInputs(eac, advance, notes)

    def _eac(self, day: ChannelDay) -> tuple[Decimal | None, str | None]:
        supply_point = self.view.supply_point(day.supply_point_id)
        if supply_point is None:
            return None, f"no annual consumption: no reference data for {day.supply_point_id}"
        eac = supply_point.annual_consumption_at(day.span.start)
        if eac is None:
            return None, f"no annual consumption in force on {day.read_on}"
        if (day.direction, day.unit) != (Direction.IMPORT, Unit.KWH):
            return None, (
                f"annual consumption {eac} kWh is for the import kWh channel, not "
                f"{day.channel} ({day.direction} {day.unit})"
            )
        others = self._import_channels(day) - {day.channel}
        if others:
            return None, (
                f"annual consumption {eac} kWh is for the whole supply, but channels "
                f"{', '.join(sorted(others | {day.channel}))} all import kWh on {day.read_on}"
            )
        return eac, None

    def _import_channels(self, day: ChannelDay) -> set[str]:
        timeline = self.view.timeline(day.supply_point_id)
        if timeline is None:
            return set()
        span = day.span
        return {
            c.channel
            for p in timeline.periods_overlapping(span.start, span.end)
            for c in p.channels
            if (c.direction, c.unit) == (Direction.IMPORT, Unit.KWH)
        }

    def _register(self, day: ChannelDay) -> tuple[RegisterContext | None, str | None]:
        """The register whose advance is the channel's energy over the whole day."""
        context = self.view.channel_context(day.supply_point_id, day.channel, day.read_on)
        if context is None:
            return None, "no register advance: no reference data"
        if context.meter_exchanged or not context.configured_all_day:
            return None, f"no register advance: {day.channel} is not on one meter all day"
        mapped = list(dict.fromkeys(r for r in context.registers if r.channel == day.channel))
        if not mapped:
            return None, f"no register advance: no register maps to channel {day.channel}"
        if len(mapped) > 1:
            totals = [r for r in mapped if not r.time_pattern]
            if len(totals) != 1:
                names = ", ".join(f"{r.meter_serial}/{r.register_id}" for r in mapped)
                return None, (
                    f"no register advance: registers {names} map to {day.channel} and none is "
                    f"the one total (no time pattern) over the day"
                )
            mapped = totals
        return mapped[0], None

    def _advance(self, day: ChannelDay) -> tuple[Advance | None, str | None]:
        register, why = self._register(day)
        if register is None:
            return None, why
        reads = self._reads.get((day.supply_point_id, register.meter_serial, register.register_id))
        name = f"{register.meter_serial}/{register.register_id}"
        span = day.span
        start, start_why = self._read_at(reads or [], span.start, day.unit)
        end, end_why = self._read_at(reads or [], span.end, day.unit)
        if start is None or end is None:
            return None, f"no register advance for {name}: {start_why or end_why}"
        raw = end.value - start.value
        rolled = raw < 0
        if rolled:
            raw += Decimal(10) ** register.digits
        if raw < 0:
            return None, (
                f"no register advance for {name}: {start.value} to {end.value} is negative even "
                f"after a rollover at 10^{register.digits}"
            )
        energy = raw * register.multiplier
        try:
            to_micro(energy)
        except DomainError as exc:
            return None, f"no register advance for {name}: {exc}"
        return Advance(energy, register, start, end, rolled), None

    def _read_at(
        self, reads: Sequence[StoredRegisterRead], instant: datetime, unit: Unit
    ) -> tuple[RegisterRead | None, str | None]:
        near = [s for s in reads if abs(s.read.read_at - instant) <= self.tolerance]
        if not near:
            return None, f"no read at {instant.isoformat()} (tolerance {self.tolerance})"
        near.sort(key=lambda s: (abs(s.read.read_at - instant), s.read.read_at))
        stored = near[0]
        read = stored.read
        if read.quality is not Quality.ACTUAL:
            return None, f"the read at {read.read_at.isoformat()} is not actual ({read.quality})"
        if read.unit != unit:
            return None, f"the read at {read.read_at.isoformat()} is in {read.unit}, not {unit}"
        if (_issue_key(stored), stored.version) in self._suspect:
            return None, f"the read at {read.read_at.isoformat()} has an open ERROR issue"
        return read, None


def _issue_key(stored: StoredRegisterRead) -> DayKey:
    """Where register-read findings are stored (``service/interpret_registers.py``)."""
    r = stored.read
    return (r.supply_point_id, f"register:{r.meter_serial}/{r.register_id}", r.read_at.date())
