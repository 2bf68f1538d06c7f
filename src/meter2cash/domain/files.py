"""Received files: content-addressed, so the same bytes received twice are recorded once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file as received. ``file_id`` is the SHA-256 of its bytes (the raw archive's address)."""

    file_id: str
    name: str
    size: int
    format: str
    received_at: datetime
    records: int = 0
    rejected: int = 0
