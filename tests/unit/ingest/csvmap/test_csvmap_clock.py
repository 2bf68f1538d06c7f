"""Wall-clock labels back to instants: in time order, every label sequence a local clock shows is
read back exactly, across both clock changes, whether labels mark interval starts or ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from meter2cash.ingest.csvmap.clock import Ambiguous, to_instant

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def read_back(instants: list[datetime], zone: ZoneInfo, marks_end: bool) -> list[datetime]:
    latest: datetime | None = None
    out = []
    for instant in instants:
        label = instant.astimezone(zone).replace(tzinfo=None)
        found = to_instant(label, zone, marks_end=marks_end)
        assert found is not None, label
        if isinstance(found, Ambiguous):
            found = found.pick(latest)
        latest = found if latest is None or found > latest else latest
        out.append(found)
    return out


@given(
    zone=st.sampled_from([LONDON, BERLIN, NEW_YORK]),
    year=st.integers(2015, 2030),
    autumn=st.booleans(),
    minutes=st.sampled_from([15, 30, 60]),
    marks_end=st.booleans(),
)
def test_consecutive_labels_read_back_across_a_clock_change(
    zone: ZoneInfo, year: int, autumn: bool, minutes: int, marks_end: bool
) -> None:
    # Two days around the change: the last Sunday of March/October in Europe, Mar/Nov in the US.
    month = (11 if autumn else 3) if zone is NEW_YORK else (10 if autumn else 3)
    start = datetime(year, month, 1, tzinfo=UTC)
    step = timedelta(minutes=minutes)
    instants = [start + k * step for k in range(int(timedelta(days=31) / step))]
    if marks_end:
        instants = [i + step for i in instants]
    assert read_back(instants, zone, marks_end) == instants


def test_labels_strictly_inside_the_skipped_hour_name_no_instant() -> None:
    skipped = datetime(2024, 3, 31, 1, 30)  # noqa: DTZ001 - a wall-clock label
    assert to_instant(skipped, LONDON, marks_end=False) is None
    assert to_instant(skipped, LONDON, marks_end=True) is None
    jump = datetime(2024, 3, 31, 1, 0)  # noqa: DTZ001
    assert to_instant(jump, LONDON, marks_end=False) is None
    assert to_instant(jump, LONDON, marks_end=True) == datetime(2024, 3, 31, 1, 0, tzinfo=UTC)


def test_the_repeated_hour_is_ambiguous_and_picks_by_what_was_seen() -> None:
    found = to_instant(datetime(2024, 10, 27, 1, 30), LONDON, marks_end=False)  # noqa: DTZ001
    assert isinstance(found, Ambiguous)
    assert found.pick(None) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert found.pick(datetime(2024, 10, 27, 0, 0, tzinfo=UTC)) == found.first
    assert found.pick(found.first) == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)
