"""FileRegistry contract: a received file is recorded once, with an aware UTC receipt instant."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from tests.contract.builders import source_file

from meter2cash.domain.errors import DomainError

SYDNEY_WINTER = timezone(timedelta(hours=10))


def test_add_is_idempotent_by_file_id(uow_factory) -> None:
    original = source_file()
    with uow_factory() as uow:
        assert uow.files.add(original) is True
        assert uow.files.add(source_file(name="renamed.csv")) is False
        uow.commit()
    with uow_factory() as uow:
        assert uow.files.get(original.file_id) == original
        assert uow.files.list() == [original]
        assert uow.files.get("00" * 32) is None


def test_received_at_comes_back_as_the_same_instant_in_utc(uow_factory) -> None:
    received = datetime(2024, 2, 1, 19, 30, 15, 123456, tzinfo=SYDNEY_WINTER)
    with uow_factory() as uow:
        uow.files.add(source_file(received_at=received))
        uow.commit()
    with uow_factory() as uow:
        stored = uow.files.list()[0].received_at
    assert stored == received
    assert stored.utcoffset() == timedelta(0)
    assert stored == datetime(2024, 2, 1, 9, 30, 15, 123456, tzinfo=UTC)


def test_naive_receipt_instants_are_refused(uow_factory) -> None:
    with uow_factory() as uow, pytest.raises(DomainError):
        uow.files.add(source_file(received_at=datetime(2024, 2, 1, 9, 30)))  # noqa: DTZ001


def test_list_is_in_receipt_order(uow_factory) -> None:
    at = datetime(2024, 2, 1, tzinfo=UTC)
    files = [
        source_file("03" * 32, "late.csv", at + timedelta(hours=2)),
        source_file("01" * 32, "early.csv", at),
        source_file("02" * 32, "same-time-larger-id.csv", at + timedelta(hours=2)),
    ]
    with uow_factory() as uow:
        for item in files:
            uow.files.add(item)
        uow.commit()
    with uow_factory() as uow:
        assert [f.name for f in uow.files.list()] == [
            "early.csv",
            "same-time-larger-id.csv",
            "late.csv",
        ]
