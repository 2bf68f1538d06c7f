"""Register reads are validated in the stage against the previous stored read and the
configuration in force at the read's instant (rollover only by configured digits)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from meter2cash.adapters.memory import MemoryDatabase, MemoryUnitOfWorkFactory
from meter2cash.domain.configuration import ConfigurationPeriod, ConfigurationTimeline
from meter2cash.domain.meter_setup import RegisterConfig
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Quality, RegisterRead, SourceRef
from meter2cash.interpret.vee import shipped_parameters
from meter2cash.service.interpret_registers import validate_register_reads

SP = "1200045678906"
JAN = datetime(2024, 1, 10, 9, tzinfo=UTC)
APR = datetime(2024, 4, 10, 9, tzinfo=UTC)
AS_OF = datetime(2024, 5, 1, tzinfo=UTC)


def read(value: str, at: datetime, serial: str = "K1", line: int = 1) -> RegisterRead:
    return RegisterRead(
        SP, serial, "R1", at, Decimal(value), Unit.KWH, Quality.ACTUAL, None, None, "A",
        SourceRef("f" * 64, line),
    )  # fmt: skip


class Reference:
    def __init__(self, digits: int) -> None:
        period = ConfigurationPeriod(
            SP, "K1", datetime(2023, 1, 1, tzinfo=UTC), None,
            registers=(RegisterConfig("R1", digits),),
        )  # fmt: skip
        self._timeline = ConfigurationTimeline(SP, (period,))

    def timeline(self, supply_point_id: str) -> ConfigurationTimeline | None:
        return self._timeline if supply_point_id == SP else None

    def market(self, supply_point_id: str) -> str | None:
        return "GB"


def _issues(previous: str, current: str, reference=None, serial: str = "K1"):
    factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    with factory() as uow:
        uow.register_reads.put(read(previous, JAN))
        new = read(current, APR, serial=serial, line=2)
        result = uow.register_reads.put(new)
        issues = validate_register_reads(
            uow, [(new, result.version)], shipped_parameters(), reference, AS_OF
        )
    return [(i.rule, i.channel, str(i.read_on), i.source.line) for i in issues]


def test_a_reading_below_the_previous_without_known_digits_is_a_negative_advance():
    assert _issues("1000", "900") == [("C5", "register:K1/R1", "2024-04-10", 2)]


def test_a_normal_advance_raises_nothing():
    assert _issues("1000", "1400", Reference(digits=5)) == []


def test_a_rollover_by_the_configured_digits_is_accepted_and_reported_as_c6():
    rules = [rule for rule, *_ in _issues("99900", "00100", Reference(digits=5))]
    assert "C5" not in rules and "C6" in rules


def test_the_same_values_with_more_digits_configured_are_a_negative_advance():
    rules = [rule for rule, *_ in _issues("99900", "00100", Reference(digits=6))]
    assert "C5" in rules


def test_a_read_from_a_meter_not_in_force_is_flagged():
    rules = [rule for rule, *_ in _issues("1000", "1400", Reference(digits=5), serial="K9")]
    assert "C15" in rules or "C13" in rules


class TouReference(Reference):
    def __init__(self) -> None:
        period = ConfigurationPeriod(
            SP, "K1", datetime(2023, 1, 1, tzinfo=UTC), None,
            registers=(
                RegisterConfig("T", 6), RegisterConfig("D", 6, time_pattern="00001"),
                RegisterConfig("N", 6, time_pattern="00002"),
            ),
        )  # fmt: skip
        self._timeline = ConfigurationTimeline(SP, (period,))


def _tou_read(register: str, value: str, at: datetime) -> RegisterRead:
    return RegisterRead(
        SP, "K1", register, at, Decimal(value), Unit.KWH, Quality.ACTUAL, None, None, "A",
        SourceRef("f" * 64, 1),
    )  # fmt: skip


def _tou_issues(total_then: str) -> list[str]:
    factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    with factory() as uow:
        for register, value in (("T", "1000"), ("D", "600"), ("N", "400")):
            uow.register_reads.put(_tou_read(register, value, JAN))
        new = []
        for register, value in (("T", total_then), ("D", "660"), ("N", "430")):
            read = _tou_read(register, value, APR)
            new.append((read, uow.register_reads.put(read).version))
        issues = validate_register_reads(uow, new, shipped_parameters(), TouReference(), AS_OF)
    return [i.rule for i in issues]


def test_tou_registers_that_add_up_to_the_total_pass_c18():
    assert "C18" not in _tou_issues("1090")  # 90 = 60 + 30


def test_tou_registers_that_do_not_add_up_to_the_total_fail_c18():
    assert "C18" in _tou_issues("1150")  # 150 != 60 + 30


class MappedReference(Reference):
    def __init__(self) -> None:
        period = ConfigurationPeriod(
            SP, "K1", datetime(2023, 1, 1, tzinfo=UTC), None,
            registers=(RegisterConfig("R1", 6, channel="AI"),),
        )  # fmt: skip
        self._timeline = ConfigurationTimeline(SP, (period,))


def _sum_check(advance: str) -> list[str]:
    from datetime import date, timedelta

    from tests.factories import channel_day

    factory = MemoryUnitOfWorkFactory(MemoryDatabase())
    start = datetime(2024, 3, 1, tzinfo=UTC)  # local midnight in GMT
    end = datetime(2024, 3, 4, tzinfo=UTC)
    with factory() as uow:
        for k in range(3):  # 3 days x 48 x 0.5 kWh = 72 kWh
            uow.intervals.put(
                channel_day(
                    supply_point_id=SP, channel="AI", read_on=date(2024, 3, 1) + timedelta(days=k),
                    zone="Europe/London", market="GB",
                )
            )  # fmt: skip
        uow.register_reads.put(read("1000", start))
        new = read(str(1000 + int(advance)), end, line=2)
        result = uow.register_reads.put(new)
        issues = validate_register_reads(
            uow, [(new, result.version)], shipped_parameters(), MappedReference(), AS_OF
        )
    return [i.rule for i in issues]


def test_an_advance_matching_the_interval_sum_passes_c11():
    assert "C11" not in _sum_check("72")


def test_an_advance_far_from_the_interval_sum_fails_c11():
    assert "C11" in _sum_check("90")
