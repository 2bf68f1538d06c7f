"""What a synthetic run is made of, and the interface each output format implements."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Protocol

from meter2cash.domain.reads import Direction
from meter2cash.synth.calendar import DaySlot
from meter2cash.synth.defects import DayFlags
from meter2cash.synth.ids import SupplyPointIds


@dataclass(frozen=True, slots=True)
class Channel:
    #: As the manifest names it: the NEM12 NMI suffix ("E1", "B1") or "AI"/"AE" in m2c-jsonl.
    code: str
    direction: Direction


@dataclass(frozen=True, slots=True)
class SupplyPoint:
    index: int
    id: str
    meter_serial: str
    channels: tuple[Channel, ...]


class RecordFormat(Protocol):
    """Renders a run as lines of one file format; every line is returned without its newline."""

    name: str
    zone: str
    extension: str

    def supply_point_id(self, ids: SupplyPointIds, index: int) -> str: ...

    def channels(self, *, with_export: bool) -> tuple[Channel, ...]: ...

    def file_header(self, *, corrections: bool) -> list[bytes]: ...

    def channel_header(self, supply_point: SupplyPoint, channel: Channel) -> list[bytes]: ...

    def record(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        flags: DayFlags,
        *,
        corrected: bool = False,
    ) -> bytes: ...

    def gap_record(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        first: int,
        last: int,
    ) -> list[bytes]:
        """The day's record with no value for intervals ``first..last`` (the meter could not be
        read: quality NULL), then any records carrying per-interval quality."""
        ...

    def malformed(
        self,
        supply_point: SupplyPoint,
        channel: Channel,
        slot: DaySlot,
        values: list[int],
        rng: random.Random,
    ) -> tuple[bytes, int | None, dict[str, Any]]:
        """A record a parser must reject: (line, the interval concerned if any, detail)."""
        ...

    def file_footer(self) -> list[bytes]: ...


def file_name(fmt: RecordFormat, number: int, *, corrections: bool) -> str:
    """Fixed-width numbering: names sort in writing order, corrections after the originals."""
    return f"{fmt.name}-{number:05d}{'-corrections' if corrections else ''}{fmt.extension}"
