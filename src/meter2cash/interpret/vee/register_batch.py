"""Register reads as columns, the configuration in force at each read, and the register issue.

Register reads are first-class and separate from interval data (DESIGN): their rules run over read
*sequences* per (supply point, meter, register). :class:`RegisterReadBatch` holds one row per read
version; :class:`RegisterContext` one row per read with the configuration in force at its instant
(digits, multiplier, install/removal, serial, TPR set — the fields of the domain's
``RegisterContext``/``ChannelContext``), plus the expected advance C8 needs (EAC x sum of profile
coefficients over the read period, computed by the caller: market-rules §3.4 [M]).

``ValidationIssue`` is keyed by channel-day and interval range, which a register read has not, so
register findings are :class:`RegisterIssue` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from meter2cash.domain.keys import stable_key
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import Quality, RegisterRead, SourceRef
from meter2cash.domain.validation import IssueStatus, Severity
from meter2cash.interpret.vee.arrays import (
    BoolArray,
    FloatArray,
    IntArray,
    ObjectArray,
    object_array,
)

UNKNOWN = -1
NO_INSTANT = np.iinfo(np.int64).min  # install instant unknown
NEVER = np.iinfo(np.int64).max  # not removed


@dataclass(frozen=True, eq=False)
class RegisterReadBatch:
    """One row per register read version; values in micro-units of the register's unit."""

    supply_point_id: ObjectArray
    market: ObjectArray
    meter_serial: ObjectArray
    register_id: ObjectArray
    read_at_s: IntArray  # UTC epoch seconds
    value: IntArray  # the dial reading, micro-units (before any multiplier)
    integer_digits: IntArray  # digits of the integer part as read (C16)
    decimals: IntArray  # decimal places as read (C16)
    quality: IntArray  # ord(Quality)
    read_type: ObjectArray  # str | None (DTC reading type: D deemed, F final, I initial ...)
    time_pattern: ObjectArray  # TPR stated on the read, or None (C13)
    applied_multiplier: IntArray  # micro-units; 0 = the source states none (C17)
    unit: ObjectArray
    version: IntArray
    source: ObjectArray  # SourceRef

    def __post_init__(self) -> None:
        n = len(self.supply_point_id)
        for f in fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(f"register column {f.name} does not have {n} rows")

    def __len__(self) -> int:
        return len(self.supply_point_id)

    @property
    def deemed(self) -> BoolArray:
        """Deemed reads (quality D or DTC reading type D, market-rules §3.5)."""
        by_type = np.array([t == "D" for t in self.read_type.tolist()], dtype=bool)
        deemed: BoolArray = (self.quality == ord(Quality.DEEMED.value)) | by_type
        return deemed

    @classmethod
    def from_reads(
        cls,
        reads: Sequence[RegisterRead],
        versions: Sequence[int],
        market: str | Sequence[str],
        *,
        time_patterns: Sequence[str | None] | None = None,
        applied_multipliers: Sequence[Decimal | None] | None = None,
    ) -> RegisterReadBatch:
        """Build from canonical reads (one Python step per read, to read each ``Decimal``)."""
        n = len(reads)
        markets = [market] * n if isinstance(market, str) else list(market)
        multipliers = applied_multipliers or [None] * n
        return cls(
            supply_point_id=object_array([r.supply_point_id for r in reads]),
            market=object_array(markets),
            meter_serial=object_array([r.meter_serial for r in reads]),
            register_id=object_array([r.register_id for r in reads]),
            read_at_s=np.array([int(r.read_at.timestamp()) for r in reads], dtype=np.int64),
            value=np.array([to_micro(r.value) for r in reads], dtype=np.int64),
            integer_digits=np.array([_integer_digits(r.value) for r in reads], dtype=np.int64),
            decimals=np.array([_decimals(r.value) for r in reads], dtype=np.int64),
            quality=np.array([ord(r.quality.value) for r in reads], dtype=np.int64),
            read_type=object_array([r.read_type for r in reads]),
            time_pattern=object_array(list(time_patterns or [None] * n)),
            applied_multiplier=np.array(
                [0 if m is None else to_micro(m) for m in multipliers], dtype=np.int64
            ),
            unit=object_array([str(r.unit) for r in reads]),
            version=np.asarray(versions, dtype=np.int64),
            source=object_array([r.source for r in reads]),
        )


