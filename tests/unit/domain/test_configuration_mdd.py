"""GB MDD: which TPR a half-hour belongs to, with the worked E7 examples of market-rules.md §5.2.

The expected counts are the reference's table "Half-hour counts per TPR (computed from MDD377
clock intervals with Europe/London)" [D + computed]; the SSC -> TPR rows are the reference's (and
MDD 341's Measurement_Requirement).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from meter2cash.domain.mdd import (
    ClockInterval,
    MarketDomainData,
    MddError,
    StandardSettlementConfiguration,
    TimePatternRegime,
    ValidMtcSscCombination,
)

LONDON = ZoneInfo("Europe/London")
NORMAL, SPRING, AUTUMN = date(2025, 6, 1), date(2025, 3, 30), date(2025, 10, 26)

# TPR -> (GMT indicator, [(start, end) minutes]) from market-rules.md §5.2
SPANS = {
    "00001": (False, [(0, 1440)]),
    "00210": (True, [(30, 450)]),
    "00043": (True, [(0, 30), (450, 1440)]),
    "00206": (True, [(0, 420)]),
    "00040": (True, [(420, 1440)]),
    "00221": (False, [(0, 390), (1410, 1440)]),
    "00039": (False, [(390, 1410)]),
    "00208": (False, [(30, 450)]),
    "00044": (False, [(0, 30), (450, 1440)]),
}
REQUIREMENTS = (
    ("0393", "00001"), ("0151", "00043"), ("0151", "00210"), ("0244", "00040"),
    ("0244", "00206"), ("0154", "00039"), ("0154", "00221"), ("0242", "00044"), ("0242", "00208"),
)  # fmt: skip


def all_year(tpr: str, start: int, end: int, days: range = range(1, 8)) -> list[ClockInterval]:
    return [ClockInterval(tpr, d, 1, 1, 31, 12, start, end) for d in days]


MDD = MarketDomainData(
    sscs=(StandardSettlementConfiguration("0151", date(1996, 4, 1), None, "7-hour E7", "I"),),
    tprs=tuple(TimePatternRegime(t, False, gmt) for t, (gmt, _) in SPANS.items()),
    measurement_requirements=REQUIREMENTS,
    clock_intervals=tuple(
        ci for t, (_, spans) in SPANS.items() for a, b in spans for ci in all_year(t, a, b)
    ),
    valid_mtc_ssc=(
        ValidMtcSscCombination(
            "801", date(1996, 4, 1), "LOND", date(1996, 4, 1), "0393", date(1996, 4, 1), None
        ),
        ValidMtcSscCombination(
            "801",
            date(1996, 4, 1),
            "EDFI",
            date(2009, 4, 16),
            "0393",
            date(2009, 4, 16),
            date(2014, 12, 17),
        ),
        ValidMtcSscCombination(
            "811", date(1996, 4, 1), "LOND", date(1996, 4, 1), "0151", date(1996, 4, 1), None
        ),
    ),
)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("day", "counts"),
    [
        (NORMAL, {"00210": 14, "00043": 34, "00221": 14, "00039": 34}),
        (SPRING, {"00210": 14, "00043": 32, "00221": 12, "00039": 34}),
        (AUTUMN, {"00210": 14, "00043": 36, "00221": 16, "00039": 34}),
    ],
)
def test_half_hour_counts_per_tpr_match_the_reference(day: date, counts: dict[str, int]) -> None:
    gmt = MDD.half_hours_by_tpr("0151", day)
    clock = MDD.half_hours_by_tpr("0154", day)
    assert {**gmt, **clock} == counts
    assert sum(gmt.values()) == sum(clock.values()) == {NORMAL: 48, SPRING: 46, AUTUMN: 50}[day]
    assert MDD.half_hours_by_tpr("0393", day) == {"00001": sum(gmt.values())}


def test_e7_gmt_night_is_0130_to_0830_local_in_summer() -> None:
    """SSC 0151's night 00:30-07:30 GMT (market-rules.md §5.2): 01:30-08:30 BST in summer."""
    assert MDD.tpr_at("0151", local(NORMAL, 1, 0)) == "00043"
    assert MDD.tpr_at("0151", local(NORMAL, 1, 30)) == "00210"
    assert MDD.tpr_at("0151", local(NORMAL, 8, 0)) == "00210"
    assert MDD.tpr_at("0151", local(NORMAL, 8, 30)) == "00043"
    winter = date(2025, 1, 15)
    assert MDD.tpr_at("0151", local(winter, 0, 0)) == "00043"
    assert MDD.tpr_at("0151", local(winter, 0, 30)) == "00210"
    assert MDD.tpr_at("0151", local(winter, 7, 30)) == "00043"


