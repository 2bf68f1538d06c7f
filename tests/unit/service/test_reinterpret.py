"""A configuration fix re-judges the stored days it touches: new findings are stored, findings that
no longer hold are closed as superseded, billability follows; no value changes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.billing import FlatTariff
from meter2cash.service import queries
from meter2cash.service.pipeline import run_chain
from meter2cash.service.reference import load_reference
from meter2cash.service.reference_view import ReferenceView
from meter2cash.service.reinterpret import reinterpret

TARIFFS = {
    "AU": FlatTariff("au", 1, "AU", "AUD", Decimal("100"), Decimal("20"), "GST", Decimal("0.1"))
}
AT = datetime(2024, 3, 1, tzinfo=UTC)
NMI = "NCDE000001"


def nem12() -> str:
    values = ",".join(str(Decimal("0.5") + Decimal(k % 6) / 100) for k in range(48))
    days = [f"300,202401{d:02d},{values},A,,,20240301000000," for d in range(1, 6)]
    return (
        "\n".join(
            ["100,NEM12,202403010000,MDP1,RET1", f"200,{NMI},E1,1,E1,N1,M1,kWh,30,", *days, "900"]
        )
        + "\n"
    )


def reference(known_from: str, direction: str, replaces: bool) -> str:
    span = '    replaces: {start: "2023-12-31T14:00:00Z"}\n' if replaces else ""
    market = "" if replaces else "    market: AU\n    zone: NEM\n    settlement_regime: nem\n"
    return f"""format: meter2cash-reference/1
known_from: "{known_from}"
supply_points:
  - supply_point_id: "{NMI}"
{market}{span}    meters:
      - serial: M1
        installed_at: "2023-12-31T14:00:00Z"
        channels:
          - {{channel: E1, direction: {direction}, unit: kWh, interval_minutes: 30}}
"""


def test_a_configuration_fix_re_judges_the_stored_days(tmp_path: Path) -> None:
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")
    data = tmp_path / "a.csv"
    data.write_text(nem12())
    run_chain([data], uow_factory, archive, TARIFFS, AT)
    assert queries.exceptions(uow_factory) == []  # no reference data: nothing to contradict

    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(reference("2024-03-02T00:00:00Z", "export", replaces=False))
    loaded = load_reference([wrong], uow_factory, datetime(2024, 3, 2, tzinfo=UTC))
    assert not loaded.failed and loaded.reinterpret
    first = reinterpret(uow_factory, loaded.reinterpret, AT, ReferenceView.load)
    flagged = queries.exceptions(uow_factory)
    assert first.channel_days == 5 and first.new_issues == len(flagged) > 0
    assert {i["rule"] for i in flagged} == {"C20"}  # import data on a channel configured export
    assert {i["read_on"] for i in flagged} == {f"2024-01-0{d}" for d in range(1, 6)}

    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(reference("2024-03-03T00:00:00Z", "import", replaces=True))
    loaded = load_reference([fixed], uow_factory, datetime(2024, 3, 3, tzinfo=UTC))
    assert not loaded.failed and loaded.reinterpret
    second = reinterpret(uow_factory, loaded.reinterpret, AT, ReferenceView.load)
    assert second.new_issues == 0 and second.superseded_issues == len(flagged)
    after = queries.exceptions(uow_factory)
    assert {(i["status"], i["resolution"]) for i in after} == {("resolved", "superseded")}
    rows = queries.reads(uow_factory, NMI, date(2024, 1, 1), date(2024, 1, 6))
    assert {r["version"] for r in rows} == {1}  # judged again, never restated
