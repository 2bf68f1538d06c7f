"""DTM segments -> UTC instants, exactly as the sender wrote them; nothing is inferred from position.

Layout (MSCONS MIG 2.4c, SG10 DTM "Beginn/Ende Messperiode", "Nutzungszeitpunkt")::

    DTM+C507'   C507 = 2005 qualifier : 2380 value : 2379 format code
    DTM+163:202101012300?+00:303'   163 start of the measured period, format 303
    DTM+164:202101312315?+00:303'   164 end of the measured period
    DTM+7:202106012200?+00:303'     7 Nutzungszeitpunkt: the instant a register value is valid for
    DTM+9:20210201:102'             9 Ablesedatum: when the meter was read (a date, or 303)

Formats handled:

* ``303`` CCYYMMDDHHMMZZZ -- ZZZ is the UTC offset as sign and hours, e.g. ``+01`` (the ``+`` arrives
  released as ``?+``; pydifact removes the release character). The samples carry CET (``+01``)
  and UTC (``+00``). A four-digit ``+0100`` is accepted too (some senders write hours and minutes).
* ``304`` CCYYMMDDHHMMSSZZZ -- the same with seconds.
* ``203`` CCYYMMDDHHMM -- no offset in the value. The offset must then come from the message's
  ``DTM+735`` (EDIFACT "offset from UTC", format ``406`` = sign, HHMM, e.g. ``DTM+735:?+0100:406``,
  as Nordic Ediel messages use it); the MIGs read (2.4c) do not use format 203 for SG10 at all.
  Without a DTM+735 the value is rejected (``MISSING_UTC_OFFSET``): German local time is ambiguous
  in the October clock-change hour, so it is never assumed.
* ``102`` CCYYMMDD -- a date, not an instant: refused where an instant is needed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from meter2cash.ingest.mscons.reasons import MsconsReason, Problem
from meter2cash.ingest.mscons.segments import Segment
from meter2cash.ingest.reasons import Reason

_ZONED = {
    "303": re.compile(r"(\d{12})([+-])(\d{2})(\d{2})?"),
    "304": re.compile(r"(\d{14})([+-])(\d{2})(\d{2})?"),
}
_LOCAL_203 = re.compile(r"\d{12}")
_OFFSET_406 = re.compile(r"([+-])(\d{2})(\d{2})")
#: Real-world offsets lie within -12:00..+14:00; anything beyond is a typing error, not a zone.
_MAX_OFFSET = timedelta(hours=14)


def parse_instant(dtm: Segment, utc_offset: timezone | None) -> datetime | Problem:
    """The UTC instant of a DTM segment, or why it has none."""
    return _parse(dtm.component(0, 0), dtm.component(0, 1), dtm.component(0, 2), utc_offset)


@lru_cache(maxsize=16 * 1024)  # the same instants recur for every Meldepunkt of a period
def _parse(
    qualifier: str, value: str, code: str, utc_offset: timezone | None
) -> datetime | Problem:
    pattern = _ZONED.get(code)
    if pattern is not None:
        match = pattern.fullmatch(value)
        if match is None:
            return _bad(qualifier, value, code)
        digits, sign, hours, minutes = match.groups()
        offset = _offset(sign, hours, minutes or "00")
        return _instant(qualifier, value, code, digits, offset)
    if code == "203":
        if not _LOCAL_203.fullmatch(value):
            return _bad(qualifier, value, code)
        if utc_offset is None:
            return Problem(
                MsconsReason.MISSING_UTC_OFFSET,
                f"DTM+{qualifier} {value!r} (format 203) has no UTC offset and the message gives no "
                "DTM+735: local German time is ambiguous, so it is not guessed",
            )
        return _instant(qualifier, value, code, value, utc_offset)
    return Problem(
        Reason.BAD_DATE,
        f"DTM+{qualifier} format {code!r} is not an instant (expected 303, 304 or 203)",
    )


def parse_utc_offset(dtm: Segment) -> timezone | Problem:
    """A message's ``DTM+735:<sign>HHMM:406`` offset from UTC."""
    value, code = dtm.component(0, 1), dtm.component(0, 2)
    match = _OFFSET_406.fullmatch(value)
    if code != "406" or match is None:
        return Problem(
            Reason.BAD_DATE, f"DTM+735 {value!r} format {code!r} is not a 406 (+HHMM) offset"
        )
    sign, hours, minutes = match.groups()
    offset = _offset(sign, hours, minutes)
    if offset is None:
        return Problem(Reason.BAD_DATE, f"DTM+735 {value!r} is not a UTC offset")
    return offset


def _instant(
    qualifier: str, value: str, code: str, digits: str, offset: timezone | None
) -> datetime | Problem:
    if offset is None:
        return Problem(Reason.BAD_DATE, f"DTM+{qualifier} {value!r} has an impossible UTC offset")
    seconds = int(digits[12:14]) if len(digits) == 14 else 0
    try:
        local = datetime(
            int(digits[0:4]),
            int(digits[4:6]),
            int(digits[6:8]),
            int(digits[8:10]),
            int(digits[10:12]),
            seconds,
            tzinfo=offset,
        )
    except ValueError as exc:
        return Problem(Reason.BAD_DATE, f"DTM+{qualifier} {value!r} (format {code}): {exc}")
    return local.astimezone(UTC)


@lru_cache(maxsize=64)
def _offset(sign: str, hours: str, minutes: str) -> timezone | None:
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if int(minutes) >= 60 or delta > _MAX_OFFSET:
        return None
    return timezone(-delta if sign == "-" else delta)


def _bad(qualifier: str, value: str, code: str) -> Problem:
    return Problem(
        Reason.BAD_DATE, f"DTM+{qualifier} {value!r} does not match its format {code or '(none)'}"
    )
