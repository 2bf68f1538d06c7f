"""VEE validation: the rule catalogue C1-C23 (market-rules.md §2.8) as vectorised, versioned,
effective-dated rules over columnar batches of channel-days and register reads.

Interval data: build a :class:`ChannelDayBatch` (``from_days``), optionally an
:class:`IntervalContext` and a :class:`DailyHistory`, and call :func:`run_rules` (issues) or
:func:`validate_intervals` (issues, their rows, ``billable()`` per row). Register reads: build a
:class:`RegisterReadBatch` and :class:`RegisterContext`, call :func:`validate_registers`; then
:func:`sum_check` (C11) with the interval batch and the returned sequence.
"""

from meter2cash.interpret.vee.batch import (
    ChannelDayBatch,
    ExpectedDay,
    absent_days,
    day_start_s,
    pack,
)
from meter2cash.interpret.vee.catalogue import RULES, AppliesTo, Rule
from meter2cash.interpret.vee.context import (
    ChannelContextLike,
    ClockSyncLike,
    IntervalContext,
    clock_offsets,
)
from meter2cash.interpret.vee.engine import (
    INTERVAL_RULES,
    rule_input,
    run_rules,
    validate_intervals,
)
from meter2cash.interpret.vee.findings import Finding, IntervalFindings, RuleInput
from meter2cash.interpret.vee.history import DailyHistory, DaySummary, day_summaries
from meter2cash.interpret.vee.parameters import (
    ParameterError,
    ParameterTable,
    load_parameters,
    parameters_from_text,
    shipped_parameters,
)
from meter2cash.interpret.vee.register_batch import (
    RegisterContext,
    RegisterIssue,
    RegisterReadBatch,
)
from meter2cash.interpret.vee.register_input import RegisterFinding, RegisterInput
from meter2cash.interpret.vee.register_rules import RegisterFindings, validate_registers
from meter2cash.interpret.vee.register_sequence import RegisterSequence
from meter2cash.interpret.vee.sum_check import sum_check

__all__ = [
    "INTERVAL_RULES",
    "RULES",
    "AppliesTo",
    "ChannelContextLike",
    "ChannelDayBatch",
    "ClockSyncLike",
    "DailyHistory",
    "DaySummary",
    "ExpectedDay",
    "Finding",
    "IntervalContext",
    "IntervalFindings",
    "ParameterError",
    "ParameterTable",
    "RegisterContext",
    "RegisterFinding",
    "RegisterFindings",
    "RegisterInput",
    "RegisterIssue",
    "RegisterReadBatch",
    "RegisterSequence",
    "Rule",
    "RuleInput",
    "absent_days",
    "clock_offsets",
    "day_start_s",
    "day_summaries",
    "load_parameters",
    "pack",
    "parameters_from_text",
    "rule_input",
    "run_rules",
    "shipped_parameters",
    "sum_check",
    "validate_intervals",
    "validate_registers",
]