def _integer_digits(value: Decimal) -> int:
    return len(str(int(abs(value))))


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True, eq=False)
class RegisterContext:
    """Per read: the configuration in force at its instant (unknowns as in ``IntervalContext``)."""

    configured: IntArray  # 1 register in the configuration at the read, 0 not, -1 unknown
    digits: IntArray  # configured register digits, 0 unknown (C6, C16) — never inferred
    decimals: IntArray  # configured decimal places, -1 unknown (C16)
    multiplier: IntArray  # configured multiplier (CT/VT x register) in micro-units, 0 unknown
    time_patterns: ObjectArray  # tuple[str, ...] of TPRs configured for the register; ()
    serial_in_force: ObjectArray  # str | None: the meter installed at the read instant (C15)
    installed_at_s: IntArray  # NO_INSTANT unknown
    removed_at_s: IntArray  # NEVER if not removed
    period: IntArray  # configuration period id: no advance across a change [T, §5.3]
    unit: ObjectArray  # configured unit or None (C23)
    energised: IntArray  # 1/0/-1 over the read period (C7)
    zero_exempt: BoolArray  # C7 exemptions (seasonal TPR, vacant, remotely disabled)
    expected_advance: IntArray  # micro-units of energy (after multiplier) over the read period
    has_expected: BoolArray  # False where no expected advance is known (C8 then cannot fail)
    role: ObjectArray  # "total", "tou" or None (C18)
    channel: ObjectArray  # the interval channel the register maps to, or None (C11)
    siblings: ObjectArray  # tuple[str, ...] of registers of the meter due at the read (C22)

    def __post_init__(self) -> None:
        n = len(self.configured)
        for f in fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(f"register context column {f.name} does not have {n} rows")

    def __len__(self) -> int:
        return len(self.configured)

    @classmethod
    def unknown(cls, n: int) -> RegisterContext:
        return cls(
            configured=np.full(n, UNKNOWN, dtype=np.int64),
            digits=np.zeros(n, dtype=np.int64),
            decimals=np.full(n, UNKNOWN, dtype=np.int64),
            multiplier=np.zeros(n, dtype=np.int64),
            time_patterns=object_array([()] * n),
            serial_in_force=object_array([None] * n),
            installed_at_s=np.full(n, NO_INSTANT, dtype=np.int64),
            removed_at_s=np.full(n, NEVER, dtype=np.int64),
            period=np.zeros(n, dtype=np.int64),
            unit=object_array([None] * n),
            energised=np.full(n, UNKNOWN, dtype=np.int64),
            zero_exempt=np.zeros(n, dtype=bool),
            expected_advance=np.zeros(n, dtype=np.int64),
            has_expected=np.zeros(n, dtype=bool),
            role=object_array([None] * n),
            channel=object_array([None] * n),
            siblings=object_array([()] * n),
        )

    def with_columns(self, **columns: object) -> RegisterContext:
        """A copy with some columns replaced (plain sequences are turned into arrays)."""
        converted = {}
        for name, column in columns.items():
            template = getattr(self, name)
            if template.dtype == object:
                converted[name] = object_array(list(column))  # type: ignore[call-overload]
            else:
                converted[name] = np.asarray(column, dtype=template.dtype)
        return replace(self, **converted)  # type: ignore[arg-type]

    def effective_multiplier(self) -> FloatArray:
        """The configured multiplier as a float factor (1 where unknown) for threshold checks."""
        factor: FloatArray = np.where(self.multiplier > 0, self.multiplier / 1_000_000, 1.0)
        return factor


@dataclass(frozen=True, slots=True)
class RegisterIssue:
    """A register rule failed on a read version (the register side of ``ValidationIssue``)."""

    rule: str
    rule_version: int
    severity: Severity
    supply_point_id: str
    meter_serial: str
    register_id: str
    read_at: datetime
    previous_read_at: datetime | None
    detail: str
    values: tuple[str, ...]
    source: SourceRef
    read_version: int
    status: IssueStatus = IssueStatus.OPEN

    @property
    def idempotency_key(self) -> str:
        return stable_key(
            "register-issue",
            self.rule,
            self.rule_version,
            self.supply_point_id,
            self.meter_serial,
            self.register_id,
            self.read_at,
            self.read_version,
        )


def instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
