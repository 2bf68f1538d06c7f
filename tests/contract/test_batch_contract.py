"""Batch writes behave exactly like the per-row methods they replace on the hot path.

Each property applies a random sequence both ways — batch in one adapter transaction, one by one in
another — and compares everything observable: outcomes, versions, version chains, billability,
offsets order and duplicates.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.contract.builders import channel_day, determinant

from meter2cash.ports import LogEntry, UnitOfWorkFactory

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
keys = st.tuples(st.sampled_from(["sp-a", "sp-b"]), st.sampled_from(["E1", "B1"]),
                 st.sampled_from([date(2024, 1, 1), date(2024, 1, 2)]))  # fmt: skip
variants = st.sampled_from(["0.1", "0.2", "0.3"])


def _observe_days(uow, touched):
    return {
        key: [(v.version, v.billable, v.channel_day.content_key, v.superseded_by is None)
              for v in uow.intervals.versions(*key)]
        for key in touched
    }  # fmt: skip


@SETTINGS
@given(
    puts=st.lists(st.tuples(keys, variants, st.booleans()), max_size=25), split=st.integers(0, 25)
)
def test_put_many_equals_put_then_set_billable(uow_factory: UnitOfWorkFactory, puts, split):
    days = [(channel_day(sp, on, ch, base=base), billable) for (sp, ch, on), base, billable in puts]
    touched = {(sp, ch, on) for (sp, ch, on), _, _ in puts}
    with uow_factory() as uow:  # one by one
        expected = []
        for day, billable in days:
            result = uow.intervals.put(day)
            if result.outcome != "unchanged":
                uow.intervals.set_billable(result.id, billable)
            expected.append((result.outcome, result.version))
        expected_state = _observe_days(uow, touched)
    with uow_factory() as uow:  # in two batches: duplicates inside and across batches
        first = uow.intervals.put_many(days[:split])
        second = uow.intervals.put_many(days[split:])
        results = first + second
        assert [(r.outcome, r.version) for r in results] == expected
        assert _observe_days(uow, touched) == expected_state
        for result in results:
            assert uow.intervals.get(result.id).version == result.version
        latest = uow.intervals.latest_of([*touched, ("nobody", "E1", date(2024, 1, 1))])
        assert set(latest) == touched
        assert all(stored.superseded_by is None for stored in latest.values())


@SETTINGS
@given(puts=st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.integers(1, 3)), max_size=20))
def test_determinant_put_many_equals_put(uow_factory: UnitOfWorkFactory, puts):
    items = [determinant(quantity_micro=q, supply_point_id=sp) for sp, q in puts]
    with uow_factory() as uow:
        expected = [
            (stored.version, changed) for stored, changed in map(uow.determinants.put, items)
        ]
        # ids are not compared across transactions: PostgreSQL sequences do not roll back
        expected_latest = sorted(
            (d.version, d.determinant.content_key) for d in uow.determinants.latest()
        )
    with uow_factory() as uow:
        results = uow.determinants.put_many(items)
        assert [(stored.version, changed) for stored, changed in results] == expected
        assert (
            sorted((d.version, d.determinant.content_key) for d in uow.determinants.latest())
            == expected_latest
        )
        for stored, _ in results:
            assert uow.determinants.get(stored.id).determinant == stored.determinant


@SETTINGS
@given(entries=st.lists(st.tuples(st.sampled_from(["s1", "s2"]), st.sampled_from("abcd")),
                        max_size=20))  # fmt: skip
def test_append_many_equals_append(uow_factory: UnitOfWorkFactory, entries):
    batch = [
        LogEntry(stream, "k", "t", 1, {"n": n}, key) for n, (stream, key) in enumerate(entries)
    ]
    with uow_factory() as uow:
        uow.log.append("s1", "k", "t", 1, {"n": -1}, "a")  # already there before the batch
        offsets = uow.log.append_many(batch)
        seen = {("s1", "a")}
        for entry, offset in zip(batch, offsets, strict=True):
            duplicate = (entry.stream, entry.idempotency_key) in seen
            seen.add((entry.stream, entry.idempotency_key))
            assert (offset is None) == duplicate
        fresh = [o for o in offsets if o is not None]
        assert fresh == sorted(fresh) and len(set(fresh)) == len(fresh)
        for stream in ("s1", "s2"):
            records = uow.log.read(stream, 0, 100)
            payloads = [r.payload["n"] for r in records]
            expected = ([-1] if stream == "s1" else []) + [
                n for n, (e, o) in enumerate(zip(batch, offsets, strict=True))
                if o is not None and e.stream == stream
            ]  # fmt: skip
            assert payloads == expected
