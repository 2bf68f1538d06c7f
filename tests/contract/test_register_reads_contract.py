"""RegisterReadStore contract: versions by (supply point, meter, register, instant), exact values,
UTC instants, latest-version range queries; and (SQL only) the 0001 -> 0002 upgrade keeps data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.contract.builders import SOURCE, bill, channel_day

from meter2cash.adapters.sql import SqlUnitOfWorkFactory, make_engine, metadata, upgrade_to_head
from meter2cash.adapters.sql.intervals import channel_day_row
from meter2cash.adapters.sql.migrate import alembic_config, current_revision
from meter2cash.domain.errors import DomainError, NotFoundError, PrecisionError
from meter2cash.domain.quantity import Unit, to_micro
from meter2cash.domain.reads import ChannelDay, IntervalRead, Quality, RegisterRead, SourceRef
from meter2cash.domain.time import Interval
from meter2cash.ports import PutResult, UnitOfWorkFactory

SP = "6001234567"
AT = datetime(2024, 1, 15, 9, 30, tzinfo=UTC)
JAN, FEB = datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 2, 1, tzinfo=UTC)
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def register_read(
    supply_point_id: str = SP,
    read_at: datetime = AT,
    register_id: str = "E1",
    meter_serial: str = "M-1",
    *,
    value: str | Decimal = "12345.6",
    unit: Unit = Unit.KWH,
    quality: Quality = Quality.ACTUAL,
    method: str | None = None,
    reason: str | None = None,
    read_type: str | None = "A",
    source: SourceRef = SOURCE,
) -> RegisterRead:
    return RegisterRead(
        supply_point_id,
        meter_serial,
        register_id,
        read_at,
        Decimal(value),
        unit,
        quality,
        method,
        reason,
        read_type,
        source,
    )


def test_new_then_unchanged_then_corrected(uow_factory) -> None:
    original, corrected = register_read(), register_read(value="12345.7")
    with uow_factory() as uow:
        store = uow.register_reads
        new = store.put(original)
        assert (new.outcome, new.version, new.previous_id) == ("new", 1, None)
        assert store.put(original) == PutResult("unchanged", new.id, 1)
        correction = store.put(corrected)
        assert (correction.outcome, correction.version, correction.previous_id) == (
            "corrected",
            2,
            new.id,
        )
        assert correction.id != new.id
        assert store.put(corrected) == PutResult("unchanged", correction.id, 2)
        uow.commit()
    with uow_factory() as uow:
        old, latest = uow.register_reads.get(new.id), uow.register_reads.get(correction.id)
        assert (old.id, old.version, old.superseded_by, old.read) == (
            new.id,
            1,
            correction.id,
            original,
        )
        assert (latest.id, latest.version, latest.superseded_by, latest.read) == (
            correction.id,
            2,
            None,
            corrected,
        )
        assert uow.register_reads.latest(SP, JAN, FEB) == [latest]
        assert uow.register_reads.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"value": "12345.61"},
        {"unit": Unit.KVARH},
        {"quality": Quality.ESTIMATED},
        {"method": "14"},
        {"reason": "79"},
        {"read_type": None},
        {"read_type": "C"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_every_content_field_is_a_correction(uow_factory, change: dict[str, Any]) -> None:
    with uow_factory() as uow:
        first = uow.register_reads.put(register_read())
        result = uow.register_reads.put(register_read(**change))
        assert (result.outcome, result.version, result.previous_id) == ("corrected", 2, first.id)


def test_the_same_content_from_another_source_or_spelling_is_unchanged(uow_factory) -> None:
    """The source is provenance, not content; ``12345.60`` is the same quantity as ``12345.6``."""
    with uow_factory() as uow:
        stored = uow.register_reads.put(register_read())
        for resend in (
            register_read(source=SourceRef("cd" * 32, 99, "250")),
            register_read(value="12345.600000"),
            register_read(read_at=AT.astimezone(timezone(timedelta(hours=10)))),
        ):
            assert uow.register_reads.put(resend) == PutResult("unchanged", stored.id, 1)
        assert uow.register_reads.get(stored.id).read.source == SOURCE  # the first source is kept


@pytest.mark.parametrize(
    "other",
    [
        {"supply_point_id": "6009999999"},
        {"meter_serial": "M-2"},
        {"register_id": "E2"},
        {"read_at": AT + timedelta(microseconds=1)},
    ],
    ids=lambda other: next(iter(other)),
)
def test_each_identity_field_separates_reads(uow_factory, other: dict[str, Any]) -> None:
    with uow_factory() as uow:
        first = uow.register_reads.put(register_read(value="1"))
        second = uow.register_reads.put(register_read(value="2", **other))
        assert (second.outcome, second.version) == ("new", 1)
        assert second.id != first.id
        assert uow.register_reads.count() == 2
        assert uow.register_reads.get(first.id).superseded_by is None


def test_a_resend_of_an_old_version_is_a_new_correction(uow_factory) -> None:
    with uow_factory() as uow:
        uow.register_reads.put(register_read(value="1"))
        uow.register_reads.put(register_read(value="2"))
        again = uow.register_reads.put(register_read(value="1"))
        assert (again.outcome, again.version) == ("corrected", 3)
        assert uow.register_reads.count() == 1


EXACT = [
    "0.000001",
    "-1.5",
    "123456789.123456",
    "0",
    "2.100000",
    "99999999999.999999",
    "9223372036854.775807",
    "-9223372036854.775808",
]


def test_values_round_trip_exactly(uow_factory) -> None:
    reads = [register_read(register_id=f"R{k}", value=text) for k, text in enumerate(EXACT)]
    with uow_factory() as uow:
        ids = [uow.register_reads.put(read).id for read in reads]
        uow.commit()
    with uow_factory() as uow:
        stored = [uow.register_reads.get(i).read for i in ids]
    assert stored == reads
    assert [to_micro(s.value) for s in stored] == [to_micro(Decimal(text)) for text in EXACT]
    # Read back normalised everywhere, the fake included (``2.100000`` as ``2.1``): equal either
    # way, but a report printing the value must not depend on which adapter is behind the port.
    assert [str(s.value) for s in stored] == [
        "0.000001",
        "-1.5",
        "123456789.123456",
        "0",
        "2.1",
        "99999999999.999999",
        "9223372036854.775807",
        "-9223372036854.775808",
    ]


@pytest.mark.parametrize(
    "value", ["0.0000001", "1.1234567", "9223372036854.775808", "-9223372036854.775809", "1E+30"]
)
def test_a_value_that_cannot_be_held_exactly_is_refused(uow_factory, value: str) -> None:
    with uow_factory() as uow:
        with pytest.raises(PrecisionError):
            uow.register_reads.put(register_read(value=value))
        assert uow.register_reads.count() == 0
        assert uow.register_reads.put(register_read()).outcome == "new"  # the store still works


def test_instants_round_trip_as_utc(uow_factory) -> None:
    london = ZoneInfo("Europe/London")
    given_at = [
        datetime(2024, 1, 15, 19, 30, 0, 123456, tzinfo=timezone(timedelta(hours=10))),
        datetime(2024, 10, 27, 1, 30, tzinfo=london),  # BST: 00:30 UTC
        datetime(2024, 10, 27, 1, 30, fold=1, tzinfo=london),  # GMT, an hour later: 01:30 UTC
        datetime(2024, 3, 31, 0, 59, 59, 999999, tzinfo=UTC),
    ]
    reads = [register_read(read_at=at) for at in given_at]
    with uow_factory() as uow:
        ids = [uow.register_reads.put(read).id for read in reads]
        assert len(set(ids)) == 4  # four instants, four reads: the repeated 01:30 included
        uow.commit()
    with uow_factory() as uow:
        stored = [uow.register_reads.get(i).read.read_at for i in ids]
        assert uow.register_reads.latest(SP, JAN, datetime(2025, 1, 1, tzinfo=UTC))
    assert stored == [at.astimezone(UTC) for at in given_at]
    assert [at.utcoffset() for at in stored] == [timedelta(0)] * 4
    assert stored[1:3] == [
        datetime(2024, 10, 27, 0, 30, tzinfo=UTC),
        datetime(2024, 10, 27, 1, 30, tzinfo=UTC),
    ]


def test_latest_is_half_open_and_ordered_by_meter_register_instant(uow_factory) -> None:
    day = datetime(2024, 1, 15, tzinfo=UTC)
    with uow_factory() as uow:
        # Serials and registers whose code-point order differs from a locale's collation.
        for serial in ("m-2", "M-1", "M_1"):
            for register in ("e1", "E2", "B1"):
                for hours in (-1, 0, 12, 24):
                    uow.register_reads.put(
                        register_read(
                            read_at=day + timedelta(hours=hours),
                            register_id=register,
                            meter_serial=serial,
                        )
                    )
        uow.register_reads.put(register_read("OTHER", day))
        uow.register_reads.put(
            register_read(read_at=day, register_id="B1", meter_serial="M-1", value="5")
        )
        uow.commit()
    with uow_factory() as uow:
        found = uow.register_reads.latest(SP, day, day + timedelta(days=1))
        assert [(s.read.meter_serial, s.read.register_id, s.read.read_at.hour) for s in found] == [
            (serial, register, hour)
            for serial in ("M-1", "M_1", "m-2")
            for register in ("B1", "E2", "e1")
            for hour in (0, 12)
        ]
        assert all(s.superseded_by is None for s in found)
        assert (found[0].version, found[0].read.value) == (2, Decimal(5))
        aware_elsewhere = uow.register_reads.latest(
            SP,
            day.astimezone(ZoneInfo("America/New_York")),
            (day + timedelta(hours=12)).astimezone(timezone(timedelta(hours=10))),
        )
        assert [s.read.read_at for s in aware_elsewhere] == [day] * 9
        assert uow.register_reads.latest(SP, day, day) == []
        assert uow.register_reads.latest("NOBODY", JAN, FEB) == []
        assert uow.register_reads.count() == 3 * 3 * 4 + 1


def test_naive_bounds_are_refused(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(DomainError):
        uow.register_reads.latest(SP, datetime(2024, 1, 1), FEB)  # noqa: DTZ001


def test_get_unknown_is_not_found(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(NotFoundError):
        uow.register_reads.get(424242)


class Crash(Exception):
    pass


def test_an_exception_rolls_back(uow_factory) -> None:
    with uow_factory() as uow:
        kept = uow.register_reads.put(register_read())
        uow.commit()
    with pytest.raises(Crash), uow_factory() as uow:
        uow.register_reads.put(register_read(value="9"))
        uow.register_reads.put(register_read(register_id="E2"))
        raise Crash
    with uow_factory() as uow:
        assert uow.register_reads.count() == 1
        assert uow.register_reads.get(kept.id).superseded_by is None
        assert uow.register_reads.latest(SP, JAN, FEB)[0].read == register_read()
    with uow_factory() as uow:  # leaving without commit is a rollback too
        uow.register_reads.put(register_read(value="9"))
    with uow_factory() as uow:
        assert uow.register_reads.put(register_read()) == PutResult("unchanged", kept.id, 1)


contents = st.tuples(
    st.sampled_from(["1", "2.5", "2.50"]), st.sampled_from([Quality.ACTUAL, Quality.ESTIMATED])
)
identities = st.tuples(
    st.sampled_from(["sp-a", "sp-b"]),
    st.sampled_from(["E1", "B1"]),
    st.sampled_from([AT, AT + timedelta(minutes=30)]),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(puts=st.lists(st.tuples(identities, contents), max_size=20))
def test_versions_follow_content_changes(uow_factory: UnitOfWorkFactory, puts) -> None:
    """Versions == content changes per identity (``2.5`` and ``2.50`` being one content); latest
    == the last distinct content; each older version points at the next."""
    model: dict[tuple[str, str, datetime], list[tuple[Decimal, Quality]]] = {}
    ids: dict[tuple[str, str, datetime], list[int]] = {}
    with uow_factory() as uow:  # never committed: each example starts empty
        for (sp, register, at), (value, quality) in puts:
            history = model.setdefault((sp, register, at), [])
            content = (Decimal(value), quality)
            result = uow.register_reads.put(
                register_read(sp, at, register, value=value, quality=quality)
            )
            expected = (
                "new" if not history else "unchanged" if history[-1] == content else ("corrected")
            )
            if expected != "unchanged":
                history.append(content)
                ids.setdefault((sp, register, at), []).append(result.id)
            assert (result.outcome, result.version) == (expected, len(history))
        for (sp, register, at), history in model.items():
            chain = [uow.register_reads.get(i) for i in ids[(sp, register, at)]]
            assert [(s.version, s.read.value, s.read.quality) for s in chain] == [
                (k + 1, *content) for k, content in enumerate(history)
            ]
            assert [s.superseded_by for s in chain] == [s.id for s in chain[1:]] + [None]
        for sp in ("sp-a", "sp-b"):
            latest = uow.register_reads.latest(sp, JAN, FEB)
            assert [
                (s.read.register_id, s.read.read_at, s.read.value, s.read.quality) for s in latest
            ] == [
                (register, at, *history[-1])
                for (sp_, register, at), history in sorted(model.items())
                if sp_ == sp
            ]
        assert uow.register_reads.count() == len(model)


# --- SQL only: a database created at 0001 upgrades to head with its data ---------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """A database with no schema at all (not the session's migrated one)."""
    if request.param == "postgres":
        url = request.getfixturevalue("fresh_postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'at-0001.db'}"
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def migrate(engine: sa.Engine, revision: str, *, down: bool = False) -> None:
    with engine.begin() as connection:
        (command.downgrade if down else command.upgrade)(alembic_config(connection), revision)


def _insert_at_0001(engine: sa.Engine, day: ChannelDay) -> int:
    """Write a channel-day as the 0001 schema holds it (today's store writes later columns)."""
    table = sa.Table("channel_days", sa.MetaData(), autoload_with=engine)
    row = {k: v for k, v in channel_day_row(day).items() if k in table.c}
    row |= {"version": 1, "billable": True, "superseded_by": None}
    with engine.begin() as connection:
        return int(
            connection.execute(sa.insert(table).values(row).returning(table.c.id)).scalar_one()
        )


def test_a_database_at_0001_upgrades_to_head_with_its_data(empty_engine: sa.Engine) -> None:
    migrate(empty_engine, "0001")
    assert current_revision(empty_engine) == "0001"
    assert "register_reads" not in sa.inspect(empty_engine).get_table_names()
    factory = SqlUnitOfWorkFactory(empty_engine)
    day, issued = channel_day(), bill()
    day_id = _insert_at_0001(empty_engine, day)
    with factory() as uow:  # only the 0001 stores: the new ones' tables do not exist yet
        uow.bills.issue(issued)
        uow.log.append("raw", SP, "reads_received", 1, {"n": 1}, "raw-1")
        uow.commit()

    upgrade_to_head(empty_engine)

    assert current_revision(empty_engine) == HEAD
    with empty_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert list(compare_metadata(context, metadata)) == []
    irregular = IntervalRead(
        SP,
        "E1",
        Interval(AT, AT + timedelta(minutes=7)),
        Decimal("0.042"),
        Unit.KWH,
        Quality.ACTUAL,
        None,
        None,
        SOURCE,
    )
    with factory() as uow:
        assert uow.intervals.get(day_id).channel_day == day
        [total] = uow.intervals.day_totals(day.supply_point_id, day.read_on, FEB)
        assert total.total_micro == sum(to_micro(v) for v in day.values if v is not None)
        assert uow.bills.get(issued.bill_id) == issued
        assert [r.idempotency_key for r in uow.log.read("raw", 0, 10)] == ["raw-1"]
        assert uow.register_reads.put(register_read()).outcome == "new"
        assert uow.interval_reads.put(irregular).outcome == "new"
        uow.commit()
    with factory() as uow:
        assert [s.read for s in uow.register_reads.latest(SP, JAN, FEB)] == [register_read()]
        assert [s.read for s in uow.interval_reads.latest(SP, JAN, FEB)] == [irregular]

    migrate(empty_engine, "0001", down=True)  # and back: only the new tables and columns go
    assert {"register_reads", "interval_reads"}.isdisjoint(
        sa.inspect(empty_engine).get_table_names()
    )
    with empty_engine.connect() as connection:
        assert connection.execute(sa.text("SELECT id FROM channel_days")).scalars().all() == [
            day_id
        ]
    upgrade_to_head(empty_engine)
    with factory() as uow:
        assert uow.intervals.get(day_id).channel_day == day
    with factory() as uow:
        assert uow.register_reads.count() == 0
        assert uow.register_reads.put(register_read(value="1")).outcome == "new"
