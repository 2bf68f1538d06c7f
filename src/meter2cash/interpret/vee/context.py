"""What the interval rules know about each row besides its values: configuration, as columns.

:class:`IntervalContext` mirrors the configuration facts of ``domain/channel_context.py``'s
``ChannelContext`` (expected interval length, direction, unit, energisation, meters in force, the
part of the day a meter carrying the channel is installed), one column per fact and one row per
batch row. The rules take plain arrays, so they do not depend on how the context was computed;
:meth:`IntervalContext.from_channel_contexts` fills the columns from anything shaped like a
``ChannelContext`` (a structural :class:`ChannelContextLike`, not an import).

Unknown is a value: ``-1`` in the tri-state columns, ``0`` minutes, ``None`` for words, ``()`` for
sets. A rule that needs a fact skips rows where it is unknown, except C2 (missing data is flagged
unless the channel is known to be unconfigured or de-energised: billing must not under-charge
silently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import Protocol

import numpy as np

from meter2cash.interpret.vee.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjectArray,
    object_array,
)
from meter2cash.interpret.vee.batch import ChannelDayBatch

UNKNOWN = -1


class _RegisterLike(Protocol):
    @property
    def channel(self) -> str | None: ...


class ChannelContextLike(Protocol):
    """The parts of ``domain.channel_context.ChannelContext`` the rules read."""

    @property
    def configured(self) -> bool: ...
    @property
    def expected_interval_minutes(self) -> int | None: ...
    @property
    def direction(self) -> object | None: ...
    @property
    def unit(self) -> object | None: ...
    @property
    def energised(self) -> bool | None: ...
    @property
    def meter_serials(self) -> tuple[str, ...]: ...
    @property
    def registers(self) -> Sequence[_RegisterLike]: ...
    def expected_mask(self) -> tuple[bool, ...]: ...


class ClockSyncLike(Protocol):
    """The parts of ``domain.events.ClockSynchronised`` C12 reads."""

    @property
    def supply_point_id(self) -> str: ...
    @property
    def meter_serial(self) -> str: ...
    @property
    def synchronised_at(self) -> datetime: ...
    @property
    def offset_seconds(self) -> Decimal: ...


@dataclass(frozen=True, eq=False)
class IntervalContext:
    """Per-row configuration columns (see the module docstring for "unknown")."""

    configured: IntArray  # 1 channel in the configuration on the day, 0 not, -1 unknown
    expected_interval_minutes: IntArray  # 0 unknown
    direction: ObjectArray  # configured direction (str) or None
    unit: ObjectArray  # configured unit (str) or None
    energised: IntArray  # 1 energised at some instant of the day, 0 de-energised all day, -1
    expected: BoolArray  # (rows, width): slot inside a configured span (data due)
    meter_serials: ObjectArray  # tuple[str, ...] of meters in force on the day; () unknown
    siblings: ObjectArray  # tuple[str, ...] channels of the device due on the day; () unknown
    zero_exempt: BoolArray  # C7 exemption: seasonal TPR, vacant, remotely disabled
    usage_exempt: BoolArray  # "irregular usage customers" (CA-VEE 3.8): no C9/C10
    clock_offset_s: FloatArray  # largest |meter - true time| seen in the day; NaN none (C12)

    def __post_init__(self) -> None:
        n = len(self.configured)
        for f in fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(f"context column {f.name} does not have {n} rows")

    def __len__(self) -> int:
        return len(self.configured)

    @classmethod
    def unknown(cls, batch: ChannelDayBatch) -> IntervalContext:
        """Nothing known about configuration: only configuration-free rules can judge."""
        n = len(batch)
        return cls(
            configured=np.full(n, UNKNOWN, dtype=np.int64),
            expected_interval_minutes=np.zeros(n, dtype=np.int64),
            direction=object_array([None] * n),
            unit=object_array([None] * n),
            energised=np.full(n, UNKNOWN, dtype=np.int64),
            expected=batch.slots,
            meter_serials=object_array([()] * n),
            siblings=object_array([()] * n),
            zero_exempt=np.zeros(n, dtype=bool),
            usage_exempt=np.zeros(n, dtype=bool),
            clock_offset_s=np.full(n, np.nan),
        )

    def take(self, rows: IntArray | BoolArray) -> IntervalContext:
        return IntervalContext(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    @classmethod
    def from_channel_contexts(
        cls, batch: ChannelDayBatch, contexts: Sequence[ChannelContextLike]
    ) -> IntervalContext:
        """One context per batch row (same order). Per-row Python: a context is an object.

        ``siblings`` are the channels the day's registers map to (every register of every meter
        in force names its channel, if any). ``expected`` is the context's mask where it has the
        row's length, else the row's delivered slots (C19 reports the length mismatch).
        """
        if len(contexts) != len(batch):
            raise ValueError("one context per batch row")
        expected = batch.slots.copy()
        for row, context in enumerate(contexts):
            mask = context.expected_mask()
            if len(mask) == batch.n_intervals[row]:
                expected[row, : len(mask)] = mask
        base = cls.unknown(batch)
        return replace(
            base,
            configured=np.array([int(c.configured) for c in contexts], dtype=np.int64),
            expected_interval_minutes=np.array(
                [c.expected_interval_minutes or 0 for c in contexts], dtype=np.int64
            ),
            direction=object_array([_text(c.direction) for c in contexts]),
            unit=object_array([_text(c.unit) for c in contexts]),
            energised=np.array([_tri(c.energised) for c in contexts], dtype=np.int64),
            expected=expected,
            meter_serials=object_array([tuple(c.meter_serials) for c in contexts]),
            siblings=object_array(
                [
                    tuple(dict.fromkeys(r.channel for r in c.registers if r.channel))
                    for c in contexts
                ]
            ),
        )


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _tri(value: bool | None) -> int:
    return UNKNOWN if value is None else int(value)


def clock_offsets(batch: ChannelDayBatch, syncs: Sequence[ClockSyncLike]) -> FloatArray:
    """Per row, the largest |offset| (seconds) of the clock syncs of its supply point (and meter,
    where the row names one) that fall within its local day; NaN where none. Feeds C12.

    One Python step per sync (a meter is synchronised a few times a day at most); the rows of a
    supply point are found with one dictionary lookup.
    """
    out = np.full(len(batch), np.nan)
    by_supply_point: dict[str, list[int]] = {}
    for row, supply_point_id in enumerate(batch.supply_point_id.tolist()):
        by_supply_point.setdefault(supply_point_id, []).append(row)
    day_end_s = batch.day_start_s + batch.day_intervals * batch.interval_minutes * 60
    for sync in syncs:
        rows = np.array(by_supply_point.get(sync.supply_point_id, ()), dtype=np.int64)
        if not len(rows):
            continue
        at_s = sync.synchronised_at.timestamp()
        serials = batch.meter_serial[rows]
        hit = rows[
            (batch.day_start_s[rows] <= at_s)
            & (at_s < day_end_s[rows])
            & np.array([s is None or s == sync.meter_serial for s in serials], dtype=bool)
        ]
        offset = abs(float(sync.offset_seconds))
        out[hit] = np.fmax(out[hit], offset)
    return out
