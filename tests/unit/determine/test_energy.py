from datetime import date
from decimal import Decimal

from tests.factories import channel_day

from meter2cash.determine.energy import CuratedDay, month_determinants
from meter2cash.domain.billing import DeterminantKind as K
from meter2cash.domain.quantity import MICRO, Unit, from_micro
from meter2cash.domain.reads import Direction


def _by_kind(dets):
    return {(d.kind, d.channel, d.period_on): d for d in dets}


def test_monthly_sums_only_billable_days_but_days_of_supply_count_all():
    days = [
        CuratedDay.of(1, channel_day(["0.125"] * 48, read_on=date(2024, 1, 1)), True),
        CuratedDay.of(2, channel_day(["0.001"] * 48, read_on=date(2024, 1, 2)), True),
        CuratedDay.of(3, channel_day(["5"] * 48, read_on=date(2024, 1, 3)), False),
        CuratedDay.of(
            4,
            channel_day(
                ["0.3"] * 48, channel="B1", direction=Direction.EXPORT, read_on=date(2024, 1, 1)
            ),
            True,
        ),
        CuratedDay.of(
            5,
            channel_day(
                ["7"] * 48,
                channel="Q1",
                unit=Unit.KVARH,
                direction=Direction.REACTIVE_IMPORT,
                read_on=date(2024, 1, 1),
            ),
            True,
        ),
    ]
    dets = _by_kind(month_determinants("NCDE000001", date(2024, 1, 1), days))
    monthly = dets[K.MONTHLY_IMPORT, "E1", date(2024, 1, 1)]
    assert from_micro(monthly.quantity_micro) == Decimal("6.048")  # 48*0.125 + 48*0.001
    assert monthly.channel_day_ids == (1, 2)
    assert dets[K.MONTHLY_EXPORT, "B1", date(2024, 1, 1)].quantity_micro == 48 * 300_000
    assert dets[K.MONTHLY_DAYS, "*", date(2024, 1, 1)].quantity_micro == 3 * MICRO
    assert dets[K.MONTHLY_DAYS, "*", date(2024, 1, 1)].channel_day_ids == (1, 2, 3)
    assert (K.DAILY_IMPORT, "E1", date(2024, 1, 3)) not in dets  # quarantined
    assert not any(d.channel == "Q1" for d in dets.values())  # reactive is not billed


def test_no_import_means_no_days_of_supply():
    day = channel_day(channel="B1", direction=Direction.EXPORT)
    kinds = {
        d.kind for d in month_determinants("X", date(2024, 1, 1), [CuratedDay.of(1, day, True)])
    }
    assert K.MONTHLY_DAYS not in kinds
