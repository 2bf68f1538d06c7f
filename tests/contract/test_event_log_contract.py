"""EventLog contract: idempotent appends, ordered reads, per-consumer committed offsets."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meter2cash.adapters.sql import SqlUnitOfWorkFactory
from meter2cash.ports import EventLog, UnitOfWorkFactory

PAYLOAD = {
    "channel_day": {"values": ["0.125", None], "read_on": "2024-01-15"},
    "n": 3,
    "note": "Zählerstand ✓",
    "flags": [True, False],
}


def append(log: EventLog, stream: str, idempotency_key: str, key: str = "sp-1") -> int | None:
    return log.append(stream, key, "reads_received", 1, {"k": idempotency_key}, idempotency_key)


def test_append_returns_increasing_offsets_and_ignores_duplicates(uow_factory) -> None:
    with uow_factory() as uow:
        first = append(uow.log, "raw", "a")
        second = append(uow.log, "raw", "b")
        assert first is not None and second is not None and 0 < first < second
        assert append(uow.log, "raw", "a") is None
        assert append(uow.log, "curated", "a") is not None  # keys are per stream
        assert [r.idempotency_key for r in uow.log.read("raw", 0, 10)] == ["a", "b"]
        uow.commit()
    with uow_factory() as uow:
        assert append(uow.log, "raw", "b") is None  # also after commit, in a new unit of work
        assert uow.log.end_offset("raw") == second


def test_records_round_trip(uow_factory) -> None:
    with uow_factory() as uow:
        offset = uow.log.append("raw", "6001234567", "reads_received", 2, PAYLOAD, "k1")
        uow.commit()
    with uow_factory() as uow:
        [record] = uow.log.read("raw", 0, 10)
    assert (record.offset, record.stream, record.key, record.event_type) == (
        offset,
        "raw",
        "6001234567",
        "reads_received",
    )
    assert (record.schema_version, record.payload, record.idempotency_key) == (2, PAYLOAD, "k1")


def test_read_is_ordered_filtered_by_stream_and_bounded(uow_factory) -> None:
    with uow_factory() as uow:
        raw = [append(uow.log, "raw", f"r{i}") for i in range(5)]
        other = [append(uow.log, "curated", f"c{i}") for i in range(3)]
        raw.append(append(uow.log, "raw", "r5"))
        log = uow.log
        assert [r.offset for r in log.read("raw", 0, 100)] == raw
        assert [r.offset for r in log.read("raw", raw[1], 2)] == raw[2:4]
        assert [r.offset for r in log.read("raw", raw[-1], 10)] == []
        assert [r.offset for r in log.read("curated", 0, 10)] == other
        assert log.read("raw", 0, 0) == []
        assert log.read("nothing", 0, 10) == []
        # Offsets are one sequence for the whole log: gaps within a stream are allowed.
        assert raw[-1] > other[-1]
        assert [r.offset for r in log.read("raw", other[0], 10)] == raw[5:]


def test_end_offset(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.log.end_offset("raw") == 0
        last = [append(uow.log, "raw", key) for key in "abc"][-1]
        append(uow.log, "curated", "z")
        assert uow.log.end_offset("raw") == last


def test_committed_offsets_are_per_consumer_and_stream(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.log.committed("interpret", "raw") == 0
        uow.log.commit("interpret", "raw", 5)
        uow.log.commit("interpret", "curated", 9)
        uow.log.commit("determine", "raw", 2)
        uow.commit()
    with uow_factory() as uow:
        assert uow.log.committed("interpret", "raw") == 5
        assert uow.log.committed("interpret", "curated") == 9
        assert uow.log.committed("determine", "raw") == 2
        uow.log.commit("interpret", "raw", 7)
        uow.log.commit("determine", "raw", 0)  # moving back is how a consumer is replayed
        uow.commit()
    with uow_factory() as uow:
        assert uow.log.committed("interpret", "raw") == 7
        assert uow.log.committed("determine", "raw") == 0


def test_a_consumer_resumes_after_its_committed_offset(uow_factory) -> None:
    with uow_factory() as uow:
        for i in range(7):
            append(uow.log, "raw", f"e{i}")
        uow.commit()
    seen: list[str] = []
    while True:
        with uow_factory() as uow:
            batch = uow.log.read("raw", uow.log.committed("worker", "raw"), 3)
            if not batch:
                break
            seen.extend(r.idempotency_key for r in batch)
            uow.log.commit("worker", "raw", batch[-1].offset)
            uow.commit()
    assert seen == [f"e{i}" for i in range(7)]


appends = st.lists(
    st.tuples(st.sampled_from(["raw", "curated"]), st.sampled_from(["a", "b", "c", "d", "e"])),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=appends)
def test_appends_match_a_model_log(uow_factory: UnitOfWorkFactory, operations) -> None:
    """Each stream holds each idempotency key once, in first-append order; offsets only grow."""
    with uow_factory() as uow:  # never committed: every example starts from an empty log
        returned = [append(uow.log, stream, key) for stream, key in operations]
        first_time = [(s, k) not in operations[:i] for i, (s, k) in enumerate(operations)]
        assert [offset is not None for offset in returned] == first_time
        offsets = [offset for offset in returned if offset is not None]
        assert offsets == sorted(set(offsets))
        for stream in ("raw", "curated"):
            expected = list(dict.fromkeys(k for s, k in operations if s == stream))
            assert [r.idempotency_key for r in uow.log.read(stream, 0, 100)] == expected


def test_concurrent_appenders_to_a_stream_commit_in_offset_order(sql_engine: sa.Engine) -> None:
    """A reader must never see a later offset of a stream while an earlier one is still uncommitted,
    or a consumer that commits past it would skip the earlier record forever."""
    factory = SqlUnitOfWorkFactory(sql_engine)
    second_offset: list[int | None] = []

    def second_appender() -> None:
        with factory() as uow:
            second_offset.append(append(uow.log, "raw", "second"))
            uow.commit()

    with factory() as first:
        first_offset = append(first.log, "raw", "first")
        thread = threading.Thread(target=second_appender)
        thread.start()
        thread.join(timeout=0.5)
        assert thread.is_alive(), "the second appender must wait for the first to finish"
        if sql_engine.dialect.name == "postgresql":  # SQLite readers would queue behind the writer
            with factory() as reader:
                assert reader.log.read("raw", 0, 10) == []
        first.commit()
    thread.join(timeout=10)
    assert not thread.is_alive()
    with factory() as reader:
        records = reader.log.read("raw", 0, 10)
    assert [(r.idempotency_key, r.offset) for r in records] == [
        ("first", first_offset),
        ("second", second_offset[0]),
    ]
    assert first_offset is not None and second_offset[0] is not None
    assert first_offset < second_offset[0]
