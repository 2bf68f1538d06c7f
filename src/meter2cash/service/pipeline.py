"""The whole chain in one process: ingest -> interpret -> determine -> rate.

Each stage is a consumer of the previous stage's stream with its own committed offset, exactly as the
workers of a scaled-out deployment will be; here they simply run one after the other until every
stream is drained. Running it again over the same input finds nothing new and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from meter2cash.domain.billing import FlatTariff
from meter2cash.ingest.sources import Parser
from meter2cash.ports import RawArchive, UnitOfWork, UnitOfWorkFactory
from meter2cash.service.configuration_events import apply_configuration_events
from meter2cash.service.determine import run_determine
from meter2cash.service.ingest import FileOutcome, expand_paths, ingest_file
from meter2cash.service.interpret import InterpretConfig, run_interpret
from meter2cash.service.rate import run_rate
from meter2cash.service.reference import ReferenceLoadReport, load_reference
from meter2cash.service.reference_view import ReferenceView
from meter2cash.service.reinterpret import ReinterpretReport, reinterpret, reinterpret_in


@dataclass
class RunReport:
    files: list[FileOutcome] = field(default_factory=list)
    curated: int = 0
    months_recomputed: int = 0
    bills_issued: int = 0
    unrated: list[str] = field(default_factory=list)

    @property
    def new_files(self) -> list[FileOutcome]:
        """Files parsed in this run: first seen, or re-parsed on request (``--reprocess``)."""
        return [f for f in self.files if f.status != "skipped"]

    @property
    def did_work(self) -> bool:
        return bool(self.new_files or self.curated or self.months_recomputed or self.bills_issued)


def process_pending(
    uow_factory: UnitOfWorkFactory, tariffs: dict[str, FlatTariff], report: RunReport
) -> RunReport:
    """Drain every stage's input stream (safe to call at any time, any number of times)."""
    # Each interpret batch reads its supply points' reference data once (none stored: unknown).
    report.curated += run_interpret(
        uow_factory, reference=ReferenceView.load, on_configuration=apply_configuration
    )
    report.months_recomputed += run_determine(uow_factory)
    report.bills_issued += run_rate(uow_factory, tariffs, report.unrated)
    return report


def apply_configuration(uow: UnitOfWork, supply_point_ids: set[str], at: datetime) -> None:
    """Meter-configuration events -> reference versions -> stored history judged again; events
    that cannot form a timeline are stored as rejections naming their file and line."""
    requests, rejections = apply_configuration_events(uow, supply_point_ids, at)
    uow.rejections.add(rejections)
    reinterpret_in(uow, requests, at, ReferenceView.load, InterpretConfig(), ReinterpretReport())


def run_chain(
    paths: Iterable[Path],
    uow_factory: UnitOfWorkFactory,
    archive: RawArchive,
    tariffs: dict[str, FlatTariff],
    received_at: datetime,
    fmt: str = "auto",
    parser: Parser | None = None,
    reprocess: bool = False,
) -> RunReport:
    report = RunReport()
    for path in expand_paths(paths):
        report.files.append(
            ingest_file(path, uow_factory, archive, received_at, fmt, parser, reprocess)
        )
    return process_pending(uow_factory, tariffs, report)


def load_reference_data(
    paths: Iterable[Path], uow_factory: UnitOfWorkFactory, at: datetime
) -> tuple[ReferenceLoadReport, ReinterpretReport]:
    """Load reference files and re-judge the stored history their changes touch, so every read
    stays interpreted against the configuration now known to have been in force at its instant."""
    loaded = load_reference(paths, uow_factory, at)
    again = reinterpret(uow_factory, loaded.reinterpret, at, ReferenceView.load)
    return loaded, again