def test_clock_time_night_follows_the_local_clock_in_summer() -> None:
    """SSC 0154 (clock time, GMT indicator N): night 00:00-06:30 and 23:30-24:00 local."""
    assert MDD.tpr_at("0154", local(NORMAL, 0, 0)) == "00221"
    assert MDD.tpr_at("0154", local(NORMAL, 6, 0)) == "00221"
    assert MDD.tpr_at("0154", local(NORMAL, 6, 30)) == "00039"
    assert MDD.tpr_at("0154", local(NORMAL, 23, 30)) == "00221"
    assert MDD.tpr_at("0242", local(NORMAL, 0, 30)) == "00208"  # clock 00:30, not 01:30


def test_both_clock_change_days_half_hour_by_half_hour() -> None:
    # spring: 00:30 GMT is night for both; at 05:45Z (06:45 BST, after the skipped hour) the
    # GMT-based 0151 is still night while the clock-time 0154 is already day
    spring = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
    assert MDD.tpr_at("0151", spring) == "00210"
    assert MDD.tpr_at("0154", spring) == "00221"
    assert MDD.tpr_at("0151", datetime(2025, 3, 30, 5, 45, tzinfo=UTC)) == "00210"  # 06:45 BST
    assert MDD.tpr_at("0154", datetime(2025, 3, 30, 5, 45, tzinfo=UTC)) == "00039"
    # autumn: the repeated 01:00-02:00 local hour, first in BST (00:00Z) then in GMT (01:00Z)
    first, second = (
        datetime(2025, 10, 26, 0, 0, tzinfo=UTC),
        datetime(2025, 10, 26, 1, 0, tzinfo=UTC),
    )
    assert first.astimezone(LONDON).hour == second.astimezone(LONDON).hour == 1
    assert MDD.tpr_at("0151", first) == "00043"  # 00:00-00:30 GMT is day
    assert MDD.tpr_at("0151", second) == "00210"
    assert MDD.tpr_at("0154", first) == MDD.tpr_at("0154", second) == "00221"
    # the day before the autumn change: 23:30Z on the 25th is 00:30 BST on the 26th
    assert MDD.tpr_at("0151", datetime(2025, 10, 25, 23, 30, tzinfo=UTC)) == "00043"


def test_day_of_week_one_is_monday_and_gmt_tprs_use_the_utc_date() -> None:
    weekdays = MarketDomainData(
        tprs=(TimePatternRegime("90001", False, True), TimePatternRegime("90002", False, False)),
        measurement_requirements=(("9001", "90001"), ("9002", "90002")),
        clock_intervals=(
            *all_year("90001", 0, 1440, range(1, 2)),  # Mondays only, GMT
            *all_year("90002", 0, 1440, range(1, 2)),  # Mondays only, clock time
        ),
    )
    monday_0030_bst = datetime(2025, 6, 2, 0, 30, tzinfo=LONDON)  # Sunday 23:30 UTC
    assert monday_0030_bst.weekday() == 0
    assert weekdays.tpr_at("9001", monday_0030_bst) is None
    assert weekdays.tpr_at("9002", monday_0030_bst) == "90002"
    assert weekdays.tpr_at("9001", monday_0030_bst + timedelta(minutes=30)) == "90001"


