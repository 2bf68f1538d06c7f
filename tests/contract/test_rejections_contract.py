"""RejectionStore contract: every unusable record is kept once, with where and why."""

from __future__ import annotations

from tests.contract.builders import rejection

from meter2cash.domain.reads import Rejection, SourceRef


def test_add_counts_only_new_rejections(uow_factory) -> None:
    first, second = rejection(3), rejection(4, "bad_date")
    with uow_factory() as uow:
        assert uow.rejections.add([first, second]) == 2
        assert uow.rejections.add([first]) == 0
        # Same file, line and reason is the same rejection, whatever the message says now.
        assert uow.rejections.add([rejection(3, message="reworded")]) == 0
        assert uow.rejections.add([rejection(3, "bad_quality_v2")]) == 1
        assert uow.rejections.add([]) == 0
        uow.commit()
    with uow_factory() as uow:
        assert uow.rejections.list() == [first, second, rejection(3, "bad_quality_v2")]


def test_a_batch_with_duplicates_inside_counts_each_once(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.rejections.add(iter([rejection(5), rejection(5), rejection(6)])) == 2
        assert len(uow.rejections.list()) == 2


def test_round_trip_and_filter_by_file(uow_factory) -> None:
    other_file = "cd" * 32
    with_segment = Rejection(
        SourceRef(other_file, 12, "UNH+1"),
        "b.edi",
        "bad_segment",
        "unknown qualifier «Z9»",
        "QTY+Z9:12'",
    )
    with uow_factory() as uow:
        uow.rejections.add([rejection(1), with_segment, rejection(2)])
        uow.commit()
    with uow_factory() as uow:
        assert uow.rejections.list(other_file) == [with_segment]
        assert [r.source.line for r in uow.rejections.list(rejection().source.file_id)] == [1, 2]
        assert uow.rejections.list("ee" * 32) == []


def test_count_by_reason(uow_factory) -> None:
    with uow_factory() as uow:
        assert uow.rejections.count_by_reason() == {}
        uow.rejections.add([rejection(1), rejection(2), rejection(3, "bad_date"), rejection(1)])
        assert uow.rejections.count_by_reason() == {"bad_quality": 2, "bad_date": 1}
