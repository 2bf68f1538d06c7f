"""`meter2cash run` over the shipped demo data, end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
import yaml
from tests.e2e.conftest import DEMO, TARIFFS, Cli, make_cli


def _independent_totals(db_path: Path) -> dict[str, Decimal]:
    """Bill totals recomputed from the stored determinants with plain sqlite3 + YAML: no meter2cash
    code involved, so a bug in the rating path cannot hide itself."""
    tariffs = {}
    for path in TARIFFS.glob("*.yaml"):
        raw = yaml.load(path.read_text(), Loader=yaml.BaseLoader)
        tariffs[raw["market"]] = raw
    connection = sqlite3.connect(db_path)
    markets = dict(connection.execute("SELECT DISTINCT supply_point_id, market FROM channel_days"))
    rows = connection.execute(
        "SELECT supply_point_id, period_on, kind, quantity_micro FROM determinants "
        "WHERE superseded_by IS NULL AND kind IN ('monthly_days', 'monthly_import_kwh') "
        "AND quantity_micro != 0"
    )
    bills: dict[tuple[str, str], dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for supply_point, period, kind, micro in rows:
        bills[supply_point, period][kind].append(Decimal(micro) / Decimal(10**6))
    cent = Decimal("0.01")
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for (supply_point, _period), quantities in bills.items():
        if not quantities["monthly_days"]:
            continue
        tariff = tariffs[markets[supply_point]]
        standing = Decimal(tariff["standing_charge_minor_per_day"])
        rate = Decimal(tariff["unit_rate_minor_per_kwh"])
        charges = [(quantities["monthly_days"][0] * standing / 100).quantize(cent, ROUND_HALF_UP)]
        charges += [
            (kwh * rate / 100).quantize(cent, ROUND_HALF_UP)
            for kwh in quantities["monthly_import_kwh"]
        ]
        tax = (sum(charges) * Decimal(tariff["tax"]["rate"])).quantize(cent, ROUND_HALF_UP)
        totals[tariff["currency"]] += sum(charges) + tax
    return dict(totals)


def test_run_then_rerun_is_idempotent_and_totals_check_out(cli: Cli, tmp_path: Path):
    first = cli.json("run")
    assert first["new_work"] is True
    status = first["status"]
    assert status["bills"] > 0 and status["supply_points"] > 10
    assert status["open_exceptions"] > 0  # the demo data carries injected defects
    # malformed demo files are rejected with file and line, the rest goes through
    rejected = [f for f in first["files"] if f["rejected"]]
    assert rejected, "the demo data includes malformed files"
    assert all(r["line"] >= 1 and r["reason"] for f in rejected for r in f["rejections"])
    assert any(
        f["status"] == "ingested" and f["records"] > 0 and f["rejected"] == 0
        for f in first["files"]
    )

    second = cli.json("run")
    assert second["new_work"] is False
    assert all(f["status"] == "skipped" for f in second["files"])
    assert second["status"] == status

    expected = _independent_totals(tmp_path / "data" / "meter2cash.db")
    assert {c: Decimal(t) for c, t in status["bill_totals"].items()} == expected

    human = cli("run").stdout
    assert "No new work" in human and "data directory" in human


def test_reads_lineage_and_bills_json(cli: Cli):
    cli.json("run")
    bills = cli.json("bills")
    bill = next(b for b in bills if b["currency"] == "AUD")
    energy = next(line for line in bill["lines"] if line["kind"] == "energy")
    trace = cli.json("lineage", energy["line_id"])
    assert trace["bill_line"]["amount"] == energy["amount"]
    [determinant] = trace["determinants"]
    assert Decimal(determinant["quantity"]) == Decimal(energy["quantity"])
    source = determinant["channel_days"][0]["source"]
    assert source["file_name"] and source["line"] >= 1

    month = bill["period_start"]
    rows = cli.json("reads", bill["supply_point_id"], "--from", month, "--to", bill["period_end"])
    assert rows and all(r["start"].endswith("Z") and r["end"].endswith("Z") for r in rows)
    assert all(r["value"] is None or isinstance(r["value"], str) for r in rows)
    billed = sum(
        Decimal(r["value"])
        for r in rows
        if r["channel"] == determinant["channel"] and r["billable"] and r["value"]
    )
    assert billed == Decimal(determinant["quantity"])


def test_uk_clock_change_days_flow_through(cli: Cli):
    cli.json("run")
    gb = [b for b in cli.json("bills") if b["currency"] == "GBP"]
    assert gb, "the demo data includes GB supply points"
    october = next(b for b in gb if b["period_start"] == "2024-10-01")
    rows = cli.json(
        "reads", october["supply_point_id"], "--from", "2024-10-27", "--to", "2024-10-28"
    )
    import_rows = [r for r in rows if r["channel"] == "AI"]
    assert len(import_rows) == 50
    assert import_rows[0]["start"] == "2024-10-26T23:00:00Z"  # local midnight BST
    assert import_rows[-1]["end"] == "2024-10-28T00:00:00Z"  # local midnight GMT


@pytest.mark.parametrize(
    "args, message",
    [
        (("reads", "NOPE", "--from", "2024-01-01", "--to", "2024-01-02"), "unknown supply point"),
        (("reads", "NOPE", "--from", "yesterday", "--to", "2024-01-02"), "--from must be a date"),
        (("lineage", "not-a-line"), "not a bill line id"),
        (("ingest", "/no/such/file.csv"), "no such file"),
        (
            ("convert", str(DEMO / "synthetic-au" / "nem12-00001.csv"), "--out", "/no/dir/x.jsonl"),
            "cannot write /no/dir/x.jsonl",
        ),
        (
            (
                "convert",
                str(DEMO / "synthetic-au" / "nem12-00001.csv"),
                "--to",
                "parquet",
                "--out",
                "/no/dir/x.parquet",
            ),
            "cannot write /no/dir/x.parquet",
        ),
    ],
)
def test_bad_user_input_is_one_line_and_exit_2(cli: Cli, args: tuple[str, ...], message: str):
    result = cli(*args, check=False)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_malformed_file_among_good_ones(cli: Cli, tmp_path: Path):
    folder = tmp_path / "drop"
    folder.mkdir()
    day = ",".join(["0.5"] * 48)
    (folder / "good.csv").write_text(
        f"100,NEM12,202401010000,A,B\n200,NCDE000009,E1,1,E1,N1,M,kWh,30,\n300,20240101,{day},A,,,,\n900\n"
    )
    (folder / "broken.csv").write_text(
        "100,NEM12,202401010000,A,B\n200,NCDE000008,E1,1,E1,N1,M,kWh,30,\n300,20240101,1,2,oops\n900\n"
    )
    result = cli.json("ingest", str(folder))
    by_name = {f["name"]: f for f in result["files"]}
    assert by_name["good.csv"]["records"] == 1 and by_name["good.csv"]["rejected"] == 0
    [rejection] = by_name["broken.csv"]["rejections"]
    assert rejection["line"] == 3 and rejection["reason"]


@pytest.mark.postgres
def test_same_chain_on_postgresql(tmp_path: Path, fresh_postgres_url: str):
    sqlite_status = make_cli(tmp_path / "sqlite").json("run")["status"]
    pg = make_cli(tmp_path / "pg", database_url=fresh_postgres_url)
    first = pg.json("run")
    assert first["new_work"] is True
    keep = (
        "records",
        "rejected",
        "supply_points",
        "channel_days",
        "intervals",
        "estimated_intervals",
        "open_exceptions",
        "determinants",
        "bills",
        "bill_totals",
    )
    assert {k: first["status"][k] for k in keep} == {k: sqlite_status[k] for k in keep}
    assert pg.json("run")["new_work"] is False


def test_empty_input_directory_and_reversed_window(cli: Cli, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "No input files found" in cli("run", "--input", str(empty)).stdout
    result = cli("reads", "X", "--from", "2024-02-01", "--to", "2024-01-01", check=False)
    assert result.returncode == 2 and "must be after --from" in result.stderr


def test_freshness_of_a_demo_supply_point(cli: Cli):
    cli("run")
    fresh = cli.json("freshness", "NCDE546235")
    assert fresh["latest_data_end"] == "2024-02-29T14:00:00Z"  # demo data ends in February 2024
    assert fresh["data_delayed"] is True  # it is older than the 48-hour objective today
    assert fresh["settlement"]["first_day"] == "2024-01-01"
    missing = cli("freshness", "NOPE", check=False)
    assert missing.returncode == 2 and "unknown supply point" in missing.stderr
