"""`meter2cash reference load`, `config` and the configuration in `reads`, as a user runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.e2e.conftest import DEMO, REPO, Cli

REFERENCE = REPO / "examples" / "reference"
EXCHANGE_SP = "1200045678906"
GB_SP = "2308894173605"  # in the demo: meter SYN00000003, channels AI and AE


def test_reference_load_then_config_as_known_at(cli: Cli, tmp_path: Path) -> None:
    first = cli.json("reference", "load", str(REFERENCE))
    assert first["errors"] == [] and first["new_versions"] == 54
    assert first["stored_supply_points"] == 53 and first["mdd"]["sscs"] == 5
    corrected = next(s for s in first["supply_points"] if s["outcome"] == "corrected")
    assert (corrected["supply_point_id"], corrected["version"]) == (EXCHANGE_SP, 2)
    assert any(set(c["channels"]) == {"AI", "AE"} for c in corrected["changes"])

    again = cli.json("reference", "load", str(REFERENCE))
    assert again["new_versions"] == 0
    assert {s["outcome"] for s in again["supply_points"]} == {"unchanged"}

    latest = cli.json("config", EXCHANGE_SP)
    assert (latest["version"], latest["known_from"]) == (2, "2024-11-04T12:00:00Z")
    assert latest["source"].endswith("exchange-correction.yaml")
    assert [v["version"] for v in latest["versions"]] == [1, 2]
    assert latest["periods"][-1]["meter_serial"] == "S1E9876543"
    assert latest["periods"][-1]["start"] == "2024-10-25T14:00:00Z"
    assert latest["gb"]["standard_settlement_configuration"][1] == {
        "from": "2024-03-01T00:00:00Z",
        "value": "0244",
    }
    register = latest["periods"][-1]["registers"][0]
    assert (register["digits"], register["multiplier"], register["time_pattern"]) == (
        6,
        "1",
        "00043",
    )
    then = cli.json("config", EXCHANGE_SP, "--as-known-at", "2024-11-01T00:00:00Z")
    assert then["version"] == 1 and then["periods"][-1]["start"] == "2024-10-28T10:30:00Z"

    human = cli("config", EXCHANGE_SP).stdout
    assert "version 2 of 2" in human and "meter S1E9876543" in human


def test_a_bad_reference_file_names_file_and_line_and_exits_1(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "reference"
    folder.mkdir()
    shutil.copy(REFERENCE / "demo-au.csv", folder)
    (folder / "bad.yaml").write_text(
        "format: meter2cash-reference/1\nsupply_points:\n  - supply_point_id: x\n    meters: 3\n",
        encoding="utf-8",
    )
    result = cli("reference", "load", str(folder), check=False)
    assert result.returncode == 1
    assert f"{folder / 'bad.yaml'}:3:" in result.stdout
    assert "40 supply point(s): 40 new" in result.stdout


def test_unknown_supply_point_and_bad_instant_are_one_line_exit_2(cli: Cli) -> None:
    for args, message in [
        (("config", "NOPE"), "no reference data for supply point NOPE"),
        (("config", EXCHANGE_SP, "--as-known-at", "2024-11-01"), "--as-known-at must be"),
    ]:
        result = cli(*args, check=False)
        assert result.returncode == 2
        assert result.stderr.startswith("meter2cash: error:") and message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_reads_show_the_configuration_in_force(cli: Cli) -> None:
    cli("ingest", str(DEMO / "synthetic-gb"), "--json")
    before = cli.json("reads", GB_SP, "--from", "2024-10-27", "--to", "2024-10-28")
    assert before and all(r["configuration"] is None for r in before)

    cli("reference", "load", str(REFERENCE / "demo-gb.yaml"))
    rows = cli.json("reads", GB_SP, "--from", "2024-10-27", "--to", "2024-10-28")
    export = [r for r in rows if r["channel"] == "AE"]
    assert len(export) == 50  # the autumn clock-change day
    assert {r["configuration"]["meter_serial"] for r in rows} == {"SYN00000003"}
    assert export[0]["configuration"] == {
        "version": 1,
        "known_from": "2024-10-01T00:00:00Z",
        "meter_serial": "SYN00000003",
        "channel": {"channel": "AE", "direction": "export", "unit": "kWh", "interval_minutes": 30},
    }


def test_run_loads_the_reference_directory_once(cli: Cli) -> None:
    cli.env["M2C_REFERENCE_DIR"] = str(REFERENCE)
    cli.env["M2C_INPUT_DIR"] = str(DEMO / "synthetic-gb")
    first = cli("run").stdout
    assert "reference data           53 supply points (54 new versions)" in first
    second = cli.json("run")
    assert second["reference"]["new_versions"] == 0
    assert second["reference"]["stored_supply_points"] == 53
    cli.env["M2C_REFERENCE_DIR"] = str(REFERENCE / "missing")
    assert "none (no directory" in cli("run").stdout
