"""Loading reference data into the stores: versions, idempotency, corrections, bad files."""

from __future__ import annotations

import shutil
import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from meter2cash import codec
from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.service.pipeline import run_chain
from meter2cash.service.reference import (
    ReferenceView,
    ReinterpretRequest,
    error_line,
    load_reference,
)
from meter2cash.service.streams import CURATED

EXAMPLES = Path(__file__).parents[3] / "examples" / "reference"
HISTORY = EXAMPLES / "exchange-history.yaml"
CORRECTION = EXAMPLES / "exchange-correction.yaml"
MPAN = "1200045678906"
LOADED = datetime(2025, 1, 6, 9, tzinfo=UTC)


@pytest.fixture
def uow_factory() -> MemoryUnitOfWorkFactory:
    return MemoryUnitOfWorkFactory(MemoryDatabase())


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_example_directory_loads_cleanly_and_again_is_a_no_op(uow_factory) -> None:
    first = load_reference([EXAMPLES], uow_factory, LOADED)
    assert first.errors == []
    assert {f.kind for f in first.files} == {"yaml", "csv", "mdd"}
    assert first.mdd is not None and set(first.mdd.tprs_of("0151")) == {"00043", "00210"}
    assert first.stored_supply_points == 12 + 40 + 1
    assert first.new_versions == 54  # the worked example is corrected once, in the same load
    outcomes = {(s.supply_point_id, s.outcome, s.version) for s in first.supply_points}
    assert (MPAN, "new", 1) in outcomes and (MPAN, "corrected", 2) in outcomes

    again = load_reference([EXAMPLES], uow_factory, datetime(2025, 2, 1, tzinfo=UTC))
    assert again.errors == [] and again.new_versions == 0 and again.reinterpret == []
    assert {s.outcome for s in again.supply_points} == {"unchanged"}
    with uow_factory() as uow:
        assert [v.version for v in uow.reference.versions(MPAN)] == [1, 2]


def test_files_apply_in_the_order_their_knowledge_became_true(uow_factory) -> None:
    # named in the wrong order: the correction (known 4 Nov) still goes on top of the history
    report = load_reference([CORRECTION, HISTORY], uow_factory, LOADED)
    assert report.errors == []
    assert [(s.outcome, s.version) for s in report.supply_points] == [
        ("new", 1),
        ("corrected", 2),
    ]


def test_a_correction_is_a_new_version_with_the_spans_to_reinterpret(uow_factory) -> None:
    load_reference([HISTORY], uow_factory, LOADED)
    report = load_reference([CORRECTION], uow_factory, LOADED)
    (loaded,) = report.supply_points
    assert (loaded.outcome, loaded.version, loaded.source_name) == ("corrected", 2, str(CORRECTION))
    exchange = next(c for c in loaded.changes if set(c.channels) == {"AI", "AE"})
    assert exchange.start == datetime(2024, 10, 25, 14, tzinfo=UTC)
    assert exchange.end == datetime(2024, 10, 28, 10, 30, tzinfo=UTC)
    # local (Europe/London) days, half-open: 25 Oct up to and including 28 Oct
    assert (
        ReinterpretRequest(
            MPAN,
            date(2024, 10, 25),
            date(2024, 10, 29),
            ("AE", "AI"),
            exchange.registers,
        )
        in report.reinterpret
    )
    assert all(r.channels is not None for r in report.reinterpret)  # attributes did not change


def test_as_known_at_returns_the_older_version(uow_factory) -> None:
    load_reference([HISTORY, CORRECTION], uow_factory, LOADED)
    with uow_factory() as uow:
        latest = ReferenceView.load(uow, [MPAN])
        then = ReferenceView.load(uow, [MPAN], known_at=datetime(2024, 11, 1, tzinfo=UTC))
        before = ReferenceView.load(uow, [MPAN], known_at=datetime(2024, 10, 1, tzinfo=UTC))
    at = datetime(2024, 10, 26, 12, tzinfo=UTC)  # between the right and the wrong exchange
    latest_period, then_period = latest.period_at(MPAN, at), then.period_at(MPAN, at)
    assert latest_period is not None and latest_period.meter_serial == "S1E9876543"
    assert then_period is not None and then_period.meter_serial == "K17A00123"
    assert (latest.stored(MPAN).version, then.stored(MPAN).version) == (2, 1)  # type: ignore[union-attr]
    assert before.timeline(MPAN) is None


