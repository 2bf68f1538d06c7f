"""Ingest stage runner: archive each file, parse it, log canonical events and store rejections.

Idempotent at two levels: a file whose bytes were already ingested is skipped (content address), and
every event is appended with a deterministic key, so re-processing a file after a crash mid-way
appends nothing twice. The file is recorded as ingested only after its last batch is committed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from meter2cash.domain.errors import DomainError, InputError
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatusReported,
    IntervalReadReceived,
    MeterConfigurationChanged,
    ReadRejected,
    ReadsReceived,
    RegisterReadReceived,
    meter_event_key,
)
from meter2cash.domain.files import SourceFile
from meter2cash.domain.keys import stable_key
from meter2cash.domain.quantity import check_interval_micro, to_micro
from meter2cash.domain.reads import ChannelDay, IntervalRead, RegisterRead, Rejection
from meter2cash.ingest import ParsedItem
from meter2cash.ingest.sources import Parser, detect_file_format, parse_file
from meter2cash.ports import LogEntry, RawArchive, UnitOfWorkFactory
from meter2cash.service.streams import RAW, REJECTED, entry

BATCH = 2_000


@dataclass
class FileOutcome:
    name: str
    file_id: str
    format: str
    status: str  # "ingested" | "skipped" | "reprocessed"
    records: int = 0
    rejected: int = 0
    duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus every regular file below named directories, in sorted order.

    Hidden files *and* anything inside hidden directories (``.git``, ``.cache``, editor swap
    folders) are left out of a directory walk; a hidden file named directly is still read.
    """
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"no such file or directory: {path}")
    return found


def _batches(items: Iterator[ParsedItem]) -> Iterator[list[ParsedItem]]:
    batch: list[ParsedItem] = []
    for item in items:
        batch.append(item)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    yield batch


def ingest_file(
    path: Path,
    uow_factory: UnitOfWorkFactory,
    archive: RawArchive,
    received_at: datetime,
    fmt: str = "auto",
    parser: Parser | None = None,
    reprocess: bool = False,
) -> FileOutcome:
    """Ingest one file; a file already ingested (same bytes) is skipped unless ``reprocess``.

    ``reprocess`` exists for a file first read with the wrong ``--format`` or mapping: it is parsed
    again and every event is appended with the same deterministic keys, so whatever the first parse
    already logged is absorbed and only what is new (or differently parsed) goes through.
    """
    archived = archive.put_file(path)
    with uow_factory() as uow:
        known = uow.files.get(archived.file_id)
    if known is not None and not reprocess:
        return FileOutcome(path.name, archived.file_id, known.format, "skipped")
    detected = detect_file_format(archived.path, path.name) if fmt == "auto" else fmt
    outcome = FileOutcome(path.name, archived.file_id, detected or "unknown", "ingested")
    items = parse_file(archived.path, archived.file_id, path.name, fmt, parser)
    for batch in _batches(items):
        rejections = [item for item in batch if isinstance(item, Rejection)]
        records = [item for item in batch if not isinstance(item, Rejection)]
        entries = [_rejected_entry(archived.file_id, r) for r in rejections]
        accepted: list[Record] = []
        for record in records:
            # Keyed by content *and* file: an exact repeat inside one file is absorbed here,
            # while the same content in a later file still reaches interpretation (which finds
            # it unchanged, or restores it after an intervening correction).
            try:
                event, content = _event(record, path.name)
            except DomainError as error:  # a value no store can hold: rejected, never stored
                rejection = Rejection(
                    record.source, path.name, "VALUE_OUT_OF_RANGE", str(error), ""
                )
                rejections.append(rejection)
                entries.insert(0, _rejected_entry(archived.file_id, rejection))
                continue
            accepted.append(record)
            key = stable_key(content, archived.file_id)
            entries.append(entry(RAW, record.supply_point_id, event, key))
        records = accepted
        with uow_factory() as uow:
            uow.rejections.add(rejections)
            offsets = uow.log.append_many(entries)
            uow.commit()
        outcome.rejected += len(rejections)
        outcome.rejections.extend(rejections)
        outcome.records += len(records)
        outcome.duplicates += sum(offset is None for offset in offsets[len(rejections) :])
    recorded = SourceFile(
        archived.file_id,
        path.name,
        archived.size,
        outcome.format,
        received_at,
        outcome.records,
        outcome.rejected,
    )
    with uow_factory() as uow:
        if not uow.files.add(recorded):
            uow.files.update(recorded)
            outcome.status = "reprocessed"
        uow.commit()
    return outcome


def _rejected_entry(file_id: str, r: Rejection) -> LogEntry:
    event = ReadRejected(r.source, r.file_name, r.reason_code, r.message)
    return entry(REJECTED, file_id, event, r.idempotency_key)


Record = (
    ChannelDay
    | IntervalRead
    | RegisterRead
    | ClockSynchronised
    | CommunicationsStatusReported
    | MeterConfigurationChanged
)


def _event(item: Record, file_name: str) -> tuple[object, str]:
    if isinstance(
        item, ClockSynchronised | CommunicationsStatusReported | MeterConfigurationChanged
    ):
        return item, meter_event_key(item)
    if isinstance(item, ChannelDay):
        return ReadsReceived(item, file_name), item.content_key
    if isinstance(item, IntervalRead):
        if item.energy is not None:
            check_interval_micro([to_micro(item.energy)])
        return IntervalReadReceived(item, file_name), item.idempotency_key
    to_micro(item.value)
    return RegisterReadReceived(item, file_name), item.idempotency_key


def rejection_reasons(outcomes: Iterable[FileOutcome]) -> Counter[str]:
    return Counter(r.reason_code for o in outcomes for r in o.rejections)