def test_date_ranges_are_inclusive_and_may_wrap_the_year() -> None:
    seasonal = MarketDomainData(
        tprs=(TimePatternRegime("90003", False, False), TimePatternRegime("90004", False, False)),
        measurement_requirements=(("9003", "90003"), ("9003", "90004")),
        clock_intervals=(
            *(ClockInterval("90003", d, 1, 6, 31, 8, 0, 1440) for d in range(1, 8)),  # summer
            *(ClockInterval("90004", d, 1, 11, 28, 2, 0, 1440) for d in range(1, 8)),  # [T] wraps
        ),
    )
    assert seasonal.tpr_at("9003", local(date(2025, 8, 31), 23, 30)) == "90003"
    assert seasonal.tpr_at("9003", local(date(2025, 9, 1), 0, 0)) is None
    assert seasonal.tpr_at("9003", local(date(2025, 1, 10), 12, 0)) == "90004"
    assert seasonal.tpr_at("9003", local(date(2025, 3, 1), 12, 0)) is None


def test_wrapping_clock_interval_and_24_00() -> None:
    wrap = ClockInterval("90005", 3, 1, 1, 31, 12, 1410, 390)  # 23:30-06:30, Wednesdays
    wednesday = date(2025, 6, 4)
    assert wrap.covers(datetime(2025, 6, 4, 23, 30))  # noqa: DTZ001 - a wall-clock time
    assert wrap.covers(datetime(2025, 6, 4, 6, 0))  # noqa: DTZ001
    assert not wrap.covers(datetime(2025, 6, 4, 6, 30))  # noqa: DTZ001
    assert wednesday.isoweekday() == 3


def test_inconsistent_or_unknown_mdd_is_an_error() -> None:
    with pytest.raises(MddError, match="no Measurement Requirement"):
        MDD.tpr_at("9999", local(NORMAL, 0))
    overlapping = MarketDomainData(
        tprs=(TimePatternRegime("90006", False, False), TimePatternRegime("90007", False, False)),
        measurement_requirements=(("9004", "90006"), ("9004", "90007")),
        clock_intervals=(*all_year("90006", 0, 1440), *all_year("90007", 600, 660)),
    )
    with pytest.raises(MddError, match="TPRs 90006, 90007 all hold"):
        overlapping.tpr_at("9004", local(NORMAL, 10))
    with pytest.raises(MddError, match="not in the TPR table"):
        MarketDomainData(measurement_requirements=(("0001", "00001"),))
    with pytest.raises(MddError, match="day of the week 8"):
        ClockInterval("00001", 8, 1, 1, 31, 12, 0, 1440)


def test_tprs_of_an_ssc_and_the_ssc_in_force() -> None:
    assert MDD.tprs_of("0151") == ("00043", "00210")
    assert MDD.ssc("0151", date(2025, 1, 1)).description == "7-hour E7"  # type: ignore[union-attr]
    assert MDD.ssc("0151", date(1990, 1, 1)) is None


def test_valid_mtc_ssc_combinations() -> None:
    """market-rules.md §5.2: 801 + 0393 valid; 801 + 0151 has no valid combination."""
    assert MDD.is_valid_mtc_ssc("801", "0393", date(2025, 1, 1))
    assert MDD.is_valid_mtc_ssc("801", "0393", date(2025, 1, 1), "LOND")
    assert not MDD.is_valid_mtc_ssc("801", "0151", date(2025, 1, 1))
    assert MDD.is_valid_mtc_ssc("811", "0151", date(2025, 1, 1), "LOND")
    assert MDD.is_valid_mtc_ssc("801", "0393", date(2014, 12, 17), "EDFI")  # inclusive end
    assert not MDD.is_valid_mtc_ssc("801", "0393", date(2014, 12, 18), "EDFI")
