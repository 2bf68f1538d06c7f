"""``meter2cash convert``: any supported file -> canonical interval and register records.

A user-facing tool (and what the format contract tests drive): one record per interval or register
read with UTC start/end, supply point, channel, the exact value as a decimal string, unit, quality,
method, reason, the source's own flag, and the source reference. Written as a stream — JSON lines and
CSV row by row, Parquet in row groups — so memory stays bounded by a batch, not by file size.
Intervals a partial day did not deliver (``Quality.MISSING``) are not records and are not written.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from meter2cash.domain.errors import InputError
from meter2cash.domain.events import (
    ClockSynchronised,
    CommunicationsStatusReported,
    MeterConfigurationChanged,
)
from meter2cash.domain.reads import ChannelDay, IntervalRead, Quality, RegisterRead, Rejection
from meter2cash.ingest.sources import Parser, parse_file

COLUMNS = (
    "kind", "supply_point_id", "channel", "meter_serial", "start", "end", "value", "unit",
    "source_unit", "quality", "method", "reason", "source_flag", "file", "line", "segment",
)  # fmt: skip
OUTPUTS = ("jsonl", "csv", "parquet")
_ROW_GROUP = 65_536


@dataclass
class ConvertReport:
    records: int = 0
    rejections: list[Rejection] = field(default_factory=list)


def _utc(instant: Any) -> str:
    return str(instant.isoformat().replace("+00:00", "Z"))


def _interval_row(read: IntervalRead, file_name: str, serial: str | None, unit_in: str,
                  flag: str | None) -> dict[str, Any]:  # fmt: skip
    return {
        "kind": "interval", "supply_point_id": read.supply_point_id, "channel": read.channel,
        "meter_serial": serial, "start": _utc(read.interval.start), "end": _utc(read.interval.end),
        "value": None if read.energy is None else format(read.energy, "f"), "unit": str(read.unit),
        "source_unit": unit_in, "quality": str(read.quality), "method": read.method,
        "reason": read.reason, "source_flag": flag, "file": file_name, "line": read.source.line,
        "segment": read.source.segment,
    }  # fmt: skip


def records(
    item: ChannelDay | IntervalRead | RegisterRead, file_name: str
) -> Iterator[dict[str, Any]]:
    """The canonical records of one parsed item."""
    if isinstance(item, ChannelDay):
        flags = item.source_flags or (None,) * len(item.values)
        for read, flag in zip(item.intervals(), flags, strict=True):
            if read.quality is not Quality.MISSING:
                yield _interval_row(read, file_name, item.meter_serial, item.source_unit, flag)
    elif isinstance(item, IntervalRead):
        yield _interval_row(item, file_name, None, str(item.unit), None)
    else:
        yield {
            "kind": "register", "supply_point_id": item.supply_point_id,
            "channel": item.register_id, "meter_serial": item.meter_serial,
            "start": _utc(item.read_at), "end": _utc(item.read_at), "value": format(item.value, "f"),
            "unit": str(item.unit), "source_unit": str(item.unit), "quality": str(item.quality),
            "method": item.method, "reason": item.reason, "source_flag": item.read_type,
            "file": file_name, "line": item.source.line, "segment": item.source.segment,
        }  # fmt: skip


def file_id_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Writer:
    def __init__(self, kind: str, out: IO[str] | Path) -> None:
        self.kind = kind
        self.out = out
        self.rows: list[dict[str, Any]] = []
        self.parquet: Any = None
        if kind == "csv":
            assert not isinstance(out, Path)
            self.csv = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
            self.csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        if self.kind == "jsonl":
            assert not isinstance(self.out, Path)
            self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif self.kind == "csv":
            self.csv.writerow(row)
        else:
            self.rows.append(row)
            if len(self.rows) >= _ROW_GROUP:
                self.flush()

    def flush(self) -> None:
        if self.kind != "parquet" or not self.rows:
            return
        import pyarrow as pa  # imported here: only Parquet output needs it
        import pyarrow.parquet as pq

        schema = pa.schema([(c, pa.int64() if c == "line" else pa.string()) for c in COLUMNS])
        table = pa.Table.from_pylist(self.rows, schema=schema)
        if self.parquet is None:
            assert isinstance(self.out, Path)
            self.parquet = pq.ParquetWriter(self.out, schema)
        self.parquet.write_table(table)
        self.rows = []

    def close(self) -> None:
        self.flush()
        if self.parquet is not None:
            self.parquet.close()


def convert(
    paths: list[Path], out: IO[str] | Path, to: str = "jsonl", fmt: str = "auto",
    parser: Parser | None = None,
) -> ConvertReport:  # fmt: skip
    """Convert ``paths`` into canonical records written to ``out`` (a text stream, or a path for
    Parquet). Rejections are returned, not written: the caller reports them."""
    if to not in OUTPUTS:
        raise InputError(f"--to must be one of {', '.join(OUTPUTS)}, got {to!r}")
    if to == "parquet" and not isinstance(out, Path):
        raise InputError("Parquet output needs --out FILE")
    report = ConvertReport()
    writer = _Writer(to, out)
    try:
        for path in paths:
            if not path.is_file():
                raise InputError(f"no such file: {path}")
            for item in parse_file(path, file_id_of(path), path.name, fmt, parser):
                if isinstance(item, Rejection):
                    report.rejections.append(item)
                    continue
                if isinstance(
                    item,
                    ClockSynchronised | CommunicationsStatusReported | MeterConfigurationChanged,
                ):
                    continue  # metering events, not consumption records
                for row in records(item, path.name):
                    writer.write(row)
                    report.records += 1
    finally:
        writer.close()
    return report
