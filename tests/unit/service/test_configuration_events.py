"""Meter-configuration events build the supply point's timeline, versioned like reference files."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from tests.factories import channel_day

from meter2cash import codec
from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.billing import FlatTariff
from meter2cash.service.pipeline import run_chain

MPAN = "1200045678906"
TARIFFS = {
    "GB": FlatTariff("gb", 1, "GB", "GBP", Decimal("50"), Decimal("25"), "VAT", Decimal("0.05"))
}


def event(at: str, serial: str, change: str, line_channels=("AI",)) -> dict[str, object]:
    return {
        "event": "meter_configuration_changed", "supply_point_id": MPAN, "effective_at": at,
        "meter_serial": serial, "change": change, "channels": list(line_channels),
        "registers": [{"register_id": "R1", "digits": 5, "multiplier": "1", "time_pattern": None}],
        "source": {"file_id": "x", "line": 1},
    }  # fmt: skip


def write(tmp_path: Path, name: str, lines: list[dict[str, object]]) -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def day_line(read_on: date, serial: str) -> dict[str, object]:
    day = channel_day(
        supply_point_id=MPAN, channel="AI", read_on=read_on, zone="Europe/London", market="GB"
    )
    data = codec.to_builtins(day)
    data["meter_serial"] = serial
    return data


def test_install_then_exchange_events_make_two_timeline_versions(tmp_path: Path) -> None:
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")
    first = write(
        tmp_path, "a.jsonl",
        [event("2024-01-01T00:00:00Z", "K1", "install"), day_line(date(2024, 3, 1), "K1")],
    )  # fmt: skip
    run_chain([first], uow_factory, archive, TARIFFS, datetime(2024, 3, 5, tzinfo=UTC))
    with uow_factory() as uow:
        (v1,) = uow.reference.versions(MPAN)
    assert (v1.version, v1.source_name, str(v1.supply_point.market)) == (1, "events", "GB")
    assert [p.meter_serial for p in v1.timeline.periods] == ["K1"]
    assert v1.known_from == datetime(2024, 3, 5, tzinfo=UTC)

    exchange = write(
        tmp_path, "b.jsonl",
        [event("2024-03-01T12:00:00Z", "K1", "removal"),
         event("2024-03-01T12:00:00Z", "K2", "install")],
    )  # fmt: skip
    run_chain([exchange], uow_factory, archive, TARIFFS, datetime(2024, 3, 6, tzinfo=UTC))
    with uow_factory() as uow:
        versions = uow.reference.versions(MPAN)
    assert [v.version for v in versions] == [1, 2]
    assert [(p.meter_serial, p.end) for p in versions[-1].timeline.periods] == [
        ("K1", datetime(2024, 3, 1, 12, tzinfo=UTC)),
        ("K2", None),
    ]
    # the same events again change nothing
    again = write(tmp_path, "c.jsonl", [event("2024-03-01T12:00:00Z", "K2", "install")])
    run_chain([again], uow_factory, archive, TARIFFS, datetime(2024, 3, 7, tzinfo=UTC))
    with uow_factory() as uow:
        assert len(uow.reference.versions(MPAN)) == 2


def test_events_that_cannot_form_a_timeline_are_rejected_and_the_timeline_kept(
    tmp_path: Path,
) -> None:
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")
    first = write(tmp_path, "a.jsonl", [event("2024-01-01T00:00:00Z", "K1", "install")])
    run_chain([first], uow_factory, archive, TARIFFS, datetime(2024, 3, 5, tzinfo=UTC))
    clash = write(tmp_path, "b.jsonl", [event("2024-02-01T00:00:00Z", "K2", "install")])
    run_chain([clash], uow_factory, archive, TARIFFS, datetime(2024, 3, 6, tzinfo=UTC))
    with uow_factory() as uow:
        assert len(uow.reference.versions(MPAN)) == 1
        rejected = [r for r in uow.rejections.list() if r.reason_code == "CONFIGURATION_CONFLICT"]
    assert len(rejected) == 1
    assert (rejected[0].file_name, rejected[0].source.line) == ("b.jsonl", 1)
    assert "K2" in rejected[0].message or "install" in rejected[0].message
