"""Partial deliveries of a day (MSCONS, Green Button, HH exports) merge instead of overwriting."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from tests.factories import channel_day

from meter2cash import codec
from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.billing import FlatTariff
from meter2cash.service.interpret import merge_partial
from meter2cash.service.pipeline import run_chain

TARIFFS = {
    "GB": FlatTariff("gb", 1, "GB", "GBP", Decimal("50"), Decimal("20"), "VAT", Decimal("0.05"))
}
MPAN = "1030006718997"


def _partial(first_half: bool, value: str, line: int):
    values: list[str | None] = [value if (k < 24) == first_half else None for k in range(48)]
    qualities = "".join("A" if v is not None else "M" for v in values)
    return channel_day(values, supply_point_id=MPAN, market="GB", zone="Europe/London",
                       channel="AI", read_on=date(2024, 6, 3), qualities=qualities, line=line)  # fmt: skip


def test_merge_keeps_stored_values_where_the_delivery_is_missing():
    merged = merge_partial(_partial(True, "1", 1), _partial(False, "2", 2))
    assert merged.complete
    assert merged.values[:24] == (Decimal(1),) * 24 and merged.values[24:] == (Decimal(2),) * 24
    assert merged.source.line == 2


def test_two_halves_in_two_files_become_one_billable_day(tmp_path: Path):
    uow_factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    archive = FileArchive(tmp_path / "archive")
    for n, day in enumerate((_partial(True, "1", 1), _partial(False, "0.5", 1))):
        path = tmp_path / f"part{n}.jsonl"
        path.write_bytes(codec.encode(codec.to_builtins(day)) + b"\n")
        run_chain([path], uow_factory, archive, TARIFFS, datetime(2024, 7, 1, tzinfo=UTC))
    with uow_factory() as uow:
        versions = uow.intervals.versions(MPAN, "AI", date(2024, 6, 3))
        bills = uow.bills.list()
    assert [v.version for v in versions] == [1, 2]
    assert not versions[0].billable  # half a day is missing: C2 quarantines it
    latest = versions[-1]
    assert latest.billable and latest.channel_day.complete
    assert sum(latest.channel_day.values) == Decimal(24) + Decimal(12)
    energy = [line for line in bills[-1].lines if line.kind == "energy"]
    assert energy[0].quantity == Decimal(36)