def test_a_bad_file_is_reported_with_file_and_line_and_the_others_load(
    uow_factory, tmp_path: Path
) -> None:
    shutil.copy(EXAMPLES / "demo-au.csv", tmp_path / "good.csv")
    bad = _write(
        tmp_path,
        "bad.yaml",
        """\
        format: meter2cash-reference/1
        supply_points:
          - supply_point_id: "2308894173605"
            market: GB
            zone: Europe/London
            meters:
              - serial: M1
                installed_at: "2024-01-01T00:00:00Z"
                registers:
                  - {register_id: "1", digits: many}
        """,
    )
    _write(tmp_path, "notes.md", "# not reference data\n")
    _write(tmp_path, "stray.json", "{}")
    report = load_reference([tmp_path, tmp_path / "missing.yaml"], uow_factory, LOADED)
    errors = {Path(e.source).name: e for e in report.errors}
    assert set(errors) == {"bad.yaml", "stray.json", "missing.yaml"}
    assert error_line(errors["bad.yaml"]) == 10 and "digits" in errors["bad.yaml"].where
    assert report.failed
    assert report.stored_supply_points == 40  # good.csv went in; notes.md was skipped
    with uow_factory() as uow:
        assert uow.reference.latest([str(bad)]) == {}
        assert "2308894173605" not in uow.reference.supply_point_ids()


def test_a_file_goes_in_whole_or_not_at_all(uow_factory, tmp_path: Path) -> None:
    # the second entry corrects a supply point nobody has described: the first is not stored
    path = _write(
        tmp_path,
        "half.yaml",
        """\
        format: meter2cash-reference/1
        known_from: "2024-12-01T00:00:00Z"
        supply_points:
          - supply_point_id: "2308894173605"
            market: GB
            zone: Europe/London
            meters: []
          - supply_point_id: "1035438531216"
            replaces: {start: "2024-10-01T00:00:00Z"}
            meters:
              - serial: M2
                installed_at: "2024-10-01T00:00:00Z"
        """,
    )
    report = load_reference([path], uow_factory, LOADED)
    (error,) = report.errors
    assert "1035438531216" in error.where and "no reference data" in error.reason
    assert error_line(error) == 11 and report.supply_points == []
    with uow_factory() as uow:
        assert uow.reference.supply_point_ids() == []


def test_knowledge_older_than_the_stored_version_is_refused(uow_factory, tmp_path: Path) -> None:
    load_reference([HISTORY], uow_factory, LOADED)
    text = HISTORY.read_text(encoding="utf-8")
    older = text.replace('known_from: "2024-10-29T08:00:00Z"', 'known_from: "2024-06-01T00:00:00Z"')
    older = older.replace('digits: 6, time_pattern: "00043"', 'digits: 7, time_pattern: "00043"')
    report = load_reference([_write(tmp_path, "older.yaml", older)], uow_factory, LOADED)
    (error,) = report.errors
    assert "already known from 2024-10-29T08:00:00Z" in error.reason


def test_an_attribute_change_asks_for_everything_from_its_instant(
    uow_factory, tmp_path: Path
) -> None:
    load_reference([HISTORY], uow_factory, LOADED)
    text = HISTORY.read_text(encoding="utf-8")
    later = text.replace('known_from: "2024-10-29T08:00:00Z"', 'known_from: "2024-12-01T00:00:00Z"')
    later = later.replace(
        '{from: "2025-02-01T00:00:00Z", value: mhhs}', '{from: "2024-11-20T00:00:00Z", value: mhhs}'
    )
    report = load_reference([_write(tmp_path, "later.yaml", later)], uow_factory, LOADED)
    (loaded,) = report.supply_points
    assert (loaded.outcome, loaded.version, loaded.changes) == ("corrected", 2, ())
    assert report.reinterpret == [ReinterpretRequest(MPAN, date(2024, 11, 20), None)]


def test_the_same_configuration_from_a_moved_file_is_unchanged(uow_factory, tmp_path: Path) -> None:
    load_reference([HISTORY], uow_factory, LOADED)
    moved = shutil.copy(HISTORY, tmp_path / "renamed.yaml")
    report = load_reference([Path(moved)], uow_factory, LOADED)
    assert [(s.outcome, s.version) for s in report.supply_points] == [("unchanged", 1)]


def test_the_pipeline_interprets_against_the_stored_reference_data(
    uow_factory, tmp_path: Path
) -> None:
    load_reference([EXAMPLES / "demo-gb.yaml"], uow_factory, LOADED)
    corrections = EXAMPLES.parents[1] / "examples" / "demo" / "synthetic-gb"
    run_chain(
        [corrections / "m2c-00002-corrections.jsonl"],
        uow_factory,
        FileArchive(tmp_path / "archive"),
        {},
        LOADED,
    )
    with uow_factory() as uow:
        records = uow.log.read(CURATED, 0, 10_000)
    events = [codec.event_from_payload(r.event_type, r.payload) for r in records]
    migrating = [e for e in events if e.supply_point_id == "2029261100771"]
    assert migrating, "the demo corrections touch the supply point that migrates to MHHS"
    assert {(e.channel, e.configuration_version, e.time_patterns) for e in migrating} == {
        ("AI", 1, ("00001",))
    }
    for event in migrating:  # legacy NHH before its migration on 1 November 2024, MHHS after
        regime = "mhhs" if event.read_on >= date(2024, 11, 1) else "legacy-nhh"
        assert event.settlement_regime == regime
    assert {e.configuration_version for e in events} == {1}  # every demo GB point is described
