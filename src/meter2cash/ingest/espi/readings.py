"""One IntervalReading -> an exact energy over a UTC interval, with its quality.

Layout implemented (usage.xsd v3.3, ``IntervalBlock`` and ``IntervalReading``)::

    <IntervalBlock>
      <interval><duration>86400</duration><start>1388552400</start></interval>
      <IntervalReading>                      (any number)
        <cost>819</cost>                     ignored: money is rated here, not taken from the feed
        <ReadingQuality><quality>8</quality></ReadingQuality>   (any number)
        <timePeriod><duration>3600</duration><start>1388552400</start></timePeriod>
        <value>273</value>                   Int48, in the ReadingType's uom x 10^powerOfTenMultiplier
      </IntervalReading>
    </IntervalBlock>

``start`` is seconds since the Unix epoch (UTC) and ``duration`` seconds. Some feeds write a
fractional ``start`` (``1721154384.66136``): kept to the microsecond, refused beyond it. Without a
``timePeriod`` the schema says "readings for each intervalLength in ReadingType are present": the
reading then starts ``index x intervalLength`` after the block's ``interval/start``. ``consumptionTier``,
``tou`` and ``cpp`` are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Context, Decimal, Inexact, InvalidOperation
from functools import lru_cache

from meter2cash.domain.errors import PrecisionError
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.reads import Quality
from meter2cash.ingest.espi.codes import canonical_quality
from meter2cash.ingest.espi.reasons import EspiReason, Fault
from meter2cash.ingest.espi.resolve import Channel
from meter2cash.ingest.reasons import Reason

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_EXACT = Context(prec=60, traps=[Inexact, InvalidOperation])
_ONE = Decimal(1)
# The instants a datetime can hold, with a day to spare for local-time arithmetic.
_FIRST_US = (datetime(1, 1, 2, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)
_LAST_US = (datetime(9999, 12, 30, tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)


@dataclass(slots=True)
class RawReading:
    """The text of one IntervalReading's elements, as the second pass collected it."""

    line: int
    index: int  # position in its IntervalBlock, for readings without a timePeriod
    start: str | None = None
    duration: str | None = None
    value: str | None = None
    qualities: list[str] = field(default_factory=list)

    def shown(self) -> str:
        quality = f" quality={','.join(self.qualities)}" if self.qualities else ""
        return f"start={self.start} duration={self.duration} value={self.value}{quality}"


@dataclass(frozen=True, slots=True)
class Reading:
    start_us: int  # microseconds since the Unix epoch: exact, and cheap to put on a day's grid
    seconds: int
    energy: Decimal
    quality: Quality
    flags: str  # the QualityOfReading codes verbatim, comma-separated ("" when absent)

    @property
    def start(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.start_us)

    @property
    def end(self) -> datetime:
        return EPOCH + timedelta(microseconds=self.start_us, seconds=self.seconds)


def read(raw: RawReading, channel: Channel, block_start: str | None) -> Reading | Fault:
    timing = _timing(raw, channel, block_start)
    if isinstance(timing, Fault):
        return timing
    energy = _energy(raw.value, channel.shift)
    if isinstance(energy, Fault):
        return energy
    quality = _quality(",".join(code.strip() for code in raw.qualities))
    if isinstance(quality, Fault):
        return quality
    return Reading(timing[0], timing[1], energy, quality[1], quality[0])


def _timing(raw: RawReading, channel: Channel, block_start: str | None) -> tuple[int, int] | Fault:
    timing = _raw_timing(raw, channel, block_start)
    if isinstance(timing, tuple) and not _FIRST_US <= timing[0] <= _LAST_US - timing[1] * 1_000_000:
        return Fault(
            EspiReason.BAD_TIME_PERIOD,
            f"timePeriod start {raw.start!r} + duration {raw.duration!r} is not between the "
            "years 1 and 9999",
        )
    return timing


def _raw_timing(
    raw: RawReading, channel: Channel, block_start: str | None
) -> tuple[int, int] | Fault:
    step = channel.interval_seconds
    if raw.start is None:
        base = None if block_start is None else instant(block_start)
        if base is None or not step:
            return Fault(
                EspiReason.MISSING_TIME_PERIOD,
                "IntervalReading has no timePeriod/start, and no IntervalBlock interval start and "
                "ReadingType intervalLength to place it by",
            )
        return base + step * raw.index * 1_000_000, step
    start = instant(raw.start)
    if start is None:
        return Fault(
            EspiReason.BAD_TIME_PERIOD,
            f"timePeriod start {raw.start!r} is not seconds since 1970 (to the microsecond)",
        )
    if raw.duration is None:
        if not step:
            return Fault(
                EspiReason.MISSING_TIME_PERIOD,
                "IntervalReading has no timePeriod/duration and its ReadingType no intervalLength",
            )
        return start, step
    text = raw.duration.strip()
    if not (text.isascii() and text.isdigit()) or (int(text) == 0 and not channel.register):
        return Fault(
            EspiReason.BAD_TIME_PERIOD,
            f"timePeriod duration {raw.duration!r} is not a positive whole number of seconds",
        )
    return start, int(text)


def instant(text: str) -> int | None:
    """Unix seconds as integer microseconds, exact; None when not a number or finer than 1 µs."""
    text = text.strip()
    if text.isascii() and text.isdigit():
        return int(text) * 1_000_000
    if not _NUMBER.fullmatch(text):
        return None
    micro = Decimal(text).scaleb(6)
    return int(micro) if micro == micro.to_integral_value() else None


@lru_cache(maxsize=256)
def _quality(flags: str) -> tuple[str, Quality] | Fault:
    """(codes verbatim, canonical quality) of a reading's comma-joined ReadingQuality codes."""
    codes = flags.split(",") if flags else []
    for code in codes:
        if not (code.isascii() and code.isdigit()):
            return Fault(EspiReason.BAD_QUALITY, f"ReadingQuality {code!r} is not a code number")
    return flags, canonical_quality(int(code) for code in codes)


def _energy(text: str | None, shift: int) -> Decimal | Fault:
    if text is None:
        return Fault(Reason.BAD_VALUE, "IntervalReading has no value")
    text = text.strip()
    if text.isascii() and text.isdigit() and len(text) < 28 and shift >= -6:  # integer Wh
        return Decimal(text).scaleb(shift, _EXACT) if shift <= 0 else Decimal(int(text) * 10**shift)
    if not _NUMBER.fullmatch(text):
        return Fault(Reason.BAD_VALUE, f"value {text[:40]!r} is not a decimal number")
    try:
        energy = Decimal(text).scaleb(shift, _EXACT)
    except Inexact:
        return Fault(Reason.PRECISION_EXCEEDED, f"value {text[:40]!r} has too many digits")
    exponent = energy.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:  # 5E+3 (kWh x 10^3) is written 5000
        return energy.quantize(_ONE, context=_EXACT)
    if isinstance(exponent, int) and exponent < -6:
        try:
            to_micro(energy)
        except PrecisionError:
            return Fault(
                Reason.PRECISION_EXCEEDED,
                f"value {text!r} x 10^{shift} = {energy} has more than 6 decimal places of the "
                "canonical unit",
            )
    return energy
