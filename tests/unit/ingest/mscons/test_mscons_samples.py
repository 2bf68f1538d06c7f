"""Golden tests over the two public MSCONS samples (MIT, copied into tests/data/mscons).

Expected figures were worked out independently of the parser (a regex over the raw text, see
``_raw_values``) and every QTY value in a file is accounted for: yielded as energy or rejected.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from tests.unit.ingest.mscons.mscons_builders import FILE_ID, at, split

from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import ChannelDay, Direction, IntervalRead, Quality, SourceRef
from meter2cash.ingest.mscons import parse, recognises

DATA = Path(__file__).parents[3] / "data" / "mscons"
SAMPLE01 = DATA / "MSCONS_TL_SAMPLE01.txt"
MULTI = DATA / "MSCONS_TL_Multiple_LOC_SAMPLE.txt"


def _items(path: Path) -> list:
    with path.open("rb") as binary:
        return list(parse(binary, FILE_ID, path.name, None))


def _raw_values(text: str) -> list[Decimal]:
    """Every QTY quantity in the file, decimal comma or point, by a plain regex."""
    return [Decimal(v.replace(",", ".")) for v in re.findall(r"'QTY\+\w+:(-?[0-9.,]+)", text)]


def _energy(items: list) -> Decimal:
    days, reads, _registers, _ = split(items)
    total = sum((v for d in days for v in d.values if v is not None), Decimal(0))
    return total + sum((r.energy for r in reads if r.energy is not None), Decimal(0))


def _rejected_values(items: list) -> list[Decimal]:
    rejections = split(items)[3]
    return [
        _raw_values("'" + r.offending_text)[0]
        for r in rejections
        if r.offending_text.startswith("QTY")
    ]


def test_both_samples_are_recognised() -> None:
    for path in (SAMPLE01, MULTI):
        head = path.read_bytes()[: 64 * 1024].decode("utf-8", errors="replace")
        assert recognises(head.splitlines()[0], head, path.name)


def test_sample01_golden() -> None:
    items = _items(SAMPLE01)
    days, reads, registers, rejections = split(items)
    assert registers == []
    # 31 local December days of 96 quarter-hours: 2903 delivered on the grid, 73 slots MISSING
    # (left by the irregular intervals and the backwards one).
    assert len(days) == 31 and {len(d.values) for d in days} == {96}
    assert [d.read_on for d in days] == [date(2015, 12, day) for day in range(1, 32)]
    assert sum(v is not None for d in days for v in d.values) == 2903
    assert sum(q == Quality.MISSING for d in days for q in d.qualities) == 73
    assert {q for d in days for q in d.qualities} == {Quality.ACTUAL, Quality.MISSING}
    first = days[0]
    assert (first.supply_point_id, first.market, first.channel) == (
        "US0001062600000001000000022345671",
        "DE",
        "1-1:1.10.0",
    )
    assert (first.direction, first.unit, first.source_unit, first.interval_minutes) == (
        Direction.IMPORT,
        Unit.KWH,
        "",  # the sample's QTYs carry no DE6411: kWh is implied by the OBIS code
        15,
    )
    assert first.span.start == at("2015-11-30 23:00")  # 2015-12-01 00:00+01
    assert first.source == SourceRef(FILE_ID, 16, "UNH-1/QTY")
    # First non-zero value: 09:45-10:00 CET = 08:45 UTC, slot 39; decimal comma read exactly.
    assert first.values[38:42] == (Decimal(0), Decimal("0.900"), Decimal("0.148"), Decimal("0.252"))
    assert list(first.intervals())[39].interval.start == at("2015-12-01 08:45")
    assert first.values[80:82] == (None, None)  # 20:00-20:30 CET came as 20:00-20:16-20:30
    # 69 irregular intervals (the 70th runs backwards and is rejected).
    assert len(reads) == 69
    assert Counter(r.interval.duration.seconds // 60 for r in reads) == Counter(
        {16: 31, 14: 31, 25: 3, 5: 3, 75: 1}
    )
    assert (reads[0].interval.start, reads[0].interval.end) == (
        at("2015-12-01 19:00"),
        at("2015-12-01 19:16"),
    )
    assert Counter(r.reason_code for r in rejections) == Counter(
        {"DUPLICATE_INTERVAL": 3, "BAD_DATE": 1}
    )
    [backwards] = [r for r in rejections if r.reason_code == "BAD_DATE"]
    assert backwards.source.line == 5677
    assert backwards.offending_text.startswith("QTY+220:0,074'DTM+163:201512201645?+01:303")


def test_sample01_accounts_for_every_kwh() -> None:
    items = _items(SAMPLE01)
    raw = _raw_values(SAMPLE01.read_text(encoding="latin-1"))
    assert len(raw) == 2976 and sum(raw) == Decimal("680.282")
    assert _energy(items) == Decimal("680.208")
    assert _energy(items) + sum(_rejected_values(items)) == sum(raw)
    days, reads, _, rejections = split(items)
    yielded = sum(v is not None for d in days for v in d.values) + len(reads)
    assert yielded + len(rejections) == len(raw)


def test_multiple_loc_sample_golden() -> None:
    items = _items(MULTI)
    days, reads, registers, rejections = split(items)
    assert (reads, registers, rejections) == ([], [], [])  # trailer counts are right too
    assert len(days) == 62
    assert Counter(d.supply_point_id for d in days) == {"51481308448": 31, "51481308456": 31}
    assert {(d.channel, d.direction, d.unit, d.source_unit) for d in days} == {
        ("AUA", Direction.OTHER, Unit.KWH, "KWH")
    }
    dst = [d for d in days if d.read_on == date(2022, 3, 27)]
    assert [len(d.values) for d in dst] == [92, 92] and all(d.complete for d in days)
    assert days[0].read_on == date(2022, 3, 1) and days[0].span.start == at("2022-02-28 23:00")
    assert [d.source.segment for d in (days[0], days[31])] == ["UNH-1/QTY", "UNH-2/QTY"]
    raw = _raw_values(MULTI.read_text(encoding="latin-1"))
    assert len(raw) == 5944 and _energy(items) == sum(raw)
    assert sum(len(d.values) for d in days) == 5944


def test_a_channel_day_round_trips_through_its_interval_view() -> None:
    [day, *_] = [i for i in _items(MULTI) if isinstance(i, ChannelDay)]
    intervals = list(day.intervals())
    assert all(isinstance(i, IntervalRead) for i in intervals)
    assert [i.energy for i in intervals] == list(day.values)
    assert (
        intervals[0].interval.start == day.span.start and intervals[-1].interval.end == day.span.end
    )
