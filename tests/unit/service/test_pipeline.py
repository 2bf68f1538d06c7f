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


def test_a_value_no_store_can_hold_is_rejected_with_its_line_and_the_rest_goes_through(chain):
    # A corrupt 14-digit field once overflowed a 64-bit column and wedged interpretation.
    huge = ["0.5"] * 48
    huge[3] = "99999999999999"
    text = nem12({"20240101": huge, "20240102": ["0.25"] * 48})
    run = chain(("huge.csv", text))
    (outcome,) = run.files
    assert outcome.records == 1 and outcome.rejected == 1
    (rejection,) = outcome.rejections
    assert rejection.reason_code == "VALUE_OUT_OF_RANGE"
    assert rejection.source.line == 3 and "99999999999999" in rejection.message
    assert run.bills_issued == 1
    again = chain(("huge.csv", text))
    assert not again.did_work


def test_zip_members_are_separate_deliveries_so_a_later_member_corrects_an_earlier_one(tmp_path):
    import zipfile

    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")
    path = tmp_path / "in" / "bundle.zip"
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("1-first.csv", nem12({"20240101": ["0.5"] * 48}))
        bundle.writestr("2-correction.csv", nem12({"20240101": ["1.0"] * 48}))
    run_chain([path], uow_factory, archive, TARIFFS, AT)
    assert queries.exceptions(uow_factory) == []  # not a C3 conflict inside one delivery
    with uow_factory() as uow:
        versions = uow.intervals.versions("NCDE000001", "E1", date(2024, 1, 1))
    assert [v.version for v in versions] == [1, 2]
    rows = queries.reads(uow_factory, "NCDE000001", date(2024, 1, 1), date(2024, 1, 2))
    assert {r["value"] for r in rows} == {"1.0"}


def test_reprocess_reads_a_known_file_again_without_doubling_anything(chain, tmp_path):
    text = nem12({"20240101": ["0.5"] * 48})
    chain(("a.csv", text))
    before = read_status(chain.uow_factory)
    path = tmp_path / "in" / "a.csv"
    archive = FileArchive(tmp_path / "archive")
    again = run_chain([path], chain.uow_factory, archive, TARIFFS, AT, reprocess=True)
    (outcome,) = again.files
    assert outcome.status == "reprocessed" and outcome.records == 1
    assert outcome.duplicates == 1  # the event the first parse logged is absorbed by its key
    assert again.curated == 0 and again.bills_issued == 0
    assert read_status(chain.uow_factory) == before


def test_a_file_first_read_with_the_wrong_format_can_be_reprocessed_with_the_right_one(tmp_path):
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")
    path = tmp_path / "a.csv"
    path.write_text(nem12({"20240101": ["0.5"] * 48}))
    wrong = run_chain([path], uow_factory, archive, TARIFFS, AT, fmt="dtc")
    assert wrong.files[0].records == 0 and wrong.files[0].rejected >= 1
    assert run_chain([path], uow_factory, archive, TARIFFS, AT, fmt="nem12").files[0].status == (
        "skipped"
    )
    right = run_chain([path], uow_factory, archive, TARIFFS, AT, fmt="nem12", reprocess=True)
    assert right.files[0].records == 1 and right.bills_issued == 1
    with uow_factory() as uow:
        (recorded,) = uow.files.list()
    assert (recorded.format, recorded.records) == ("nem12", 1)
