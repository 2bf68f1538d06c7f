"""Basic validation rules over one channel-day (the walking skeleton's subset of the VEE catalogue).

Rule ids follow the consolidated check catalogue in the team's market-rules reference (§2.8):

* C1 *interval count per day* is structural: a day whose value count does not match 1440 / interval
  length (46/48/50 half-hours on UK clock-change days) cannot even become a ``ChannelDay``; the adapter
  rejects it with the file and line, so it never reaches these rules.
* C2 *missing intervals*: a value that is absent or flagged null needs estimation -> ERROR (quarantined:
  billing on a partial day would under-charge silently).
* C3 *duplicate intervals*: the same channel-day twice in one delivery with different values -> ERROR
  on the second; the first is kept (team default, "keep first/ask" in the catalogue). Across deliveries
  a changed value is a correction (a new version), not a duplicate.
* C4 *negative value* on a unidirectional channel (import or export) -> ERROR.

Each rule is versioned: a stored issue names the rule version that found it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from meter2cash.domain.reads import ChannelDay, Direction, Quality
from meter2cash.domain.validation import Severity, ValidationIssue


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    version: int
    name: str
    severity: Severity


MISSING_INTERVALS = Rule("C2", 1, "missing intervals", Severity.ERROR)
DUPLICATE_CONFLICT = Rule("C3", 1, "conflicting duplicate in one delivery", Severity.ERROR)
NEGATIVE_VALUE = Rule("C4", 1, "negative value on a unidirectional channel", Severity.ERROR)

_UNIDIRECTIONAL = {Direction.IMPORT, Direction.EXPORT}


def _runs(flags: list[bool]) -> Iterator[tuple[int, int]]:
    """Maximal runs of True as inclusive (first, last) index pairs — one issue per contiguous run."""
    start = None
    for k, flagged in enumerate(flags):
        if flagged and start is None:
            start = k
        elif not flagged and start is not None:
            yield start, k - 1
            start = None
    if start is not None:
        yield start, len(flags) - 1


def _issue(
    rule: Rule, day: ChannelDay, version: int, first: int, last: int, detail: str
) -> ValidationIssue:
    shown = tuple("" if v is None else str(v) for v in day.values[first : last + 1])
    return ValidationIssue(
        rule=rule.code,
        rule_version=rule.version,
        severity=rule.severity,
        supply_point_id=day.supply_point_id,
        channel=day.channel,
        read_on=day.read_on,
        first_interval=first,
        last_interval=last,
        detail=detail,
        values=shown,
        source=day.source,
        channel_day_version=version,
    )


def validate_day(day: ChannelDay, version: int) -> list[ValidationIssue]:
    """Run the per-day rules; an empty list means the day passes."""
    issues: list[ValidationIssue] = []
    missing = [
        v is None or q is Quality.NULL for v, q in zip(day.values, day.qualities, strict=True)
    ]
    for first, last in _runs(missing):
        n = last - first + 1
        issues.append(
            _issue(
                MISSING_INTERVALS,
                day,
                version,
                first,
                last,
                f"{n} interval(s) without a usable value; estimation needed",
            )
        )
    if day.direction in _UNIDIRECTIONAL:
        negative = [v is not None and v < 0 for v in day.values]
        for first, last in _runs(negative):
            issues.append(
                _issue(
                    NEGATIVE_VALUE,
                    day,
                    version,
                    first,
                    last,
                    f"negative {day.unit} on {day.direction} channel {day.channel}",
                )
            )
    return issues


def conflicting_duplicate(kept: ChannelDay, second: ChannelDay, version: int) -> ValidationIssue:
    """C3: ``second`` repeats ``kept`` (same supply point, channel and day, same delivery) with other
    values. The issue points at the second record's source line; its values are not stored."""
    differing = [
        k for k, (a, b) in enumerate(zip(kept.values, second.values, strict=False)) if a != b
    ]
    first, last = (differing[0], differing[-1]) if differing else (0, len(second.values) - 1)
    detail = (
        f"same channel-day twice in one delivery with different values "
        f"(first at line {kept.source.line}); the first is kept"
    )
    return _issue(DUPLICATE_CONFLICT, second, version, first, last, detail)


def is_billable(issues: list[ValidationIssue]) -> bool:
    """Billing never sees suspect data: any ERROR quarantines the channel-day version."""
    return not any(issue.severity is Severity.ERROR for issue in issues)
