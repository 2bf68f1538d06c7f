"""Canonical reads: channel-days sized by their local day, UTC intervals, deterministic keys."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import (
    ChannelDay,
    Direction,
    IntervalRead,
    Quality,
    RegisterRead,
    Rejection,
    SourceRef,
)
from meter2cash.domain.time import UK_TIME, Interval

SOURCE = SourceRef("ab" * 32, 7)
SPRING = date(2024, 3, 31)
AUTUMN = date(2024, 10, 27)


def channel_day(
    count: int,
    *,
    read_on: date = date(2024, 6, 1),
    zone: str = "Europe/London",
    values: tuple[Decimal | None, ...] | None = None,
    qualities: tuple[Quality, ...] | None = None,
    methods: tuple[str | None, ...] | None = None,
) -> ChannelDay:
    return ChannelDay(
        supply_point_id="1030006718997",
        market="GB",
        channel="AI",
        direction=Direction.IMPORT,
        unit=Unit.KWH,
        read_on=read_on,
        zone=zone,
        interval_minutes=30,
        values=values if values is not None else tuple(Decimal(k) / 10 for k in range(count)),
        qualities=qualities if qualities is not None else (Quality.ACTUAL,) * count,
        methods=methods if methods is not None else (None,) * count,
        reasons=(None,) * count,
        source=SOURCE,
        source_unit="kWh",
    )


@pytest.mark.parametrize(
    ("read_on", "zone", "count"),
    [(SPRING, "Europe/London", 46), (AUTUMN, "Europe/London", 50), (SPRING, "NEM", 48)],
)
def test_channel_day_size_follows_the_local_day(read_on: date, zone: str, count: int) -> None:
    day = channel_day(count, read_on=read_on, zone=zone)
    assert day.expected_intervals == count == len(list(day.intervals()))


@pytest.mark.parametrize(
    ("read_on", "count"), [(SPRING, 48), (AUTUMN, 48), (SPRING, 50), (date(2024, 6, 1), 46)]
)
def test_channel_day_refuses_the_wrong_number_of_values(read_on: date, count: int) -> None:
    with pytest.raises(DomainError, match=f"got {count} values"):
        channel_day(count, read_on=read_on)


def test_channel_day_refuses_flags_of_another_length() -> None:
    with pytest.raises(DomainError, match="same length"):
        channel_day(48, qualities=(Quality.ACTUAL,) * 47)


def test_channel_day_refuses_an_unknown_zone() -> None:
    with pytest.raises(DomainError, match="unknown time zone"):
        channel_day(48, zone="Nowhere/Special")


@pytest.mark.parametrize(("read_on", "count"), [(SPRING, 46), (AUTUMN, 50), (date(2024, 6, 1), 48)])
def test_intervals_are_utc_half_open_and_tile_the_day(read_on: date, count: int) -> None:
    day = channel_day(count, read_on=read_on)
    reads = list(day.intervals())
    assert reads[0].interval.start == day.span.start
    assert reads[-1].interval.end == day.span.end
    assert all(a.interval.end == b.interval.start for a, b in itertools.pairwise(reads))
    assert all(r.interval.duration == timedelta(minutes=30) for r in reads)
    assert all(r.interval.start.tzinfo is UTC for r in reads)
    assert [r.energy for r in reads] == list(day.values)


def test_autumn_intervals_cover_the_repeated_hour_once_each() -> None:
    reads = list(channel_day(50, read_on=AUTUMN).intervals())
    assert reads[0].interval.start == datetime(2024, 10, 26, 23, tzinfo=UTC)
    # values[2..5] are 01:00-02:00 BST then 01:00-02:00 GMT: four distinct UTC half-hours.
    assert [r.interval.start.hour for r in reads[2:6]] == [0, 0, 1, 1]
    assert len({r.interval.start for r in reads}) == 50


def test_identity_key_is_stable_while_content_key_follows_the_content() -> None:
    original = channel_day(48)
    resent = channel_day(48)
    corrected = channel_day(48, values=(Decimal("9.9"), *original.values[1:]))
    reflagged = channel_day(48, qualities=(Quality.ESTIMATED, *original.qualities[1:]))
    with_method = channel_day(48, methods=("52", *original.methods[1:]))
    assert original.identity_key == corrected.identity_key == reflagged.identity_key
    assert original.content_key == resent.content_key
    keys = {
        original.content_key,
        corrected.content_key,
        reflagged.content_key,
        with_method.content_key,
    }
    assert len(keys) == 4


def test_content_key_compares_quantities_not_their_spelling() -> None:
    values = (Decimal("1.5"),) + (Decimal(0),) * 47
    same = (Decimal("1.500"),) + (Decimal("0.0"),) * 47
    assert channel_day(48, values=values).content_key == channel_day(48, values=same).content_key
    missing = (None, *values[1:])
    assert channel_day(48, values=missing).content_key != channel_day(48, values=values).content_key


def test_identity_key_differs_by_day_and_channel() -> None:
    day = channel_day(48)
    assert day.identity_key != channel_day(48, read_on=date(2024, 6, 2)).identity_key
    assert day.identity_key != dataclasses.replace(day, channel="AE").identity_key


def _interval_read(energy: Decimal | None, quality: Quality = Quality.ACTUAL) -> IntervalRead:
    start = datetime(2024, 6, 1, 10, tzinfo=UTC)
    interval = Interval(start, start + timedelta(minutes=30))
    return IntervalRead(
        "1030006718997", "AI", interval, energy, Unit.KWH, quality, None, None, SOURCE
    )


def test_interval_read_keys_are_deterministic() -> None:
    first, again = _interval_read(Decimal("1.5")), _interval_read(Decimal("1.5"))
    changed, reflagged = (
        _interval_read(Decimal("1.6")),
        _interval_read(Decimal("1.5"), Quality.ESTIMATED),
    )
    assert first.idempotency_key == again.idempotency_key
    assert len(first.idempotency_key) == 32 and int(first.idempotency_key, 16) >= 0
    assert first.identity_key == changed.identity_key == reflagged.identity_key
    assert len({first.idempotency_key, changed.idempotency_key, reflagged.idempotency_key}) == 3
    assert _interval_read(None).idempotency_key != _interval_read(Decimal(0)).idempotency_key


def _register_read(read_at: datetime, value: str = "1234.5") -> RegisterRead:
    return RegisterRead(
        "1030006718997", "S95A12345", "1", read_at, Decimal(value), Unit.KWH,
        Quality.ACTUAL, None, None, "R", SOURCE,
    )  # fmt: skip


def test_register_read_refuses_naive_and_normalises_to_utc() -> None:
    with pytest.raises(DomainError, match="read_at must be timezone-aware"):
        _register_read(datetime(2024, 6, 1, 10))  # noqa: DTZ001
    read = _register_read(datetime(2024, 6, 1, 11, tzinfo=UK_TIME))
    assert read.read_at == datetime(2024, 6, 1, 10, tzinfo=UTC) and read.read_at.tzinfo is UTC


def test_register_read_key_is_deterministic() -> None:
    at = datetime(2024, 6, 1, 10, tzinfo=UTC)
    assert _register_read(at).idempotency_key == _register_read(at).idempotency_key
    assert _register_read(at).idempotency_key != _register_read(at, "1234.6").idempotency_key


def test_rejection_key_is_per_file_line_and_reason() -> None:
    rejection = Rejection(SOURCE, "a.csv", "BAD_DATE", "no such date", "300,20240230")
    same = Rejection(SOURCE, "a.csv", "BAD_DATE", "reworded message", "300,20240230")
    other = Rejection(SourceRef(SOURCE.file_id, 8), "a.csv", "BAD_DATE", "no such date", "")
    assert rejection.idempotency_key == same.idempotency_key != other.idempotency_key
    assert str(rejection) == "a.csv:7: BAD_DATE: no such date"
