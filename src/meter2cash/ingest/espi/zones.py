"""LocalTimeParameters -> the zone whose local days group a usage point's readings.

ESPI gives local time as a standard offset (``tzOffset``, seconds east of UTC), a daylight offset
(``dstOffset``) and two bit-packed rules. ``DstRuleType`` in usage.xsd v3.3 (OpenESPI-Common-java)::

    Bits  0 - 11: seconds 0 - 3599
    Bits 12 - 16: hours 0 - 23
    Bits 17 - 19: day of the week 0 = not applicable, 1 - 7 (Monday = 1)
    Bits 20 - 24: day of the month 0 = not applicable, 1 - 31
    Bits 25 - 27: operator: 0 on the day of the month; 1 the day of the week on or after the day
                  of the month; 2..6 its first..fifth occurrence in the month; 7 its last
    Bits 28 - 31: month 1 - 12
    0xFFFFFFFF: rule processing / DST correction disabled

e.g. ``360E2000`` = second (op 3) Sunday (7) of March (3) at 02:00, ``B40E2000`` = first Sunday of
November at 02:00: the US rules since 2007.

A channel-day's zone must be a name the model resolves (an IANA zone, or a fixed ``+HH:MM``). So the
rules are decoded and compared with a short list of IANA zones of the same standard offset: the zone
whose transitions fall on the same dates in sample years is used (``America/Los_Angeles`` for the
Pacific samples). Without DST (rules disabled, ``dstOffset`` 0) the fixed standard offset is exact.
Rules that match no listed zone also give the fixed standard offset: those days are then
standard-time days; every reading keeps its exact UTC instant, only the day grid differs. The
list holds the zones of North America (where ESPI is used) and a few others; for dates where an
IANA zone's history differs from the file's rule (US dates before 2007), the IANA zone's local day
is used and a daily reading that does not fit it is kept as a single interval read.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from meter2cash.ingest.espi.reasons import EspiReason, Fault

DISABLED = 0xFFFFFFFF

#: IANA zones tried for DST rules, by standard offset in seconds.
CANDIDATES: dict[int, tuple[str, ...]] = {
    -36000: ("America/Adak",),
    -32400: ("America/Anchorage",),
    -28800: ("America/Los_Angeles",),
    -25200: ("America/Denver",),
    -21600: ("America/Chicago",),
    -18000: ("America/New_York",),
    -14400: ("America/Halifax",),
    -12600: ("America/St_Johns",),
    0: ("Europe/London",),
    3600: ("Europe/Berlin",),
    7200: ("Europe/Helsinki",),
    36000: ("Australia/Sydney",),
    43200: ("Pacific/Auckland",),
}
_SAMPLE_YEARS = (2010, 2015, 2020, 2025)


@dataclass(frozen=True, slots=True)
class DstRule:
    month: int
    operator: int
    day_of_month: int
    day_of_week: int  # 1 = Monday .. 7 = Sunday
    seconds: int  # after local midnight

    @classmethod
    def decode(cls, word: int) -> DstRule:
        return cls(
            month=(word >> 28) & 0xF,
            operator=(word >> 25) & 0x7,
            day_of_month=(word >> 20) & 0x1F,
            day_of_week=(word >> 17) & 0x7,
            seconds=((word >> 12) & 0x1F) * 3600 + (word & 0xFFF),
        )

    def on(self, year: int) -> date | None:
        """The date the rule falls on in ``year``, or None when the rule names no such day."""
        if not 1 <= self.month <= 12:
            return None
        days = calendar.monthrange(year, self.month)[1]
        if self.operator == 0:
            return (
                date(year, self.month, self.day_of_month)
                if 1 <= self.day_of_month <= days
                else None
            )
        if not 1 <= self.day_of_week <= 7:
            return None
        weekday = self.day_of_week - 1  # Python: Monday = 0
        if self.operator == 1:
            if not 1 <= self.day_of_month <= days:
                return None
            first = date(year, self.month, self.day_of_month)
            found = first + timedelta(days=(weekday - first.weekday()) % 7)
            return found if found.month == self.month else None
        if self.operator == 7:
            last = date(year, self.month, days)
            return last - timedelta(days=(last.weekday() - weekday) % 7)
        first = date(year, self.month, 1)
        found = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (self.operator - 2))
        return found if found.month == self.month else None


def zone_for(fields: dict[str, str]) -> str | Fault:
    """The zone name for one LocalTimeParameters resource (its child elements' text by name)."""
    try:
        tz_offset = int(fields.get("tzOffset", "").strip())
        dst_offset = int(fields.get("dstOffset", "0").strip() or "0")
        start = int(fields.get("dstStartRule", "FFFFFFFF").strip() or "FFFFFFFF", 16)
        end = int(fields.get("dstEndRule", "FFFFFFFF").strip() or "FFFFFFFF", 16)
    except ValueError:
        return Fault(
            EspiReason.BAD_LOCAL_TIME,
            "LocalTimeParameters needs an integer tzOffset and dstOffset and hexadecimal DST rules",
        )
    if tz_offset % 60 or abs(tz_offset) >= 86400 or dst_offset % 60 or abs(dst_offset) > 7200:
        return Fault(
            EspiReason.BAD_LOCAL_TIME,
            f"tzOffset {tz_offset} s / dstOffset {dst_offset} s is not a whole-minute offset of "
            "less than a day",
        )
    fixed = fixed_offset(tz_offset)
    if dst_offset == 0 or DISABLED in (start, end):
        return fixed
    return matching_zone(tz_offset, dst_offset, start, end) or fixed


def fixed_offset(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


@lru_cache(maxsize=64)
def matching_zone(tz_offset: int, dst_offset: int, start: int, end: int) -> str | None:
    """The listed IANA zone whose standard offset and transition dates equal the rules', if any."""
    start_rule, end_rule = DstRule.decode(start), DstRule.decode(end)
    standard = timedelta(seconds=tz_offset)
    daylight = standard + timedelta(seconds=dst_offset)
    for name in CANDIDATES.get(tz_offset, ()):
        zone = ZoneInfo(name)
        if all(
            _switches(zone, start_rule.on(year), standard, daylight)
            and _switches(zone, end_rule.on(year), daylight, standard)
            for year in _SAMPLE_YEARS
        ):
            return name
    return None


def _switches(zone: ZoneInfo, on: date | None, before: timedelta, after: timedelta) -> bool:
    """True when ``zone`` changes from offset ``before`` to ``after`` between noon before ``on``
    and noon on ``on``: the date is what matters for the day grid, not the hour of the change."""
    if on is None:
        return False
    noon = time(12)
    return (
        datetime.combine(on - timedelta(days=1), noon, tzinfo=zone).utcoffset() == before
        and datetime.combine(on, noon, tzinfo=zone).utcoffset() == after
    )
