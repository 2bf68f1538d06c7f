"""Wall-clock readings to UTC instants, for sources that write local time without an offset.

A local wall-clock time is not an instant: on a spring clock-change day an hour of readings does not
exist, and on the autumn day an hour exists twice (Europe/London 2024-10-27: 01:00-01:59 is first
BST, then GMT). Such files carry nothing that tells the two copies apart except their order, so the
rule here is the one a reader of the file would use: a reading in the repeated hour is the *first*
(summer-time) copy unless that instant has already been passed by an earlier row of the same series
that day; then it is the second (standard-time) copy. Rows must therefore be in time order within
the repeated hour; a file that omits the first copy and sends only the second cannot be told apart
from one that sends only the first, and is read as the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """A reading in the repeated autumn hour: ``first`` (summer time) or ``second`` instant."""

    first: datetime
    second: datetime

    def pick(self, latest: datetime | None) -> datetime:
        """The first copy unless a row at or after it was already seen (``latest``)."""
        return self.second if latest is not None and self.first <= latest else self.first


def _exists(naive: datetime, zone: tzinfo, instant: datetime) -> bool:
    return instant.astimezone(zone).replace(tzinfo=None) == naive


def to_instant(naive: datetime, zone: tzinfo, *, marks_end: bool) -> datetime | Ambiguous | None:
    """The UTC instant(s) a wall-clock reading can mean; None when it cannot exist.

    ``marks_end``: the reading labels the end of a period. The instant where the clocks jump forward
    is then valid under either name (Europe/London 2024-03-31: "01:00" GMT and "02:00" BST both end
    the period 00:30-01:00 UTC), while a start label in the skipped hour, or an end label strictly
    inside it ("01:30"), names no instant.
    """
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first == second:
        return first
    if _exists(naive, zone, first):  # both folds exist: the repeated hour
        return Ambiguous(first, second)
    # Skipped hour. zoneinfo's fold=0 reads it with the offset in force before the jump, which at
    # the jump itself is the instant the period ends.
    before = naive - _MINUTE
    if marks_end and _exists(before, zone, before.replace(tzinfo=zone).astimezone(UTC)):
        return first
    return None
