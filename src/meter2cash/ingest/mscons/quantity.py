"""One SG10 group -- a QTY with its DTM and STS segments -> value, unit, flags and time.

Layout (MSCONS MIG 2.4c)::

    QTY+220:4250.465:KWH'              C186 = 6063 qualifier : 6060 quantity : 6411 unit
    DTM+163:...'  DTM+164:...'         start and end of the measured period (interval values)
    DTM+7:...'    DTM+9:...'           Nutzungszeitpunkt, Ablesedatum (register values)
    STS+Z32++Z92' ...                  statuses (see ``qualities``)

DE6060 is read into ``Decimal`` exactly; either decimal mark (``.`` or ``,``) is taken, since
EDIFACT numbers carry no thousands separators (ISO 9735 [M]; the samples use the UNA mark ``,`` and
``.``). A value that needs more than six decimal places of the canonical unit is refused, never
rounded (``PRECISION_EXCEEDED``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, Inexact, InvalidOperation, localcontext

from meter2cash.domain.errors import PrecisionError
from meter2cash.domain.quantity import to_micro
from meter2cash.domain.time import Interval
from meter2cash.ingest.mscons.instants import parse_instant
from meter2cash.ingest.mscons.products import Measure, Product, measure_of
from meter2cash.ingest.mscons.qualities import QUALITIES, Flags, flags_of
from meter2cash.ingest.mscons.reasons import MsconsReason, Problem
from meter2cash.ingest.mscons.refs import Where
from meter2cash.ingest.mscons.segments import Segment
from meter2cash.ingest.reasons import Reason

_DIGITS = frozenset("0123456789")


@dataclass(slots=True)
class Group:
    """A QTY and the DTM/STS segments after it; rejected as a whole, shown with all of them."""

    qty: Segment
    label: str
    terminator: str
    dates: dict[str, Segment] = field(default_factory=dict)
    statuses: list[Segment] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    problem: Problem | None = None

    @property
    def where(self) -> Where:
        return Where(
            self.qty.number, self.label, self.terminator.join([self.qty.text, *self.texts])
        )

    def add_date(self, dtm: Segment) -> None:
        qualifier = dtm.component(0, 0)
        if qualifier in self.dates and self.problem is None:
            self.problem = Problem(Reason.BAD_DATE, f"DTM+{qualifier} twice for one QTY")
        self.dates.setdefault(qualifier, dtm)
        self.texts.append(dtm.text)

    def add_status(self, sts: Segment) -> None:
        self.statuses.append(sts)
        self.texts.append(sts.text)


def value_of(
    group: Group, product: Product, channel_measure: Measure | None
) -> tuple[Decimal, Measure, Flags] | Problem:
    """The group's canonical value, its unit and flags; ``channel_measure`` is its LIN's so far."""
    qty = group.qty
    qualifier, text, unit_code = qty.component(0, 0), qty.component(0, 1), qty.component(0, 2)
    quality = QUALITIES.get(qualifier)
    if quality is None:
        return Problem(
            MsconsReason.UNKNOWN_QTY_QUALIFIER,
            f"QTY qualifier {qualifier[:10]!r} is not one of {', '.join(QUALITIES)}",
        )
    measure = measure_of(unit_code, product)
    if isinstance(measure, Problem):
        return measure
    if channel_measure is not None and measure.unit != channel_measure.unit:
        return Problem(
            MsconsReason.INCONSISTENT_UNIT,
            f"{measure.unit} on {product.channel}, whose earlier values are {channel_measure.unit}",
        )
    energy = energy_of(text, measure.factor)
    if isinstance(energy, Problem):
        return energy
    if group.problem is not None:
        return group.problem
    return energy, measure, flags_of(qualifier, quality, group.statuses)


def interval_of(group: Group, utc_offset: timezone | None) -> Interval | Problem:
    """``[DTM+163, DTM+164)`` in UTC: both are required, nothing is inferred from position."""
    start_dtm, end_dtm = group.dates.get("163"), group.dates.get("164")
    if start_dtm is None or end_dtm is None:
        return Problem(
            MsconsReason.MISSING_INTERVAL,
            "an interval value needs DTM+163 (start) and DTM+164 (end); none is inferred",
        )
    start, end = parse_instant(start_dtm, utc_offset), parse_instant(end_dtm, utc_offset)
    if isinstance(start, Problem):
        return start
    if isinstance(end, Problem):
        return end
    if end <= start:
        return Problem(
            Reason.BAD_DATE,
            f"the interval ends ({end.isoformat()}) before it starts ({start.isoformat()})",
        )
    return Interval(start, end)


def read_at_of(group: Group, utc_offset: timezone | None) -> datetime | Problem:
    """A register value's instant: DTM+7, else a DTM+9 that has a time."""
    for qualifier in ("7", "9"):
        dtm = group.dates.get(qualifier)
        if dtm is not None and dtm.component(0, 2) != "102":
            return parse_instant(dtm, utc_offset)
    return Problem(
        MsconsReason.MISSING_READ_TIME,
        "a register value needs DTM+7 (Nutzungszeitpunkt) or a DTM+9 with a time; a period "
        "(DTM+163/164) or a bare date is not pinned to an instant",
    )


def energy_of(text: str, factor: Decimal) -> Decimal | Problem:
    """The exact canonical value of a QTY DE6060, or why it is not one."""
    digits = text.removeprefix("-").replace(",", ".", 1)
    if not digits or digits == "." or not set(digits.replace(".", "", 1)) <= _DIGITS:
        return Problem(Reason.BAD_VALUE, f"QTY quantity {text[:40]!r} is not a decimal number")
    try:
        with localcontext() as context:
            context.traps[Inexact] = True
            value = Decimal(text.replace(",", ".", 1)) * factor
        to_micro(value)
    except (Inexact, PrecisionError):
        return Problem(
            Reason.PRECISION_EXCEEDED,
            f"{text} cannot be held exactly in 6 decimal places of the canonical unit",
        )
    except InvalidOperation:  # pragma: no cover - the digit check above admits only numbers
        return Problem(Reason.BAD_VALUE, f"QTY quantity {text[:40]!r} is not a decimal number")
    return value
