"""The columnar batch the interval rules run over: one row per channel-day version.

The store's shape (DESIGN: one row per supply point, channel, day, version) becomes arrays: the
day's values as a 2-D ``int64`` matrix of micro-units (exact, ``domain/quantity.py``) with a
``present`` mask, and qualities as ``uint8`` character codes. Days are ragged (46/48/50 half-hours
on UK clock-change days; 288 five-minute intervals in the NEM): every row is padded to the widest
and the padding is never present (``n_intervals`` says how many slots the row delivered).

Row order is delivery order: C3 keeps the *first* of conflicting duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import numpy.typing as npt

from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import ChannelDay, Direction, Quality, SourceRef
from meter2cash.domain.time import intervals_in_day, local_day, zone_named
from meter2cash.interpret.vee.arrays import BoolArray, IntArray, ObjectArray, object_array

#: Quality characters as stored in :attr:`ChannelDayBatch.quality` (0 = padding).
QUALITY_CODES = {q: ord(q.value) for q in Quality}
NOT_ACTUAL = np.array(
    [ord(q.value) for q in (Quality.ESTIMATED, Quality.SUBSTITUTED, Quality.FINAL, Quality.DEEMED)],
    dtype=np.uint8,
)
UNUSABLE = np.array([ord(Quality.NULL.value), ord(Quality.MISSING.value)], dtype=np.uint8)

#: Placeholder source of a row for a channel-day that was never received (C2 on absent days).
NOT_RECEIVED = SourceRef(file_id="", line=0, segment="not received")


@dataclass(frozen=True, slots=True)
class ExpectedDay:
    """A channel-day the configuration says is due (to add absent days as all-missing rows)."""

    supply_point_id: str
    market: str
    channel: str
    read_on: date
    zone: str
    interval_minutes: int
    direction: Direction
    unit: str


@dataclass(frozen=True, eq=False)
class ChannelDayBatch:
    """Columns of channel-days; 1-D columns have one entry per row, 2-D ones ``(rows, width)``."""

    supply_point_id: ObjectArray
    market: ObjectArray
    channel: ObjectArray
    direction: ObjectArray  # Direction values as str
    unit: ObjectArray
    zone: ObjectArray
    read_on: npt.NDArray[np.datetime64]  # datetime64[D], the local day
    day_start_s: IntArray  # UTC epoch seconds of local midnight starting the day
    interval_minutes: IntArray
    n_intervals: IntArray  # slots delivered
    day_intervals: IntArray  # slots the local day holds at interval_minutes (C1)
    values: IntArray  # (rows, width) micro-units, 0 where not present
    present: BoolArray  # (rows, width)
    quality: npt.NDArray[np.uint8]  # (rows, width) ord(Quality), 0 = padding
    version: IntArray
    delivery: ObjectArray  # what "one delivery" means for C3: by default the file id
    meter_serial: ObjectArray  # str | None
    source: ObjectArray  # SourceRef

    def __post_init__(self) -> None:
        n = len(self.supply_point_id)
        for f in fields(self):
            column = getattr(self, f.name)
            if len(column) != n:
                raise ValueError(f"column {f.name} has {len(column)} rows, expected {n}")
        if not (self.values.shape == self.present.shape == self.quality.shape):
            raise ValueError("values, present and quality must have the same shape")
        if self.values.ndim != 2:
            raise ValueError("values must be a (rows, width) matrix")

    def __len__(self) -> int:
        return len(self.supply_point_id)

    @property
    def width(self) -> int:
        return int(self.values.shape[1])

    @property
    def slots(self) -> BoolArray:
        """(rows, width): the row's delivered slots (False in the padding)."""
        return np.arange(self.width)[None, :] < self.n_intervals[:, None]

    def interval_starts_s(self) -> IntArray:
        """(rows, width): UTC epoch seconds at which each slot starts (elapsed from midnight,
        so correct across a clock change)."""
        step = self.interval_minutes[:, None] * 60
        return self.day_start_s[:, None] + np.arange(self.width)[None, :] * step

    def take(self, rows: IntArray | BoolArray) -> ChannelDayBatch:
        return ChannelDayBatch(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    @classmethod
    def concat(cls, batches: Sequence[ChannelDayBatch]) -> ChannelDayBatch:
        """Rows of every batch in order; 2-D columns padded to the widest."""
        if not batches:
            raise ValueError("concat needs at least one batch")
        width = max(b.width for b in batches)
        columns = {}
        for f in fields(cls):
            parts = [getattr(b, f.name) for b in batches]
            if parts[0].ndim == 2:
                parts = [np.pad(p, ((0, 0), (0, width - p.shape[1]))) for p in parts]
            columns[f.name] = np.concatenate(parts)
        return cls(**columns)

    @classmethod
    def from_days(
        cls,
        days: Sequence[ChannelDay],
        versions: Sequence[int],
        deliveries: Sequence[str] | None = None,
    ) -> ChannelDayBatch:
        """Build from canonical channel-days (one row each, in the given order).

        A per-day Python loop is unavoidable here (each ``Decimal`` becomes micro-units exactly via
        :func:`~meter2cash.domain.quantity.to_micro`); the rules themselves loop over no interval.
        ``deliveries`` defaults to each day's source file id.
        """
        if len(versions) != len(days):
            raise ValueError("one version per channel-day")
        values, present, quality = pack(
            [[None if v is None else to_micro(v) for v in d.values] for d in days],
            ["".join(d.qualities) for d in days],
        )
        return cls(
            supply_point_id=object_array([d.supply_point_id for d in days]),
            market=object_array([d.market for d in days]),
            channel=object_array([d.channel for d in days]),
            direction=object_array([str(d.direction) for d in days]),
            unit=object_array([str(d.unit) for d in days]),
            zone=object_array([d.zone for d in days]),
            read_on=np.array([d.read_on for d in days], dtype="datetime64[D]"),
            day_start_s=np.array([day_start_s(d.read_on, d.zone) for d in days], dtype=np.int64),
            interval_minutes=np.array([d.interval_minutes for d in days], dtype=np.int64),
            n_intervals=np.array([len(d.values) for d in days], dtype=np.int64),
            day_intervals=np.array([d.expected_intervals for d in days], dtype=np.int64),
            values=values,
            present=present,
            quality=quality,
            version=np.asarray(versions, dtype=np.int64),
            delivery=object_array(
                list(deliveries) if deliveries is not None else [d.source.file_id for d in days]
            ),
            meter_serial=object_array([d.meter_serial for d in days]),
            source=object_array([d.source for d in days]),
        )

    @classmethod
    def absent(cls, expected: Sequence[ExpectedDay]) -> ChannelDayBatch:
        """All-missing rows (version 0, source :data:`NOT_RECEIVED`) for days never received,
        so that C2 reports a wholly absent channel-day like any other gap."""
        n = len(expected)
        counts = [
            intervals_in_day(e.read_on, zone_named(e.zone), e.interval_minutes) for e in expected
        ]
        width = max(counts, default=0)
        return cls(
            supply_point_id=object_array([e.supply_point_id for e in expected]),
            market=object_array([e.market for e in expected]),
            channel=object_array([e.channel for e in expected]),
            direction=object_array([str(e.direction) for e in expected]),
            unit=object_array([e.unit for e in expected]),
            zone=object_array([e.zone for e in expected]),
            read_on=np.array([e.read_on for e in expected], dtype="datetime64[D]"),
            day_start_s=np.array([day_start_s(e.read_on, e.zone) for e in expected], np.int64),
            interval_minutes=np.array([e.interval_minutes for e in expected], dtype=np.int64),
            n_intervals=np.array(counts, dtype=np.int64),
            day_intervals=np.array(counts, dtype=np.int64),
            values=np.zeros((n, width), dtype=np.int64),
            present=np.zeros((n, width), dtype=bool),
            quality=np.where(
                np.arange(width)[None, :] < np.array(counts, dtype=np.int64)[:, None],
                QUALITY_CODES[Quality.MISSING],
                0,
            ).astype(np.uint8),
            version=np.zeros(n, dtype=np.int64),
            delivery=object_array([None] * n),
            meter_serial=object_array([None] * n),
            source=object_array([NOT_RECEIVED] * n),
        )

    def keys(self) -> ObjectArray:
        """``supply point | channel | day`` per row (for joins and absent-day detection)."""
        days = self.read_on.astype(str)
        return object_array(
            [
                f"{s}|{c}|{d}"
                for s, c, d in zip(self.supply_point_id, self.channel, days, strict=True)
            ]
        )


def pack(
    rows: Sequence[Sequence[int | None]], qualities: Sequence[str]
) -> tuple[IntArray, BoolArray, npt.NDArray[np.uint8]]:
    """Ragged rows of micro-units (``None`` = no value) and quality strings (one character per
    value, as the store keeps them) -> padded ``values``, ``present`` and ``quality`` matrices.

    What a store-backed builder needs: it skips ``Decimal`` entirely. One Python step per row.
    """
    if len(rows) != len(qualities):
        raise ValueError("one quality string per row")
    width = max((len(r) for r in rows), default=0)
    values = np.zeros((len(rows), width), dtype=np.int64)
    present = np.zeros((len(rows), width), dtype=bool)
    quality = np.zeros((len(rows), width), dtype=np.uint8)
    for row, (items, flags) in enumerate(zip(rows, qualities, strict=True)):
        k = len(items)
        if len(flags) != k:
            raise ValueError(f"row {row}: {k} values but {len(flags)} quality flags")
        values[row, :k] = [0 if v is None else v for v in items]
        present[row, :k] = [v is not None for v in items]
        quality[row, :k] = np.frombuffer(flags.encode("ascii"), np.uint8)
    return values, present, quality


_DAY_START_CACHE: dict[tuple[date, str], int] = {}


def day_start_s(read_on: date, zone: str) -> int:
    """UTC epoch seconds of local midnight (cached: few distinct days x zones per batch)."""
    key = (read_on, zone)
    cached = _DAY_START_CACHE.get(key)
    if cached is None:
        cached = int(local_day(read_on, zone_named(zone)).start.timestamp())
        if len(_DAY_START_CACHE) < 1_000_000:
            _DAY_START_CACHE[key] = cached
    return cached


def absent_days(expected: Sequence[ExpectedDay], batch: ChannelDayBatch) -> list[ExpectedDay]:
    """The expected channel-days that have no row in ``batch``."""
    have = set(batch.keys().tolist())
    return [e for e in expected if f"{e.supply_point_id}|{e.channel}|{e.read_on}" not in have]
