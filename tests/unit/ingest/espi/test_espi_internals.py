"""The parts with rules of their own: href matching and the bound on open days."""

from __future__ import annotations

from datetime import date

import pytest
from tests.unit.ingest.espi.feeds import epoch, hourly, interval_block, parsed, standard_feed

from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.ingest.espi import days as days_module
from meter2cash.ingest.espi.hrefs import HrefIndex, collection_owner, normalised, parent


@pytest.mark.parametrize(
    ("href", "path"),
    [
        (
            "https://h.example/DataCustodian/espi/1_1/resource/ReadingType/07",
            "DataCustodian/espi/1_1/resource/ReadingType/07",
        ),
        ("  /v1/ReadingType/0/ ", "v1/ReadingType/0"),
        ("ReadingType/07?x=1#frag", "ReadingType/07"),
        ("User/1/UsagePoint/01", "User/1/UsagePoint/01"),
    ],
)
def test_hrefs_compare_by_path(href: str, path: str) -> None:
    assert normalised(href) == path


def test_parent_and_collection_owner_follow_the_espi_rest_layout() -> None:
    assert (
        parent("a/UsagePoint/1/MeterReading/01/IntervalBlock/7", "IntervalBlock")
        == "a/UsagePoint/1/MeterReading/01"
    )
    assert parent("a/MeterReading/01/IntervalBlock", "IntervalBlock") is None
    assert parent("a/IntervalBlock/7/x", "IntervalBlock") is None
    assert (
        collection_owner("a/MeterReading/01/IntervalBlock", "IntervalBlock") == "a/MeterReading/01"
    )
    assert collection_owner("a/MeterReading/01/IntervalBlock/7", "IntervalBlock") is None


def test_a_suffix_matches_only_when_it_names_one_resource() -> None:
    index: HrefIndex[str] = HrefIndex()
    index.add("espi/1_1/resource/ReadingType/07", "rt7")
    index.add("espi/1_1/resource/ReadingType/08", "rt8")
    assert index.find("ReadingType/07") == "rt7"
    assert index.find("x/espi/1_1/resource/ReadingType/08") == "rt8"
    assert index.find("Type/07") is None  # not a whole segment
    index.add("other/ReadingType/07", "elsewhere")
    assert index.find("ReadingType/07") is None  # two candidates: ambiguous
    assert index.find("espi/1_1/resource/ReadingType/07") == "rt7"  # exact still wins


def test_days_closed_early_come_out_in_parts_that_together_are_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(days_module, "MAX_OPEN_DAYS", 2)
    jan = [epoch(2020, 1, d, 8) for d in (1, 2, 3)]
    blocks = [
        interval_block(hourly(jan[0], range(12))),  # morning of the 1st
        interval_block(hourly(jan[1], range(24))),
        interval_block(hourly(jan[2], range(24))),  # a third open day: the 1st is closed
        interval_block(hourly(jan[0] + 12 * 3600, range(12, 24))),  # afternoon of the 1st
    ]
    found = [i for i in parsed(standard_feed(*blocks)) if isinstance(i, ChannelDay)]
    firsts = [d for d in found if d.read_on == date(2020, 1, 1)]
    assert len(found) == 4 and len(firsts) == 2
    morning, afternoon = firsts
    assert (
        morning.qualities[:12] == (Quality.UNKNOWN,) * 12
        and morning.qualities[12:] == (Quality.MISSING,) * 12
    )
    assert afternoon.qualities[:12] == (Quality.MISSING,) * 12 and afternoon.values[23] is not None
    assert (
        morning.identity_key == afternoon.identity_key
    )  # the same day, for interpretation to merge
