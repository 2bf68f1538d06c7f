"""The orders that list methods promise, shared by every adapter.

Adapters sort in Python with these keys rather than trusting ``ORDER BY`` on text: PostgreSQL orders
text by the database's locale collation and SQLite by code point, and the contract must not depend
on which database is behind it.
"""

from __future__ import annotations

from datetime import date

from meter2cash.domain.billing import Determinant
from meter2cash.ports import StoredChannelDay, StoredDeterminant


def channel_day_order(stored: StoredChannelDay) -> tuple[str, date]:
    """``IntervalStore.latest``: by channel, then day."""
    return (stored.channel_day.channel, stored.channel_day.read_on)


def determinant_order(stored: StoredDeterminant) -> tuple[str, date, str, str]:
    """``DeterminantStore.latest``: by supply point, period, channel, kind."""
    det: Determinant = stored.determinant
    return (det.supply_point_id, det.period_on, det.channel, str(det.kind))
