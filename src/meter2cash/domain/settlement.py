"""The GB settlement calendar (Balancing and Settlement Code): settlement days and periods.

A Settlement Day is a local calendar day in Europe/London, and its Settlement Periods are the
half-hours counted from local midnight, numbered from 1. Counting from local midnight (not from a
fixed UTC time) is why the count varies: the spring clock change skips 01:00-02:00 local, so that
day has 46 periods; the autumn change repeats 01:00-02:00 local (BST, then GMT), so that day has
50; every other day has 48. Period numbers are therefore only meaningful together with their day,
and the UTC interval of period *n* shifts by an hour after a clock change within the day.

Every interval here is a UTC, half-open :class:`~meter2cash.domain.time.Interval`; the local-time
arithmetic happens once, in :func:`~meter2cash.domain.time.local_day`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from meter2cash.domain.errors import DomainError
from meter2cash.domain.time import UK_TIME, Interval, intervals_in_day, local_day, require_utc

#: Length of a BSC Settlement Period.
PERIOD_LENGTH = timedelta(minutes=30)
_PERIOD_MINUTES = 30


def _require_day(day: date) -> date:
    # ``datetime`` is a subclass of ``date``: a datetime here would silently lose its time and zone.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise DomainError(f"a settlement day is a calendar date, got {day!r}")
    return day


def periods_in_day(day: date) -> int:
    """How many Settlement Periods the Settlement Day holds: 46, 48 or 50.

    46 on the spring clock-change day (local 01:00-02:00 does not exist), 50 on the autumn one
    (local 01:00-02:00 happens twice: first in BST, then in GMT), 48 otherwise.
    """
    return intervals_in_day(_require_day(day), UK_TIME, _PERIOD_MINUTES)


def period_interval(day: date, period: int) -> Interval:
    """The UTC interval ``[start, end)`` of Settlement Period ``period`` of Settlement Day ``day``.

    Periods are counted in elapsed half-hours from local midnight, so on 2024-10-27 periods 3-4
    are 01:00-02:00 BST (00:00-01:00 UTC) and periods 5-6 the repeated 01:00-02:00 GMT (01:00-02:00
    UTC).
    """
    count = periods_in_day(day)
    if isinstance(period, bool) or not isinstance(period, int) or not 1 <= period <= count:
        raise DomainError(f"settlement day {day} has periods 1..{count}, got {period!r}")
    start = local_day(day, UK_TIME).start + (period - 1) * PERIOD_LENGTH
    return Interval(start, start + PERIOD_LENGTH)


def settlement_period_of(instant: datetime) -> tuple[date, int]:
    """The Settlement Day and Period containing ``instant``; naive datetimes are refused.

    The day is the Europe/London calendar date of the instant; the period is the number of whole
    half-hours elapsed since that day's local midnight, plus one. Within the repeated autumn hour
    the UTC instant disambiguates: 00:30Z on 2024-10-27 is period 4 (01:30 BST), 01:30Z is period 6
    (01:30 GMT), which no local wall-clock time alone could tell apart.
    """
    at_utc = require_utc(instant)
    day = at_utc.astimezone(UK_TIME).date()
    elapsed = at_utc - local_day(day, UK_TIME).start
    return day, elapsed // PERIOD_LENGTH + 1


def iter_periods(day: date) -> Iterator[tuple[int, Interval]]:
    """Each ``(period, interval)`` of the Settlement Day in order; the intervals tile the day."""
    step_from = local_day(_require_day(day), UK_TIME).start
    for index in range(periods_in_day(day)):
        start = step_from + index * PERIOD_LENGTH
        yield index + 1, Interval(start, start + PERIOD_LENGTH)
