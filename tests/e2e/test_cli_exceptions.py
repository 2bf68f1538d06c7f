"""`meter2cash exceptions` and `exceptions resolve` over the demo data: an operator estimates one
exception and accepts another, and the bills follow.

The demo data is from 2024 and the CLI acts at the wall-clock time: every demo day is past its
final settlement run, so an estimate is an adjustment (settlement is not restated) rather than a
new version; accepting an exception still makes its version billable."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.e2e.conftest import Cli


def _open_alone(exceptions: list[dict[str, Any]], rules: set[str], points: list[str]) -> dict:
    """An open ERROR exception of ``rules`` whose channel-day has no other open ERROR (so resolving
    it makes the day billable), on the first supply point of ``points`` that has one."""

    def day(e: dict[str, Any]) -> tuple[str, str, str]:
        return (e["supply_point_id"], e["channel"], e["read_on"])

    blocking: dict[tuple[str, str, str], int] = {}
    for e in exceptions:
        if e["status"] == "open" and e["severity"] == "error":
            blocking[day(e)] = blocking.get(day(e), 0) + 1
    rank = {point: k for k, point in enumerate(points)}
    candidates = [
        e
        for e in exceptions
        if e["rule"] in rules
        and e["status"] == "open"
        and e["severity"] == "error"
        and e["supply_point_id"] in rank
        and e["channel_day_version"] >= 1  # a stored version (version 0: a day never received)
        and blocking[day(e)] == 1
    ]
    assert candidates, f"the demo data has no open {sorted(rules)} exception alone on its day"
    return min(candidates, key=lambda e: (rank[e["supply_point_id"]], e["id"]))


def _bill_of(bills: list[dict[str, Any]], exception: dict[str, Any]) -> dict[str, Any]:
    return next(
        b
        for b in bills
        if b["supply_point_id"] == exception["supply_point_id"]
        and b["period_start"] <= exception["read_on"] < b["period_end"]
    )


def test_estimate_and_accept_exceptions_and_the_bills_follow(cli: Cli):
    cli.json("run")
    bills = cli.json("bills")
    # GB first (its estimates are quality E; AU's are S, "substituted"), then any other market.
    currency = {b["supply_point_id"]: b["currency"] for b in bills}
    by_market = sorted(currency, key=lambda point: (currency[point] != "GBP", point))
    listed = cli.json("exceptions")
    assert listed and all(e["resolution"] is None and e["actions"] == [] for e in listed)
    negative = _open_alone(listed, {"C4", "C2"}, by_market)
    spike = _open_alone(
        [e for e in listed if e["supply_point_id"] != negative["supply_point_id"]],
        {"C10"},
        by_market,
    )
    bill_before = _bill_of(bills, negative)
    spike_bill_before = _bill_of(bills, spike)

    done = cli.json(
        "exceptions", "resolve", str(negative["id"]), "--action", "estimate", "--actor", "ana"
    )
    assert (done["status"], done["resolution"], done["actor"]) == ("resolved", "estimated", "ana")
    assert done["result"]["hardening"] in ("hard", "frozen")
    assert done["result"]["channel_day_version"] == negative["channel_day_version"]
    assert f"estimated as adjustment {done['result']['adjustment_id']} " in done["note"]
    [adjustment] = [
        a for a in cli.json("adjustments") if a["id"] == done["result"]["adjustment_id"]
    ]
    assert (adjustment["supply_point_id"], adjustment["channel"], adjustment["from_on"]) == (
        negative["supply_point_id"], negative["channel"], negative["read_on"],
    )  # fmt: skip
    assert adjustment["delta"] == done["result"]["delta"]
    accepted = cli.json(
        "exceptions", "resolve", str(spike["id"]), "--action", "accept",
        "--note", "real peak: EV charger fitted", "--actor", "bo",
    )  # fmt: skip
    assert (accepted["status"], accepted["resolution"]) == ("accepted", "accepted")
    assert accepted["result"]["billable"] is True

    [estimated] = cli.json(
        "exceptions", "--rule", negative["rule"], "--supply-point", negative["supply_point_id"],
        "--status", "resolved",
    )  # fmt: skip
    assert estimated["id"] == negative["id"] and estimated["resolution"] == "estimated"
    [action] = estimated["actions"]
    assert (action["action"], action["actor"], action["status_before"], action["status_after"]) == (
        "estimate", "ana", "open", "resolved",
    )  # fmt: skip
    assert action["at"].endswith("Z")
    assert action["result"]["adjustment_id"] == done["result"]["adjustment_id"]
    assert [e["id"] for e in cli.json("exceptions", "--status", "accepted")] == [spike["id"]]
    [trail] = next(e for e in cli.json("exceptions") if e["id"] == spike["id"])["actions"]
    assert trail["note"] == "real peak: EV charger fitted" and trail["actor"] == "bo"

    day = negative["read_on"]
    rows = cli.json(
        "reads", negative["supply_point_id"], "--from", day, "--to",
        f"{day[:8]}{int(day[8:]) + 1:02d}", "--channel", negative["channel"],
    )  # fmt: skip
    flagged = rows[negative["first_interval"] : negative["last_interval"] + 1]
    assert all(r["version"] == negative["channel_day_version"] for r in rows)  # not restated
    assert [r["value"] for r in flagged] == negative["values"]
    expected = "S" if currency[negative["supply_point_id"]] == "AUD" else "E"
    correction = adjustment["correction"]
    estimated = correction["qualities"][negative["first_interval"] : negative["last_interval"] + 1]
    assert set(estimated) == {expected}
    assert all(Decimal(v) >= 0 for v in correction["values"] if v is not None)

    def now_of(before: dict[str, Any]) -> dict[str, Any]:
        return next(
            b for b in cli.json("bills")
            if (b["supply_point_id"], b["period_start"])
            == (before["supply_point_id"], before["period_start"])
        )  # fmt: skip

    assert now_of(bill_before)["version"] == bill_before["version"]  # an adjustment rebills later
    now = now_of(spike_bill_before)
    assert now["version"] == spike_bill_before["version"] + 1
    assert now["supersedes"] == spike_bill_before["bill_id"]
    assert Decimal(now["total"]) > Decimal(spike_bill_before["total"])  # the day is billed now
    every = {b["bill_id"] for b in cli.json("bills", "--all-versions")}
    assert spike_bill_before["bill_id"] in every

    again = cli("exceptions", "resolve", str(negative["id"]), "--action", "estimate", check=False)
    assert again.returncode == 2 and "already resolved (estimated)" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (("exceptions", "resolve", "x", "--action", "accept"), "ID must be an exception id"),
        (("exceptions", "resolve", "999999", "--action", "accept", "--note", "n"), "no validation"),
        (("exceptions", "resolve", "1"), "--action is required"),
        (("exceptions", "resolve", "1", "--action", "accept"), "--note is required"),
        (("exceptions", "resolve", "1", "--action", "merge", "--note", "n"), "unknown action"),
    ],
)
def test_bad_resolve_input_is_one_line_and_exit_2(cli: Cli, args: tuple[str, ...], message: str):
    result = cli(*args, check=False)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
