"""UnitOfWork contract: a block's effects and its consumer offset commit together or not at all."""

from __future__ import annotations

from datetime import date

import pytest
from tests.contract.builders import bill, channel_day, determinant, issue, rejection, source_file

from meter2cash.adapters.memory import (
    ConcurrentCommitError,
    MemoryDatabase,
    MemoryUnitOfWorkFactory,
)
from meter2cash.ports import UnitOfWork

DAY = date(2024, 1, 15)
POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)


class Crash(Exception):
    pass


def write_everything(uow: UnitOfWork) -> None:
    """What a consumer does: effects in every store, an event out, and its offset in."""
    uow.files.add(source_file())
    uow.rejections.add([rejection()])
    uow.intervals.put(channel_day())
    uow.issues.add(issue())
    uow.determinants.put(determinant())
    uow.bills.issue(bill())
    uow.log.append("curated", "sp", "consumption_curated", 1, {"n": 1}, "curated-1")
    uow.log.commit("interpret", "raw", 41)


def visible(uow: UnitOfWork) -> dict[str, object]:
    return {
        "files": len(uow.files.list()),
        "rejections": len(uow.rejections.list()),
        "channel_days": len(uow.intervals.latest("6001234567", DAY, date(2024, 1, 16))),
        "issues": len(uow.issues.list()),
        "determinants": len(uow.determinants.latest()),
        "bills": len(uow.bills.list()),
        "events": len(uow.log.read("curated", 0, 10)),
        "offset": uow.log.committed("interpret", "raw"),
    }


NOTHING = {
    "files": 0,
    "rejections": 0,
    "channel_days": 0,
    "issues": 0,
    "determinants": 0,
    "bills": 0,
    "events": 0,
    "offset": 0,
}
EVERYTHING = {
    "files": 1,
    "rejections": 1,
    "channel_days": 1,
    "issues": 1,
    "determinants": 1,
    "bills": 1,
    "events": 1,
    "offset": 41,
}


def test_commit_makes_effects_and_offset_visible_together(uow_factory) -> None:
    with uow_factory() as uow:
        write_everything(uow)
        assert visible(uow) == EVERYTHING  # a block sees its own writes
        uow.commit()
    with uow_factory() as uow:
        assert visible(uow) == EVERYTHING


def test_an_exception_rolls_back_effects_and_offset_together(uow_factory) -> None:
    with pytest.raises(Crash), uow_factory() as uow:
        write_everything(uow)
        raise Crash
    with uow_factory() as uow:
        assert visible(uow) == NOTHING


def test_leaving_the_block_without_commit_rolls_back(uow_factory) -> None:
    with uow_factory() as uow:
        write_everything(uow)
    with uow_factory() as uow:
        assert visible(uow) == NOTHING


def test_writes_after_a_commit_need_their_own_commit(uow_factory) -> None:
    with uow_factory() as uow:
        uow.log.commit("interpret", "raw", 1)
        uow.commit()
        uow.log.commit("interpret", "raw", 2)
        uow.intervals.put(channel_day())
    with uow_factory() as uow:
        assert uow.log.committed("interpret", "raw") == 1
        assert uow.intervals.counts().versions == 0


def test_explicit_rollback_then_more_work(uow_factory) -> None:
    with uow_factory() as uow:
        write_everything(uow)
        uow.rollback()
        assert visible(uow) == NOTHING
        uow.log.commit("interpret", "raw", 7)
        uow.commit()
    with uow_factory() as uow:
        assert visible(uow) == NOTHING | {"offset": 7}


def test_a_crashed_consumer_reprocesses_exactly_what_it_had_not_committed(uow_factory) -> None:
    with uow_factory() as uow:
        for i in range(4):
            uow.log.append("raw", "sp", "reads_received", 1, {"base": f"0.{i + 1}"}, f"raw-{i}")
        uow.commit()

    def consume(crash_after: int | None) -> None:
        with uow_factory() as uow:
            records = uow.log.read("raw", uow.log.committed("interpret", "raw"), 2)
            for record in records:
                day = channel_day(
                    read_on=date(2024, 1, 1 + record.offset % 28), base=record.payload["base"]
                )
                uow.intervals.put(day)
                uow.log.append(
                    "curated",
                    "sp",
                    "consumption_curated",
                    1,
                    {},
                    f"curated-{record.idempotency_key}",
                )
                if crash_after is not None:
                    raise Crash
            if records:
                uow.log.commit("interpret", "raw", records[-1].offset)
            uow.commit()

    consume(None)
    with pytest.raises(Crash):
        consume(crash_after=0)
    consume(None)
    consume(None)
    with uow_factory() as uow:
        assert uow.intervals.counts().versions == 4
        assert [r.idempotency_key for r in uow.log.read("curated", 0, 10)] == [
            f"curated-raw-{i}" for i in range(4)
        ]
        assert uow.log.committed("interpret", "raw") == uow.log.end_offset("raw")


def test_using_a_unit_of_work_outside_its_block_is_an_error(uow_factory) -> None:
    uow = uow_factory()
    with uow:
        pass
    with pytest.raises(RuntimeError):
        uow.commit()


@pytest.mark.parametrize("adapter", ["memory", POSTGRES])
def test_uncommitted_writes_are_invisible_to_other_units_of_work(uow_factory) -> None:
    """Not for SQLite: there a second unit of work waits for the first to finish (one writer)."""
    with uow_factory() as writer:
        write_everything(writer)
        with uow_factory() as reader:
            assert visible(reader) == NOTHING
        writer.commit()
        with uow_factory() as reader:
            assert visible(reader) == EVERYTHING


def test_memory_refuses_a_commit_that_would_clobber_another() -> None:
    """The fake's stand-in for a serialization failure: lost updates must never pass silently."""
    factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    with factory() as first, factory() as second:
        first.log.commit("c", "raw", 1)
        second.log.commit("c", "raw", 2)
        second.commit()
        with pytest.raises(ConcurrentCommitError):
            first.commit()
    with factory() as reader, factory() as idle:
        assert reader.log.committed("c", "raw") == 2
        idle.commit()  # nothing written: nothing to clobber
