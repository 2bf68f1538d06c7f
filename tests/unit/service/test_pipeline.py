"""The whole chain on the memory adapters: idempotency, corrections, duplicates, rejections, money."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.billing import FlatTariff
from meter2cash.service import queries
from meter2cash.service.pipeline import run_chain
from meter2cash.service.status import read_status

AT = datetime(2024, 3, 1, tzinfo=UTC)
TARIFFS = {
    "AU": FlatTariff("au", 1, "AU", "AUD", Decimal("100"), Decimal("20"), "GST", Decimal("0.1"))
}


def nem12(days: dict[str, list[str]], nmi: str = "NCDE000001", extra: str = "") -> str:
    lines = ["100,NEM12,202403010000,MDP1,RET1", f"200,{nmi},E1,1,E1,N1,M1,kWh,30,"]
    for yyyymmdd, values in days.items():
        lines.append(f"300,{yyyymmdd},{','.join(values)},A,,,20240301000000,")
    return "\n".join(lines) + ("\n" + extra if extra else "") + "\n900\n"


@pytest.fixture
def chain(tmp_path: Path):
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")  # ingest parses the archived copy, so a real file

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


def test_rerun_of_same_files_changes_nothing(chain):
    text = nem12({"20240101": ["0.5"] * 48, "20240102": ["0.25"] * 48})
    first = chain(("a.csv", text))
    assert first.did_work and first.bills_issued == 1
    before = read_status(chain.uow_factory)
    second = chain(("a.csv", text))
    assert not second.did_work
    assert second.files[0].status == "skipped"
    assert read_status(chain.uow_factory) == before


def test_bill_for_two_days(chain):
    chain(("a.csv", nem12({"20240101": ["0.5"] * 48, "20240102": ["0.25"] * 48})))
    [bill] = queries.bills(chain.uow_factory)
    # 2 days x 100c = $2.00; 36 kWh x 20c = $7.20; GST 10% of $9.20 = $0.92
    assert [line["amount"] for line in bill["lines"]] == ["2.00", "7.20", "0.92"]
    assert bill["total"] == "10.12"


def test_correction_in_later_file_is_a_new_version_and_supersedes_the_bill(chain):
    chain(("a.csv", nem12({"20240101": ["0.5"] * 48})))
    chain(("b.csv", nem12({"20240101": ["1.0"] * 48})))
    with chain.uow_factory() as uow:
        versions = uow.intervals.versions("NCDE000001", "E1", date(2024, 1, 1))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].superseded_by == versions[1].id
    all_bills = queries.bills(chain.uow_factory, include_superseded=True)
    assert [(b["version"], b["total"]) for b in all_bills] == [(1, "6.38"), (2, "11.66")]
    assert all_bills[1]["supersedes"] == all_bills[0]["bill_id"]
    # the same content again from a third file is not a new version
    report = chain(("c.csv", nem12({"20240101": ["1.0"] * 48})))
    assert report.curated == 0 and report.bills_issued == 0


def test_conflicting_duplicate_in_one_delivery_keeps_first_and_raises_c3(chain):
    text = nem12(
        {"20240101": ["0.5"] * 48},
        extra="300,20240101," + ",".join(["0.7"] * 48) + ",A,,,20240301000000,",
    )
    chain(("a.csv", text))
    issues = queries.exceptions(chain.uow_factory)
    assert [(i["rule"], i["source"]["line"]) for i in issues] == [("C3", 4)]
    rows = queries.reads(chain.uow_factory, "NCDE000001", date(2024, 1, 1), date(2024, 1, 2))
    assert {r["value"] for r in rows} == {"0.5"}


def test_exact_duplicate_in_one_delivery_is_absorbed(chain):
    day = "300,20240101," + ",".join(["0.5"] * 48) + ",A,,,20240301000000,"
    report = chain(("a.csv", nem12({"20240101": ["0.5"] * 48}, extra=day)))
    assert report.files[0].duplicates == 1
    assert queries.exceptions(chain.uow_factory) == []


def test_negative_day_is_quarantined_but_counts_as_a_day_of_supply(chain):
    bad = ["0.5"] * 48
    bad[5] = "-0.5"
    chain(("a.csv", nem12({"20240101": ["0.5"] * 48, "20240102": bad})))
    [issue] = queries.exceptions(chain.uow_factory)
    assert (issue["rule"], issue["first_interval"]) == ("C4", 5)
    [bill] = queries.bills(chain.uow_factory)
    standing, energy, _tax = bill["lines"]
    assert standing["quantity"] == "2" and energy["quantity"] == "24"


def test_malformed_file_is_rejected_with_line_and_others_still_processed(chain):
    broken = nem12({"20240101": ["0.5"] * 47})  # one value short
    report = chain(
        ("bad.csv", broken), ("good.csv", nem12({"20240101": ["0.5"] * 48}, nmi="NCDE000002"))
    )
    bad, good = report.files
    assert [(r.reason_code, r.source.line, r.file_name) for r in bad.rejections] == [
        ("INTERVAL_COUNT_MISMATCH", 3, "bad.csv")
    ]
    assert good.records == 1 and not good.rejections
    assert [b["supply_point_id"] for b in queries.bills(chain.uow_factory)] == ["NCDE000002"]


def test_lineage_reaches_source_file_and_line(chain):
    chain(("a.csv", nem12({"20240101": ["0.5"] * 48, "20240102": ["0.25"] * 48})))
    [bill] = queries.bills(chain.uow_factory)
    energy_line = bill["lines"][1]
    trace = queries.lineage(chain.uow_factory, energy_line["line_id"])
    [determinant] = trace["determinants"]
    assert determinant["quantity"] == "36"
    sources = [
        (cd["source"]["file_name"], cd["source"]["line"]) for cd in determinant["channel_days"]
    ]
    assert sources == [("a.csv", 3), ("a.csv", 4)]


def test_reads_are_utc_and_exact(chain):
    values = ["0.001"] * 47 + ["123456.789"]
    chain(("a.csv", nem12({"20240101": values})))
    rows = queries.reads(chain.uow_factory, "NCDE000001", date(2024, 1, 1), date(2024, 1, 2))
    assert (rows[0]["start"], rows[0]["end"]) == ("2023-12-31T14:00:00Z", "2023-12-31T14:30:00Z")
    assert rows[-1]["value"] == "123456.789"
    assert len(rows) == 48


def test_a_market_without_tariff_is_listed_not_fatal(chain, tmp_path):
    from tests.factories import channel_day

    from meter2cash import codec

    gb = channel_day(supply_point_id="1030006718997", market="GB", zone="Europe/London",
                     channel="AI")  # fmt: skip
    report = chain(
        ("gb.jsonl", codec.encode(codec.to_builtins(gb)).decode() + "\n"),
        ("au.csv", nem12({"20240101": ["0.5"] * 48})),
    )
    assert report.bills_issued == 1  # the AU supply point is still billed
    assert report.unrated == ["1030006718997 2024-01: no tariff for market GB"]
