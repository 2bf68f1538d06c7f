"""From vectorised detections to stored values: ``Finding`` arrays -> ``ValidationIssue`` objects.

A rule returns a :class:`Finding`: parallel arrays of (row, first interval, last interval) and one
detail text each. Only here, once per *finding* (rare), does Python build objects; detection never
loops over intervals. Severity is read per row from the parameter table (it may be effective-dated),
and a parameterised rule's detail names the parameter entry in force (lineage: which thresholds
judged this day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from meter2cash.domain.quantity import format_micro
from meter2cash.domain.validation import Severity, ValidationIssue
from meter2cash.interpret.vee.arrays import BoolArray, IntArray
from meter2cash.interpret.vee.batch import ChannelDayBatch
from meter2cash.interpret.vee.catalogue import Rule
from meter2cash.interpret.vee.context import IntervalContext
from meter2cash.interpret.vee.history import DailyHistory, DaySummary, day_summaries
from meter2cash.interpret.vee.parameters import ParameterTable


@dataclass(frozen=True, eq=False)
class RuleInput:
    """Everything an interval rule may read. ``as_of`` is the validation instant (C14 "future");
    it is passed in, never read from a clock."""

    batch: ChannelDayBatch
    context: IntervalContext
    history: DailyHistory
    params: ParameterTable
    as_of: datetime | None = None

    def __post_init__(self) -> None:
        if len(self.context) != len(self.batch) or len(self.history.zero_run) != len(self.batch):
            raise ValueError("context and history need one row per batch row")

    def param(self, rule: Rule, name: str) -> npt.NDArray[Any]:
        """The parameter in force for each row's market and day."""
        return self.params.column(rule, name, self.batch.market, self.batch.read_on)

    def direction_in(self, rule: Rule, name: str = "directions") -> BoolArray:
        """Per row: is the row's direction in the rule's list parameter ``name``?"""
        allowed: list[tuple[str, ...]] = self.param(rule, name).tolist()
        distinct = {words: k for k, words in enumerate(set(allowed))}
        if len(distinct) == 1:
            return np.isin(self.batch.direction, list(allowed[0]))
        which = np.fromiter((distinct[w] for w in allowed), dtype=np.int64, count=len(allowed))
        out = np.zeros(len(allowed), dtype=bool)
        for words, k in distinct.items():  # one isin per distinct list in force (few)
            rows = which == k
            out[rows] = np.isin(self.batch.direction[rows], list(words))
        return out

    @cached_property
    def summary(self) -> DaySummary:
        return day_summaries(self.batch)


@dataclass(frozen=True, eq=False)
class Finding:
    """What one rule found: ``rows[i]`` failed over intervals ``first[i]..last[i]``."""

    rule: Rule
    rows: IntArray
    first: IntArray
    last: IntArray
    details: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not (len(self.rows) == len(self.first) == len(self.last) == len(self.details)):
            raise ValueError("a finding needs one first, last and detail per row")

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def whole_days(
        cls, rule: Rule, batch: ChannelDayBatch, rows: IntArray, details: Sequence[str]
    ) -> Finding:
        rows = np.asarray(rows, dtype=np.int64)
        last = np.maximum(batch.n_intervals[rows] - 1, 0)
        return cls(rule, rows, np.zeros(len(rows), dtype=np.int64), last, tuple(details))

    @classmethod
    def same_detail(
        cls, rule: Rule, rows: IntArray, first: IntArray, last: IntArray, detail: str
    ) -> Finding:
        return cls(rule, rows, first, last, (detail,) * len(rows))


@dataclass(frozen=True, eq=False)
class IntervalFindings:
    """The issues of a run, and the batch row each one is about (``rows[i]`` for ``issues[i]``)."""

    issues: list[ValidationIssue]
    rows: IntArray
    size: int
    width: int = 0

    def mask(self, codes: Sequence[str] = ("C2", "C4")) -> BoolArray:
        """(rows, width): the intervals the given rules flagged — by default what the catalogue
        says to estimate (C2 "estimation needed", C4 "fail, estimate"): the ``mask`` that
        ``interpret.estimate.estimate_day`` takes, per row."""
        out = np.zeros((self.size, self.width), dtype=bool)
        for issue, row in zip(self.issues, self.rows.tolist(), strict=True):
            if issue.rule in codes:
                out[row, issue.first_interval : issue.last_interval + 1] = True
        return out

    def billable(self) -> BoolArray:
        """Per batch row: no ERROR issue (the skeleton's ``is_billable``, for a whole batch)."""
        errors = np.array([i.severity is Severity.ERROR for i in self.issues], dtype=bool)
        out = np.ones(self.size, dtype=bool)
        out[self.rows[errors]] = False
        return out


def to_issues(found: Finding, source: RuleInput) -> list[ValidationIssue]:
    """Build the stored issues of one finding (one Python step per issue, never per interval)."""
    if not len(found):
        return []
    batch = source.batch
    errors = source.params.is_error(found.rule, batch.market[found.rows], batch.read_on[found.rows])
    issues = []
    for i, row in enumerate(found.rows.tolist()):
        first, last = int(found.first[i]), int(found.last[i])
        read_on: date = batch.read_on[row].astype(date)
        detail = found.details[i]
        if found.rule.parameters:
            label = source.params.label(
                found.rule, found.rule.parameters[0], str(batch.market[row]), read_on
            )
            detail = f"{detail} [parameters {label}]"
        shown = tuple(
            format_micro(int(v)) if p else ""
            for v, p in zip(
                batch.values[row, first : last + 1].tolist(),
                batch.present[row, first : last + 1].tolist(),
                strict=True,
            )
        )
        issues.append(
            ValidationIssue(
                rule=found.rule.code,
                rule_version=found.rule.version,
                severity=Severity.ERROR if errors[i] else Severity.WARNING,
                supply_point_id=str(batch.supply_point_id[row]),
                channel=str(batch.channel[row]),
                read_on=read_on,
                first_interval=first,
                last_interval=last,
                detail=detail,
                values=shown,
                source=batch.source[row],
                channel_day_version=int(batch.version[row]),
            )
        )
    return issues
