"""What register rules read and return: :class:`RegisterInput` and :class:`RegisterFinding`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from meter2cash.domain.quantity import format_micro
from meter2cash.domain.validation import Severity
from meter2cash.interpret.vee.arrays import IntArray
from meter2cash.interpret.vee.catalogue import Rule
from meter2cash.interpret.vee.parameters import ParameterTable
from meter2cash.interpret.vee.register_batch import (
    RegisterContext,
    RegisterIssue,
    RegisterReadBatch,
    instant,
)


@dataclass(frozen=True, eq=False)
class RegisterInput:
    """Reads, their configuration and the parameters; ``as_of`` is passed in (C14 "future").

    Parameters are looked up by the read's UTC calendar date [T]: effective dates are whole days
    and a read's local date differs from it for at most a few hours around midnight.
    """

    reads: RegisterReadBatch
    context: RegisterContext
    params: ParameterTable
    as_of: datetime | None = None

    def __post_init__(self) -> None:
        if len(self.context) != len(self.reads):
            raise ValueError("one register context row per read")

    @property
    def read_on(self) -> npt.NDArray[np.datetime64]:
        return (self.reads.read_at_s // 86_400).astype("datetime64[D]")

    def param(self, rule: Rule, name: str) -> npt.NDArray[Any]:
        return self.params.column(rule, name, self.reads.market, self.read_on)


@dataclass(frozen=True, eq=False)
class RegisterFinding:
    """What a register rule found: ``rows[i]`` (a read) failed; ``previous[i]`` is the read it
    was compared with (-1 if none)."""

    rule: Rule
    rows: IntArray
    details: tuple[str, ...]
    previous: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __post_init__(self) -> None:
        if len(self.previous) != len(self.rows):
            object.__setattr__(self, "previous", np.full(len(self.rows), -1, dtype=np.int64))
        if len(self.details) != len(self.rows):
            raise ValueError("one detail per row")

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def of(cls, rule: Rule, rows: IntArray, details: Sequence[str]) -> RegisterFinding:
        return cls(rule, np.asarray(rows, dtype=np.int64), tuple(details))


def to_register_issues(found: RegisterFinding, source: RegisterInput) -> list[RegisterIssue]:
    """One :class:`RegisterIssue` per finding row (Python per issue, never per read)."""
    if not len(found):
        return []
    reads = source.reads
    days = source.read_on[found.rows]
    errors = source.params.is_error(found.rule, reads.market[found.rows], days)
    issues = []
    for i, row in enumerate(found.rows.tolist()):
        previous = int(found.previous[i])
        detail = found.details[i]
        if found.rule.parameters:
            on: date = days[i].astype(date)
            label = source.params.label(
                found.rule, found.rule.parameters[0], str(reads.market[row]), on
            )
            detail = f"{detail} [parameters {label}]"
        shown = [format_micro(int(reads.value[row]))]
        if previous >= 0:
            shown.insert(0, format_micro(int(reads.value[previous])))
        issues.append(
            RegisterIssue(
                rule=found.rule.code,
                rule_version=found.rule.version,
                severity=Severity.ERROR if errors[i] else Severity.WARNING,
                supply_point_id=str(reads.supply_point_id[row]),
                meter_serial=str(reads.meter_serial[row]),
                register_id=str(reads.register_id[row]),
                read_at=instant(int(reads.read_at_s[row])),
                previous_read_at=(
                    instant(int(reads.read_at_s[previous])) if previous >= 0 else None
                ),
                detail=detail,
                values=tuple(shown),
                source=reads.source[row],
                read_version=int(reads.version[row]),
            )
        )
    return issues
