"""The interpret stage runs the VEE catalogue: spikes, clock tolerance, explained gaps, billability."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from tests.factories import channel_day

from meter2cash import codec
from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.billing import FlatTariff
from meter2cash.service import queries
from meter2cash.service.pipeline import run_chain

TARIFFS = {
    "AU": FlatTariff("au", 1, "AU", "AUD", Decimal("100"), Decimal("20"), "GST", Decimal("0.1"))
}
AT = datetime(2024, 3, 1, tzinfo=UTC)
NMI = "NCDE000001"


def nem12(days: dict[str, list[str]]) -> str:
    lines = ["100,NEM12,202403010000,MDP1,RET1", f"200,{NMI},E1,1,E1,N1,M1,kWh,30,"]
    for day, values in days.items():
        lines.append(f"300,{day},{','.join(values)},A,,,20240301000000,")
    return "\n".join([*lines, "900"]) + "\n"


def shape(base: str = "0.5") -> list[str]:
    """A gently varying clean day (no spike, no zero run)."""
    return [str(Decimal(base) + Decimal(k % 6) / 100) for k in range(48)]


@pytest.fixture
def chain(tmp_path: Path):
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")

    def run(*files: tuple[str, str]):
        paths = []
        for name, text in files:
            path = tmp_path / "in" / name
            path.parent.mkdir(exist_ok=True)
            path.write_text(text)
            paths.append(path)
        return run_chain(paths, uow_factory, archive, TARIFFS, AT)

    run.uow_factory = uow_factory  # type: ignore[attr-defined]
    return run


def _rules(chain) -> list[tuple[str, str, int, int]]:
    return sorted(
        (i["rule"], i["read_on"], i["first_interval"], i["last_interval"])
        for i in queries.exceptions(chain.uow_factory)
    )


def test_clean_days_raise_nothing_and_are_billable(chain):
    days = {f"202401{d:02d}": shape() for d in range(1, 11)}
    chain(("a.csv", nem12(days)))
    assert _rules(chain) == []
    [bill] = queries.bills(chain.uow_factory)
    assert bill["total"] != "0"


def test_a_spike_is_c10_and_quarantines_its_day(chain):
    spiky = shape()
    spiky[20] = "9.5"
    days = {f"202401{d:02d}": shape() for d in range(1, 6)} | {"20240106": spiky}
    chain(("a.csv", nem12(days)))
    assert _rules(chain) == [("C10", "2024-01-06", 20, 20)]
    rows = queries.reads(chain.uow_factory, NMI, date(2024, 1, 6), date(2024, 1, 7))
    assert rows and all(r["billable"] is False for r in rows)


def test_a_clock_report_beyond_tolerance_is_c12_on_that_day(chain):
    days = {f"202401{d:02d}": shape() for d in range(1, 4)}
    event = {
        "event": "clock_synchronised", "supply_point_id": NMI, "meter_serial": "M1",
        "synchronised_at": "2024-01-02T03:00:00Z", "offset_seconds": "-95", "corrected": True,
        "source": {"file_id": "x", "line": 1},
    }  # fmt: skip
    chain(("a.csv", nem12(days)), ("clock.jsonl", json.dumps(event) + "\n"))
    (issue,) = queries.exceptions(chain.uow_factory)
    assert (issue["rule"], issue["read_on"]) == ("C12", "2024-01-02")


def test_a_reported_outage_explains_the_gap_on_the_exception(chain):
    values: list[str | None] = list(shape())
    values[10:13] = [None, None, None]
    gappy = channel_day(values, read_on=date(2024, 1, 2), qualities="A" * 10 + "NNN" + "A" * 35)
    offline = {
        "event": "communications_status_reported", "supply_point_id": NMI, "meter_serial": "M1",
        "reported_at": "2024-01-01T20:00:00Z", "status": "offline", "detail": "no GPRS",
        "source": {"file_id": "x", "line": 1},
    }  # fmt: skip
    lines = [json.dumps(codec.to_builtins(gappy)), json.dumps(offline)]
    chain(("a.csv", nem12({"20240101": shape()})), ("day.jsonl", "\n".join(lines) + "\n"))
    c2 = [i for i in queries.exceptions(chain.uow_factory) if i["rule"] == "C2"]
    assert [(i["read_on"], i["first_interval"], i["last_interval"]) for i in c2] == [
        ("2024-01-02", 10, 12)
    ]
    assert "known outage" in c2[0]["detail"] and "no GPRS" in c2[0]["detail"]


def test_a_bad_event_line_is_rejected_with_its_line(chain):
    bad = json.dumps({"event": "clock_synchronised", "supply_point_id": NMI}) + "\n"
    report = chain(("clock.jsonl", bad))
    (rejection,) = report.files[0].rejections
    assert rejection.source.line == 1 and "clock_synchronised" in rejection.message


def test_a_short_gap_is_estimated_at_once_as_a_new_flagged_version_and_the_issue_resolved(chain):
    values: list[str | None] = ["1.0"] * 48
    values[10:13] = [None, None, None]
    values[13] = "2.0"
    gappy = channel_day(values, read_on=date(2024, 1, 2), qualities="A" * 10 + "NNN" + "A" * 35)
    chain(
        ("a.csv", nem12({"20240101": shape()})),
        ("day.jsonl", json.dumps(codec.to_builtins(gappy)) + "\n"),
    )
    (c2,) = queries.exceptions(chain.uow_factory)
    assert (c2["rule"], c2["status"]) == ("C2", "resolved")
    with chain.uow_factory() as uow:
        raw, estimated = uow.intervals.versions(NMI, "E1", date(2024, 1, 2))
    assert (raw.billable, estimated.billable) == (False, True)
    day = estimated.channel_day
    # the worked example of market-rules.md §3.1: 1.0, gap of 3, 2.0 -> 1.25, 1.5, 1.75
    assert day.values[10:13] == (Decimal("1.25"), Decimal("1.5"), Decimal("1.75"))
    # substituted (S): a value filled in for a missing actual, after the fact (NEM12 usage)
    assert [str(q) for q in day.qualities[10:13]] == ["S"] * 3
    assert all(m for m in day.methods[10:13])
    assert day.values[:10] == gappy.values[:10]


def test_a_corrected_version_closes_the_old_versions_issues_as_superseded(chain):
    bad = shape()
    bad[5] = "-0.5"
    chain(("a.csv", nem12({"20240101": bad})))
    (c4,) = queries.exceptions(chain.uow_factory)
    assert (c4["rule"], c4["status"]) == ("C4", "open")
    chain(("b.csv", nem12({"20240101": shape()})))
    (after,) = queries.exceptions(chain.uow_factory)
    assert (after["id"], after["status"], after["resolution"]) == (
        c4["id"],
        "resolved",
        "superseded",
    )
    assert [a["action"] for a in after["actions"]] == ["supersede"]
    [bill] = queries.bills(chain.uow_factory)  # the quarantined day is billed once corrected
    _standing, energy, _tax = bill["lines"]
    assert (bill["version"], energy["quantity"]) == (2, "25.2")


def test_freshness_names_a_known_outage_and_the_hardening_watermarks(chain):
    from meter2cash.service.freshness import freshness

    offline = {
        "event": "communications_status_reported", "supply_point_id": NMI, "meter_serial": "M1",
        "reported_at": "2024-01-03T02:00:00Z", "status": "failed_read", "detail": None,
        "source": {"file_id": "x", "line": 1},
    }  # fmt: skip
    days = {f"202401{d:02d}": shape() for d in range(1, 3)}
    chain(("a.csv", nem12(days)), ("comms.jsonl", json.dumps(offline) + "\n"))
    # NEM days end at 14:00 UTC (local midnight, UTC+10)
    fresh = freshness(chain.uow_factory, NMI, datetime(2024, 1, 3, 12, tzinfo=UTC))
    assert fresh["latest_data_end"] == "2024-01-02T14:00:00Z"
    assert (fresh["data_delayed"], fresh["delay_reason"]) == (False, None)
    late = freshness(chain.uow_factory, NMI, datetime(2024, 1, 6, tzinfo=UTC))
    assert late["data_delayed"] is True
    assert late["delay_reason"] == "head-end reported failed_read at 2024-01-03T02:00:00Z"
    # AU_NEM [T]: provisional once 7 days have passed, hard after 210
    settled = freshness(chain.uow_factory, NMI, datetime(2024, 8, 1, tzinfo=UTC))
    assert settled["settlement"]["first_day"] == "2024-01-01"
    assert settled["settlement"]["hard_through"] is not None
    assert settled["settlement"]["hard_through"] < settled["settlement"]["provisional_through"]


def test_a_day_never_received_between_two_received_days_is_c2_until_it_arrives(chain):
    days = {d: shape() for d in ("20240101", "20240102", "20240104")}
    chain(("a.csv", nem12(days)))
    (absent,) = queries.exceptions(chain.uow_factory)
    assert (absent["rule"], absent["read_on"], absent["first_interval"], absent["last_interval"]) == (
        "C2", "2024-01-03", 0, 47,
    )  # fmt: skip
    assert absent["channel_day_version"] == 0 and absent["status"] == "open"
    chain(("b.csv", nem12(days)))  # the same days again: still one exception
    assert len(queries.exceptions(chain.uow_factory)) == 1
    chain(("c.csv", nem12({"20240103": shape()})))
    (after,) = queries.exceptions(chain.uow_factory)
    assert (after["status"], after["resolution"]) == ("resolved", "superseded")


def test_an_actual_arriving_later_replaces_the_estimate_as_a_new_version(chain):
    values: list[str | None] = ["1.0"] * 48
    values[10:13] = [None, None, None]
    gappy = channel_day(values, read_on=date(2024, 1, 2), qualities="A" * 10 + "NNN" + "A" * 35)
    chain(
        ("a.csv", nem12({"20240101": shape()})),
        ("day.jsonl", json.dumps(codec.to_builtins(gappy)) + "\n"),
    )
    actual = channel_day(["1.0"] * 48, read_on=date(2024, 1, 2))
    chain(("late.jsonl", json.dumps(codec.to_builtins(actual)) + "\n"))
    with chain.uow_factory() as uow:
        versions = uow.intervals.versions(NMI, "E1", date(2024, 1, 2))
    assert [(v.version, v.billable) for v in versions] == [(1, False), (2, True), (3, True)]
    assert "S" in "".join(versions[1].channel_day.qualities)
    assert set(versions[2].channel_day.qualities) == {"A"}
    assert versions[1].superseded_by == versions[2].id
