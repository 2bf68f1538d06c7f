"""The interval entry point: run every interval rule over a batch and collect the issues.

``run_rules`` is what the pipeline calls per batch of channel-days; the per-rule functions stay
importable for tests and for callers that want a subset. Rules are independent of each other and
of row order (except C3, which keeps the first row of a delivery).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np

from meter2cash.domain.validation import ValidationIssue
from meter2cash.interpret.vee.batch import ChannelDayBatch
from meter2cash.interpret.vee.context import IntervalContext
from meter2cash.interpret.vee.findings import Finding, IntervalFindings, RuleInput, to_issues
from meter2cash.interpret.vee.history import DailyHistory
from meter2cash.interpret.vee.history_rules import (
    clock_tolerance,
    high_low_usage,
    prolonged_estimation,
    sibling_completeness,
    zero_consumption,
)
from meter2cash.interpret.vee.parameters import ParameterTable, shipped_parameters
from meter2cash.interpret.vee.structure_rules import (
    direction_of_flow,
    interval_count,
    interval_size,
    meter_identity,
    not_in_configuration,
    outside_meter_life,
    unit_of_measure,
)
from meter2cash.interpret.vee.value_rules import (
    conflicting_duplicates,
    missing_intervals,
    negative_values,
    spikes,
)

IntervalRule = Callable[[RuleInput], Finding]

#: Every interval rule, in catalogue order (C5, C6, C8, C11, C16-C18 are register rules).
INTERVAL_RULES: tuple[IntervalRule, ...] = (
    interval_count,  # C1
    missing_intervals,  # C2
    conflicting_duplicates,  # C3
    negative_values,  # C4
    zero_consumption,  # C7
    high_low_usage,  # C9
    spikes,  # C10
    clock_tolerance,  # C12
    not_in_configuration,  # C13
    outside_meter_life,  # C14
    meter_identity,  # C15
    interval_size,  # C19
    direction_of_flow,  # C20
    prolonged_estimation,  # C21
    sibling_completeness,  # C22
    unit_of_measure,  # C23
)


def rule_input(
    batch: ChannelDayBatch,
    context: IntervalContext | None = None,
    history: DailyHistory | None = None,
    params: ParameterTable | None = None,
    as_of: datetime | None = None,
) -> RuleInput:
    """Defaults: no configuration known, history from the batch alone, shipped parameters."""
    params = params or shipped_parameters()
    if history is None:
        history = DailyHistory.from_batch(batch, window=_window(params, batch))
    return RuleInput(batch, context or IntervalContext.unknown(batch), history, params, as_of)


def _window(params: ParameterTable, batch: ChannelDayBatch) -> int:
    if not len(batch):
        return 0
    return int(np.max(params.column("C9", "window_days", batch.market, batch.read_on)))


def validate_intervals(
    batch: ChannelDayBatch,
    context: IntervalContext | None = None,
    history: DailyHistory | None = None,
    params: ParameterTable | None = None,
    *,
    as_of: datetime | None = None,
    rules: Sequence[IntervalRule] = INTERVAL_RULES,
) -> IntervalFindings:
    """Every finding of ``rules`` over ``batch``, issues ordered by row then catalogue order."""
    source = rule_input(batch, context, history, params, as_of)
    issues: list[ValidationIssue] = []
    rows: list[np.ndarray] = []
    for rule in rules:
        found = rule(source)
        issues.extend(to_issues(found, source))
        rows.append(found.rows)
    row_of = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    order = np.argsort(row_of, kind="stable")
    return IntervalFindings(
        issues=[issues[i] for i in order.tolist()],
        rows=row_of[order].astype(np.int64),
        size=len(batch),
        width=batch.width,
    )


def run_rules(
    batch: ChannelDayBatch,
    context: IntervalContext | None = None,
    history: DailyHistory | None = None,
    params: ParameterTable | None = None,
    *,
    as_of: datetime | None = None,
) -> list[ValidationIssue]:
    """The issues of every interval rule (see :func:`validate_intervals` for rows/billable)."""
    return validate_intervals(batch, context, history, params, as_of=as_of).issues
