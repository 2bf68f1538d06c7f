"""Validation issues: data-quality findings are values with a lifecycle, never Python exceptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from meter2cash.domain.errors import DomainError
from meter2cash.domain.keys import stable_key
from meter2cash.domain.reads import SourceRef


class Severity(StrEnum):
    WARNING = "warning"  # informative; data stays billable
    ERROR = "error"  # suspect: quarantined from billing until resolved or estimated


class IssueStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    ACCEPTED = "accepted"


class Resolution(StrEnum):
    """How an issue left ``OPEN``: with the status it gives (``accepted`` -> ACCEPTED, else RESOLVED)."""

    ACCEPTED = "accepted"  # the data is right as it is: billable once nothing else blocks it
    ESTIMATED = "estimated"  # a new version replaced the flagged values with estimates
    REJECTED = "rejected"  # the data is wrong and stays quarantined (not billable)
    SUPERSEDED = "superseded"  # a later version replaced the data the issue judged


class IssueStateError(DomainError):
    """An issue cannot take that step of its lifecycle (e.g. resolving one that is not open)."""


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """A rule failed on a channel-day version (the stored "exception" operators work through)."""

    rule: str
    rule_version: int
    severity: Severity
    supply_point_id: str
    channel: str
    read_on: date
    first_interval: int
    last_interval: int
    detail: str
    values: tuple[str, ...]
    source: SourceRef
    channel_day_version: int
    status: IssueStatus = IssueStatus.OPEN

    @property
    def idempotency_key(self) -> str:
        """One issue per rule, channel-day version and interval range: re-running finds the same one."""
        return stable_key(
            "issue",
            self.rule,
            self.rule_version,
            self.supply_point_id,
            self.channel,
            self.read_on,
            self.channel_day_version,
            self.first_interval,
            self.last_interval,
        )
