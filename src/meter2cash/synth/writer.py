"""Streams lines to a file, counting them and hashing the bytes: never a whole file in memory."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

_BUFFER_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    name: str  # relative to the output directory
    path: Path
    role: str  # "original" or "corrections"
    lines: int
    records: int  # channel-day records (NEM12 300 records / JSON lines), malformed ones included
    values: int  # interval values in well-formed records
    bytes: int
    sha256: str

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "role": self.role,
            "lines": self.lines,
            "records": self.records,
            "values": self.values,
            "bytes": self.bytes,
            "sha256": self.sha256,
        }


class LineWriter:
    def __init__(self, path: Path, role: str) -> None:
        self.path = path
        self.role = role
        self.lines = 0
        self.records = 0
        self.values = 0
        self._bytes = 0
        self._hash = hashlib.sha256()
        self._file = path.open("xb", buffering=_BUFFER_BYTES)

    def write(self, line: bytes) -> int:
        """Write one line (newline added) and return its 1-based line number."""
        data = line + b"\n"
        self._file.write(data)
        self._hash.update(data)
        self._bytes += len(data)
        self.lines += 1
        return self.lines

    def write_record(self, line: bytes, values: int) -> int:
        self.records += 1
        self.values += values
        return self.write(line)

    def close(self) -> GeneratedFile:
        self._file.close()
        return GeneratedFile(
            name=self.path.name,
            path=self.path,
            role=self.role,
            lines=self.lines,
            records=self.records,
            values=self.values,
            bytes=self._bytes,
            sha256=self._hash.hexdigest(),
        )

    def __enter__(self) -> LineWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._file.closed:
            self._file.close()
