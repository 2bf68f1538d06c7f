"""The rule catalogue C1-C23 (market-rules.md §2.8): what each rule is, not its parameter values.

A :class:`Rule` is named and versioned: a stored finding names the rule version that raised it, so
a change of logic bumps ``version`` and old findings stay explainable. Parameter *values* are data,
effective-dated per market (``parameters.yaml``, :mod:`.parameters`); here each rule only declares
which parameters it reads. ``severity`` is the default outcome (ERROR quarantines the channel-day
or read from billing until resolved or estimated; WARNING informs) and may be overridden per market
and date in the data (parameter ``severity``).

Provenance tags follow market-rules.md §0: [V] checked against the source, [M] from memory,
[T] team default — the ``source`` of each rule says which parts are which.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from meter2cash.domain.validation import Severity


class AppliesTo(StrEnum):
    INTERVAL = "interval"
    REGISTER = "register"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Rule:
    """One check of the catalogue. ``parameters`` names what the rule reads from the table."""

    code: str
    version: int
    name: str
    applies_to: AppliesTo
    severity: Severity
    parameters: tuple[str, ...]
    source: str

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.name}"


_E, _W = Severity.ERROR, Severity.WARNING
_I, _R, _B = AppliesTo.INTERVAL, AppliesTo.REGISTER, AppliesTo.BOTH

C1 = Rule(
    "C1",
    1,
    "interval count per day",
    _I,
    _E,
    (),
    "[V] computed from the local calendar (46/48/50 half-hours, BMRS SP 1-50)",
)
C2 = Rule(
    "C2",
    1,
    "missing intervals: estimation needed",
    _I,
    _E,
    (),
    "ORCL, ITRON Gap Check, CA-VEE; energised + registered channels only",
)
C3 = Rule(
    "C3",
    1,
    "conflicting duplicate in one delivery (first kept)",
    _I,
    _E,
    (),
    "ORCL Duplicate IMD; keep-first [T]",
)
C4 = Rule(
    "C4", 1, "negative value on a unidirectional channel", _I, _E, (), "ORCL Negative Consumption"
)
C5 = Rule(
    "C5",
    1,
    "negative register advance",
    _R,
    _E,
    (),
    "[V] BSCP504 via CP0789, incl. the deemed-read exception",
)
C6 = Rule(
    "C6",
    1,
    "register rollover",
    _R,
    _W,
    ("max_capacity_fraction",),
    "[V] CP0700/ITRON rollover; digits from configuration [T]; plausibility without "
    "an expected advance [T]",
)
C7 = Rule(
    "C7",
    1,
    "zero consumption on an energised meter",
    _B,
    _W,
    ("interval_days", "directions"),
    "CP0789, CP1417, CA-VEE, ORCL; N = 7 days HH, whole read period NHH [T default]",
)
C8 = Rule(
    "C8",
    1,
    "register advance above the expected",
    _R,
    _E,
    ("factor",),
    "[V] BSCP504 'twice the expected' (CP0789); expected = EAC x sum PPC [M], an input",
)
C9 = Rule(
    "C9",
    1,
    "usage high/low against history",
    _B,
    _W,
    ("low", "high", "window_days", "min_days", "min_mean_kwh", "directions"),
    "ORCL High/Low (ADU), ITRON, CA-VEE; every threshold [T]",
)
C10 = Rule(
    "C10",
    1,
    "interval spike",
    _I,
    _E,
    ("tolerance", "base_floor_kw"),
    "[V rule] ORCL D2-INTSPKCHK highest vs third-highest; base = third-highest, floor, "
    "tolerance, 24 h chunk = local day [T]",
)
C11 = Rule(
    "C11",
    1,
    "sum check: interval total vs register advance",
    _B,
    _W,
    ("tolerance", "absolute_units"),
    "CA-VEE, BSCP502 s4.0 (CP1048), ORCL Sum Check; 1 % default [T], 0.1 % strict [V CVA]",
)
C12 = Rule(
    "C12",
    1,
    "meter clock outside tolerance",
    _I,
    _W,
    ("tolerance_seconds",),
    "CA-VEE time tolerance, CP1417 clock drift; +-60 s [T]; UK CoP value not verified",
)
C13 = Rule(
    "C13",
    1,
    "register/channel not in the configuration in force",
    _B,
    _E,
    (),
    "chellow TPR check [V code]; MDD Measurement Requirement [D]",
)
C14 = Rule(
    "C14",
    1,
    "read outside meter life, in the future or not after the previous",
    _B,
    _E,
    (),
    "CA-VEE meter identification; [T]",
)
C15 = Rule("C15", 1, "meter identity", _B, _E, (), "CA-VEE meter identification")
C16 = Rule(
    "C16",
    1,
    "digits/decimals beyond the register",
    _R,
    _E,
    (),
    "CA-VEE number of dials, demand decimal",
)
C17 = Rule(
    "C17", 1, "multiplier differs from configuration", _R, _W, (), "ORCL Multiplier Check, ITRON"
)
C18 = Rule(
    "C18",
    1,
    "TOU registers vs total register",
    _R,
    _W,
    ("tolerance", "absolute_units"),
    "CA-VEE TOU usage, ORCL Sum Check; tolerances [T]",
)
C19 = Rule(
    "C19",
    1,
    "interval size differs from configuration",
    _I,
    _E,
    (),
    "ORCL Interval Size Validation; CA-VEE interval vs tariff",
)
C20 = Rule(
    "C20",
    1,
    "direction of flow differs from configuration",
    _I,
    _W,
    (),
    "BSCP503 via CP0715 (LLFC direction); here: configured direction [T]",
)
C21 = Rule(
    "C21",
    1,
    "prolonged estimation",
    _B,
    _W,
    ("interval_days", "register_reads"),
    "ORCL Prolonged Estimation, RMDS DR0108; 30 days HH / 2 NHH reads [T]",
)
C22 = Rule(
    "C22",
    1,
    "sibling channels/registers incomplete",
    _B,
    _W,
    (),
    "ORCL Ensure IMD Exists for Sibling MCs",
)
C23 = Rule("C23", 1, "unit of measure differs from configuration", _B, _E, (), "ORCL UOM Check")

#: Every rule by code, in catalogue order.
RULES = MappingProxyType(
    {
        r.code: r
        for r in (
            C1,
            C2,
            C3,
            C4,
            C5,
            C6,
            C7,
            C8,
            C9,
            C10,
            C11,
            C12,
            C13,
            C14,
            C15,
            C16,
            C17,
            C18,
            C19,
            C20,
            C21,
            C22,
            C23,
        )
    }
)
