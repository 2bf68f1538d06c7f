"""What the figures share during one run, and what they record: rows, ratios and findings."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.datasets import Datasets
from bench.measure import ChildFailedError, Series, interleave, repeat
from bench.pg import Server
from bench.sizes import Sizes

MEASURED, SKIPPED, FAILED, NOT_MEASURABLE = "measured", "skipped", "failed", "not measurable yet"


@dataclass
class Row:
    """One line of the results table."""

    figure: str
    what: str
    value: float | None
    unit: str
    runs: int = 0
    samples: list[float] = field(default_factory=list)  # the value of each run
    data: str = ""
    goal: str = ""
    note: str = ""
    status: str = MEASURED
    peak_rss_mib: float | None = None
    cpu_share: float | None = None  # the child's CPU time / wall time: < ~0.9 means it waited
    other_cores: float | None = None  # CPU everything else used meanwhile, in cores
    extra: dict[str, Any] = field(default_factory=dict)
    in_table: bool = True  # False: JSON only (a limit shown in the fraction-of-limit table)


@dataclass
class Fraction:
    """A figure shown against what the machine can do with the same data (figure 7)."""

    what: str
    figure_value: float
    limit_what: str
    limit_value: float
    unit: str

    @property
    def fraction(self) -> float:
        return self.figure_value / self.limit_value


@dataclass
class Context:
    sizes: Sizes
    data: Datasets
    pg: Server | None
    pg_note: str
    tariffs_dir: str
    rows: list[Row] = field(default_factory=list)
    fractions: list[Fraction] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # things that look wrong in the product
    profile: dict[str, Any] = field(default_factory=dict)
    kept: dict[str, Any] = field(default_factory=dict)  # measurements later figures compare with
    started: float = field(default_factory=time.monotonic)

    def log(self, message: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{elapsed:6.0f} s] {message}", file=sys.stderr, flush=True)

    def repeat(self, task: str, **kwargs: Any) -> Series:
        return repeat(self.sizes.runs, task, timeout=self.sizes.timeout, **kwargs)

    def interleave(self, tasks: list[tuple[str, dict[str, Any]]]) -> list[Series]:
        return interleave(self.sizes.runs, tasks, timeout=self.sizes.timeout)

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        shown = "-" if row.value is None else f"{row.value:,.3g}"
        self.log(f"figure {row.figure}: {row.what}: {shown} {row.unit} [{row.status}] {row.note}")
        return row

    def failed(self, figure: str, what: str, unit: str, error: Exception, data: str = "") -> Row:
        first_line = str(error).strip().splitlines()
        message = " | ".join(first_line[-3:]) if first_line else type(error).__name__
        if isinstance(error, ChildFailedError):
            self.findings.append(f"figure {figure} ({what}): the run crashed: {message}")
        return self.add(Row(figure, what, None, unit, data=data, note=message, status=FAILED))

    def guarded(self, figure: str, what: str, unit: str, body: Callable[[], None]) -> None:
        """Run one figure's body; a crash becomes a FAILED row instead of ending the whole run."""
        try:
            body()
        except (ChildFailedError, OSError, ValueError) as error:
            self.failed(figure, what, unit, error)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": [asdict(r) for r in self.rows],
            "fractions": [{**asdict(f), "fraction": f.fraction} for f in self.fractions],
            "findings": self.findings,
            "profile": self.profile,
        }
