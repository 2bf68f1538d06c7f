"""Interpret stage runner: raw channel-days -> versioned, validated, curated channel-days.

Consumes the raw stream from its committed offset; each batch's effects (new versions, issues,
billability, adjustments, curated events) and the offset commit land in one transaction, so a crash
repeats at most a batch, and repeating a batch changes nothing (puts and appends are idempotent).

Per batch: decide per channel-day what a delivery does (no-op, C3 conflict, new version, or — on a
hard settlement day — an adjustment), validate the new versions with the whole VEE catalogue
against the configuration in force (``service/interpret_batch.py``), store them with their
billability and issues, and emit enriched ``ConsumptionCurated`` events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Protocol

from meter2cash import codec
from meter2cash.domain.adjustments import Adjustment, AdjustmentRaised
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatusReported,
    ConsumptionCurated,
    IntervalReadReceived,
    MeterConfigurationChanged,
    ReadsReceived,
    RegisterReadReceived,
)
from meter2cash.domain.keys import stable_key
from meter2cash.domain.reads import ChannelDay, Quality, RegisterRead
from meter2cash.domain.supply_point_model import SettlementRegime
from meter2cash.domain.validation import IssueStatus, Resolution, ValidationIssue
from meter2cash.interpret.harden import (
    HardeningState,
    Timetable,
    classify_change,
    load_timetables,
    state_of,
)
from meter2cash.interpret.harden import merge_partial as harden_merge
from meter2cash.interpret.rules import conflicting_duplicate
from meter2cash.interpret.vee import ParameterTable, shipped_parameters
from meter2cash.ports import DayKey, PutResult, UnitOfWork, UnitOfWorkFactory
from meter2cash.service.estimation import estimate_stored_days
from meter2cash.service.interpret_batch import BatchFindings, ContextSource, validate_versions
from meter2cash.service.interpret_registers import TimelineSource, validate_register_reads
from meter2cash.service.streams import ADJUSTMENTS, CURATED, RAW, entry

CONSUMER = "interpret"
BATCH = 1_000


def merge_partial(latest: ChannelDay, partial: ChannelDay) -> ChannelDay:
    """A partial delivery overlays the latest version: delivered intervals win, the others keep
    their stored values. The merged version's source is the partial delivery (the newest file)."""
    if (latest.interval_minutes, latest.unit) != (partial.interval_minutes, partial.unit):
        return partial
    keep = [q is Quality.MISSING for q in partial.qualities]

    def pick(new: tuple[Any, ...], old: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(o if k else n for k, n, o in zip(keep, new, old, strict=True))

    blank = ("",) * len(keep)
    return replace(
        partial,
        values=pick(partial.values, latest.values),
        qualities=pick(partial.qualities, latest.qualities),
        methods=pick(partial.methods, latest.methods),
        reasons=pick(partial.reasons, latest.reasons),
        source_flags=pick(partial.source_flags or blank, latest.source_flags or blank),
    )


@dataclass
class _Latest:
    """What the batch knows of a channel-day's latest version (stored, or put earlier in the batch)."""

    day: ChannelDay
    version: int
    id: int | None  # the stored row's id; None for a version put earlier in this batch


@dataclass(frozen=True)
class InterpretConfig:
    """The rules' parameters and the settlement timetables, loaded once per run (both are data)."""

    params: ParameterTable = field(default_factory=shipped_parameters)
    timetables: Mapping[str, Timetable] = field(default_factory=load_timetables)


#: Settlement regime -> hardening timetable (``interpret/harden/timetables.yaml``).
TIMETABLE_OF_REGIME = {
    SettlementRegime.LEGACY_NHH: "GB_LEGACY",
    SettlementRegime.LEGACY_HH: "GB_LEGACY",
    SettlementRegime.MHHS: "GB_MHHS",
    SettlementRegime.NEM: "AU_NEM",
    SettlementRegime.DE_SLP: "DE_MABIS",
    SettlementRegime.DE_RLM: "DE_MABIS",
}
#: Without reference data, the market's usual regime [T]; a market with none never hardens.
TIMETABLE_OF_MARKET = {"GB": "GB_LEGACY", "AU": "AU_NEM", "DE": "DE_MABIS"}


class RegimeSource(Protocol):
    def settlement_regime_on(self, supply_point_id: str, day: date) -> SettlementRegime | None: ...


def hardening_state(
    day: ChannelDay,
    as_of: datetime,
    timetables: Mapping[str, Timetable],
    regimes: RegimeSource | None,
) -> HardeningState:
    """The day's settlement state at ``as_of``: the timetable of its regime on that day (its
    market's usual one without reference data); a market with none never hardens."""
    name = None
    if regimes is not None:
        regime = regimes.settlement_regime_on(day.supply_point_id, day.read_on)
        name = TIMETABLE_OF_REGIME.get(regime) if regime is not None else None
    name = name or TIMETABLE_OF_MARKET.get(day.market)
    if name is None or name not in timetables:
        return HardeningState.OPEN
    return state_of(day.read_on, timetables[name], as_of)


class _Batch:
    """One batch of raw events interpreted together: a single read of the latest versions, one
    multi-row put, one append of curated events. Decisions are made in event order, exactly as
    one-by-one processing would make them (a day repeated inside the batch sees its predecessor).

    A changed day is a new version while its settlement day is open or provisional; once the day
    is HARD (its market's timetable, at the instant the correcting file was received) it is not
    restated: the change becomes one :class:`Adjustment` against the day's current content (the
    settled version, or the newest earlier correction), kept with the correcting day.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        days: list[ChannelDay],
        config: InterpretConfig,
        reference: ReferenceLike | None,
    ) -> None:
        self.uow = uow
        self.config = config
        self.reference = reference
        keys = {_key(d) for d in days}
        stored = uow.intervals.latest_of(keys)
        self.latest = {key: _Latest(s.channel_day, s.version, s.id) for key, s in stored.items()}
        hard_keys = [k for k in keys if k in self.latest]
        self.corrected = {
            key: a.correction for key, a in uow.adjustments.latest_corrections(hard_keys).items()
        }
        self.puts: list[tuple[ChannelDay, int]] = []
        self.issues: list[ValidationIssue] = []
        self.adjustments: list[tuple[Adjustment, ChannelDay]] = []
        self._received: dict[str, datetime] = {}
        self.findings: BatchFindings | None = None

    def received_at(self, day: ChannelDay) -> datetime:
        """When the file carrying ``day`` was received: the instant hardening is judged at."""
        return self.received_at_file(day.source.file_id)

    def received_at_file(self, file_id: str) -> datetime:
        if file_id not in self._received:
            known = self.uow.files.get(file_id)
            # A file is registered after its last batch; a worker may see its events earlier.
            self._received[file_id] = known.received_at if known else datetime.now(UTC)
        return self._received[file_id]

    def state(self, day: ChannelDay, as_of: datetime) -> HardeningState:
        return hardening_state(day, as_of, self.config.timetables, self.reference)

    def add(self, day: ChannelDay) -> None:
        key = _key(day)
        latest = self.latest.get(key)
        if latest is not None and not day.complete:
            day = merge_partial(latest.day, day)
        elif (
            latest is not None
            and _same_delivery(latest.day, day)
            and latest.day.content_key != day.content_key
        ):
            # C3 applies to whole days only: partial deliveries of one day in one file merge.
            self.issues.append(conflicting_duplicate(latest.day, day, latest.version))
            return
        if latest is not None and latest.day.content_key == day.content_key:
            return
        if latest is not None:
            received = self.received_at(day)
            state = self.state(day, received)
            if state.is_hard:
                self._adjust(key, latest, day, state, received)
                return
        version = latest.version + 1 if latest is not None else 1
        self.puts.append((day, version))
        self.latest[key] = _Latest(day, version, None)

    def _adjust(
        self,
        key: DayKey,
        latest: _Latest,
        day: ChannelDay,
        state: HardeningState,
        received: datetime,
    ) -> None:
        basis = self.corrected.get(key)
        if basis is None:
            basis = latest.day
            old_id = f"channel_day:{latest.id}" if latest.id is not None else None
        else:
            old_id = basis.content_key
        change = classify_change(basis, day, state, created_at=received, old_version_id=old_id)
        if isinstance(change, Adjustment):
            correction = harden_merge(basis, day)
            self.adjustments.append((change, correction))
            self.corrected[key] = correction

    def flush(self) -> int:
        """Validate and store the batch's new versions, issues, adjustments and events."""
        findings = None
        if self.puts:
            as_of = max(self.received_at(day) for day, _ in self.puts)
            findings = validate_versions(
                self.uow, self.puts, self.config.params, self.reference, as_of
            )
            self.issues.extend(findings.issues)
        self.findings = findings
        billable = findings.billable if findings else []
        results = self.uow.intervals.put_many(
            [(day, ok) for (day, _), ok in zip(self.puts, billable, strict=True)]
        )
        entries = []
        for (day, _), ok, result in zip(self.puts, billable, results, strict=True):
            curated = self.curated_event(day, result.version, result.id, ok)
            entries.append(
                entry(CURATED, day.supply_point_id, curated, stable_key("curated", result.id))
            )
        for adjustment, correction in self.adjustments:
            if self.uow.adjustments.add(adjustment, correction) is not None:
                raised = AdjustmentRaised(adjustment)
                entries.append(
                    entry(ADJUSTMENTS, adjustment.supply_point_id, raised, raised.idempotency_key)
                )
        self.uow.log.append_many(entries)
        self.supersede_issues(results)
        for issue in self.issues:
            self.uow.issues.add(issue)
        return len(results) + self.estimate()

    def supersede_issues(self, results: list[PutResult]) -> None:
        """Open issues on versions a new version replaced are closed as "superseded" (audited):
        the operator's queue holds only what still judges current data."""
        # Version 1 too: a day first reported absent (C2 on version 0) and now received.
        replaced = {
            _key(day): result.version for (day, _), result in zip(self.puts, results, strict=True)
        }
        if not replaced:
            return
        at = max(self.received_at(day) for day, _ in self.puts)
        for key, stored in self.uow.issues.for_days(replaced).items():
            for old in stored:
                issue = old.issue
                if issue.status is not IssueStatus.OPEN:
                    continue
                if issue.channel_day_version >= replaced[key]:
                    continue
                note = f"version {replaced[key]} replaced version {issue.channel_day_version}"
                self.uow.issues.resolve(old.id, IssueStatus.RESOLVED, Resolution.SUPERSEDED, note)
                self.uow.audit.record(
                    old.id, "supersede", "pipeline", note, at, IssueStatus.OPEN,
                    IssueStatus.RESOLVED, {"version": replaced[key]},
                )  # fmt: skip

    def estimate(self) -> int:
        """Fill short gaps at once: every stored version with a C2 (missing data) issue is passed to
        the estimation service, which makes the next version (quality E, method, reason — a known
        outage as the reason where one was reported) and resolves the issue as "estimated" when it
        can fill every missing interval; otherwise the issue stays open for an operator. Negative
        values (C4) and spikes (C10) are never estimated automatically: they may be real, an
        operator decides (``meter2cash exceptions resolve``). Returns the versions curated."""
        if self.findings is None:
            return 0
        keys = [
            _key(day)
            for (day, _), estimable in zip(self.puts, self.findings.estimable, strict=True)
            if estimable
        ]
        if not keys:
            return 0
        reasons = {_key(self.puts[row][0]): text for row, text in self.findings.outages.items()}
        as_of = max(self.received_at(day) for day, _ in self.puts)
        outcomes = estimate_stored_days(
            self.uow, keys, reason=None, as_of=as_of, outage_reason=reasons.get, rules=("C2",)
        )
        entries = []
        for outcome in outcomes:
            if outcome.put is None or outcome.channel_day is None:
                continue
            day = outcome.channel_day
            curated = self.curated_event(
                day, outcome.put.version, outcome.put.id, outcome.billable, estimated=True
            )
            key = stable_key("curated", outcome.put.id)
            entries.append(entry(CURATED, day.supply_point_id, curated, key))
        self.uow.log.append_many(entries)
        return len(entries)

    def curated_event(
        self, day: ChannelDay, version: int, channel_day_id: int, billable: bool,
        estimated: bool = False,
    ) -> ConsumptionCurated:  # fmt: skip
        """The curated event, enriched with the supply point context in force on the day."""
        context = (
            self.reference.channel_context(day.supply_point_id, day.channel, day.read_on)
            if self.reference is not None
            else None
        )
        regime = context.settlement_regime if context is not None else None
        patterns = (
            tuple(
                dict.fromkeys(
                    r.time_pattern for r in context.registers
                    if r.time_pattern and r.channel in (None, day.channel)
                )
            )
            if context is not None
            else ()
        )  # fmt: skip
        return ConsumptionCurated(
            day.supply_point_id,
            day.channel,
            day.read_on,
            version,
            channel_day_id,
            billable,
            market=day.market,
            settlement_regime=str(regime) if regime is not None else None,
            configuration_version=context.configuration_version if context is not None else None,
            time_patterns=patterns,
            estimated=estimated,
        )


class ReferenceLike(ContextSource, RegimeSource, TimelineSource, Protocol):
    """Reference data as the stage reads it (``service.reference.ReferenceView``)."""


#: Metering reports kept per supply point (``meter_events``) rather than as read versions.
METER_REPORTS = (ClockSynchronised, CommunicationsStatusReported, MeterConfigurationChanged)


def _received(uow: UnitOfWork, file_id: str) -> datetime:
    known = uow.files.get(file_id)
    return known.received_at if known else datetime.now(UTC)


def _same_delivery(a: ChannelDay, b: ChannelDay) -> bool:
    """One delivery is one file *member*: the members of a ZIP share the archive's file id but are
    separate deliveries (a later member may legitimately correct an earlier one), so C3 compares the
    segment too."""
    return a.source.file_id == b.source.file_id and a.source.segment == b.source.segment


def _key(day: ChannelDay) -> DayKey:
    return (day.supply_point_id, day.channel, day.read_on)


def run_interpret(
    uow_factory: UnitOfWorkFactory,
    batch: int = BATCH,
    config: InterpretConfig | None = None,
    reference: Callable[[UnitOfWork, set[str]], ReferenceLike | None] | None = None,
    on_configuration: Callable[[UnitOfWork, set[str], datetime], None] | None = None,
) -> int:
    """Drain the raw stream; return how many channel-day versions were curated.

    ``reference`` loads the reference data of a batch's supply points (``None``: configuration
    unknown; the rules that need it skip). ``on_configuration(uow, supply_points, received_at)``
    applies meter-configuration events (stored first) to the reference data, in the batch's
    transaction. Register reads and irregular intervals are stored,
    versioned, for the register and estimation rules to use; they are not billed yet.
    """
    config = config or InterpretConfig()
    curated = 0
    while True:
        with uow_factory() as uow:
            after = uow.log.committed(CONSUMER, RAW)
            records = uow.log.read(RAW, after, batch)
            if not records:
                return curated
            events = [codec.event_from_payload(r.event_type, r.payload) for r in records]
            days = [e.channel_day for e in events if isinstance(e, ReadsReceived)]
            # Metering reports first: the batch's days are judged against them. Configuration
            # events change the timeline (and re-judge stored history) before the view is read.
            reports = [e for e in events if isinstance(e, METER_REPORTS)]
            uow.meter_events.add_many(reports)
            configured = [e for e in reports if isinstance(e, MeterConfigurationChanged)]
            if configured and on_configuration is not None:
                at = max(_received(uow, e.source.file_id) for e in configured)
                on_configuration(uow, {e.supply_point_id for e in configured}, at)
            points = {d.supply_point_id for d in days} | {
                e.read.supply_point_id for e in events if isinstance(e, RegisterReadReceived)
            }
            view = reference(uow, points) if reference else None
            work = _Batch(uow, days, config, view)
            new_reads: list[tuple[RegisterRead, int]] = []
            for event in events:
                if isinstance(event, ReadsReceived):
                    work.add(event.channel_day)
                elif isinstance(event, RegisterReadReceived):
                    result = uow.register_reads.put(event.read)
                    if result.outcome != "unchanged":
                        new_reads.append((event.read, result.version))
                elif isinstance(event, IntervalReadReceived):
                    uow.interval_reads.put(event.read)
            curated += work.flush()
            if new_reads:
                as_of = max(work.received_at_file(r.source.file_id) for r, _ in new_reads)
                for issue in validate_register_reads(uow, new_reads, config.params, view, as_of):
                    uow.issues.add(issue)
            uow.log.commit(CONSUMER, RAW, records[-1].offset)
            uow.commit()
