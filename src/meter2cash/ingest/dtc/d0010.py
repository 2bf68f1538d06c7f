"""D0010 (Meter Readings) group trees -> canonical register reads, market GB.

Groups used (layout and provenance in ``flows/D0010002.yaml``)::

    026|MPAN Core|BSC Validation Status|                                   one per MPAN
      028|Meter Id (Serial Number)|Reading Type|                          one per meter
        030|Meter Register Id|Reading Date & Time|Register Reading|MD Reset Date & Time|
            Number of MD Resets|Meter Reading Flag|Reading Method|          one per reading
          032|Meter Reading Reason Code|Meter Reading Status|              why it failed, if so

Each sound 030 becomes one :class:`RegisterRead`:

* ``supply_point_id`` — the MPAN core, checked by the GB rules (13 digits, distributor, check
  digit); a bad core rejects the 026 (``INVALID_MPAN``) and each reading under it
  (``PARENT_REJECTED``), as does a rejected 028 for its readings.
* ``meter_serial`` and ``register_id`` verbatim (``F75A 00802`` keeps its space).
* ``read_at`` — J0016 in UK clock time converted to UTC (see :mod:`.fields` for the clock changes
  and for a date without a time, read as local midnight).
* ``value`` exact from the text; ``unit`` kWh. The D0010 carries no unit: a register's unit is meter
  technical data (D0150/D0149, not publicly verifiable), so kWh is the team's assumption for
  cumulative energy registers [T]. A reading that carries MD reset details (J0044/J1013) is a
  maximum-demand register (kW or kVA, not energy) and is rejected (``MAXIMUM_DEMAND_READING``)
  rather than stored as kWh. More than 6 decimal places: ``PRECISION_EXCEEDED``.
* ``quality`` from the Reading Type (J0171), table :data:`QUALITIES` [T]: how the value came about.
  Whether it counts for settlement is the reading's standing, kept verbatim in ``read_type``.
* ``read_type`` = ``"<J0171>/<J0022>/<J0045>"``, e.g. ``C/V/T``: reading type, the MPAN's BSC
  validation status (V validated, U not validated, F failed) and the meter reading flag (T valid,
  F suspect; empty when absent). Verbatim and in the read's idempotency key, so a re-sent reading
  whose validation changed is a new version, not a duplicate.
* ``method`` = Reading Method (J1888) verbatim: N not viewed by an agent, P viewed; None if blank.
* ``reason`` = Meter Reading Reason Code(s) (J0332) of the reading's 032 group(s), verbatim,
  comma-joined; None without one. The 032 Meter Reading Status repeats J0045 and is not carried.

Site visit groups (027, 029, 033) describe visits, not values: they are checked, not carried.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType
from typing import TYPE_CHECKING

from meter2cash.domain.errors import DomainError, PrecisionError
from meter2cash.domain.quantity import Unit, to_micro
from meter2cash.domain.reads import Quality, RegisterRead, SourceRef
from meter2cash.domain.supply_point import Market, SupplyPointId
from meter2cash.ingest.dtc.reader import Group
from meter2cash.ingest.dtc.reasons import AnyReason, DtcReason
from meter2cash.ingest.items import ParsedItem
from meter2cash.ingest.reasons import Reason

if TYPE_CHECKING:
    from meter2cash.ingest.dtc.registry import Context

MPAN, METER, READING, VALIDATION = "026", "028", "030", "032"

#: J0171 Reading Type -> canonical quality [T]. Reads taken from the register by someone (agent,
#: customer, PPMIP, at a change of supplier/tenancy, at meter exchange, for MAR or a proving test)
#: are ACTUAL; D is DEEMED (the settlement meaning); an agreed switch read is DEEMED (agreed, no
#: reading need be behind it); the old supplier's CoS estimate is ESTIMATED; a DC's manual change is
#: SUBSTITUTED; migration reads and withdrawals say nothing of how the value came about: UNKNOWN
#: (applying a withdrawal, W, is interpretation's job).
QUALITIES = MappingProxyType(
    {
        "A": Quality.ACTUAL,
        "C": Quality.ACTUAL,
        "D": Quality.DEEMED,
        "F": Quality.ACTUAL,
        "I": Quality.ACTUAL,
        "M": Quality.ACTUAL,
        "O": Quality.ESTIMATED,
        "P": Quality.ACTUAL,
        "Q": Quality.SUBSTITUTED,
        "R": Quality.ACTUAL,
        "S": Quality.ACTUAL,
        "T": Quality.ACTUAL,
        "U": Quality.UNKNOWN,
        "V": Quality.UNKNOWN,
        "W": Quality.UNKNOWN,
        "X": Quality.DEEMED,
        "Y": Quality.UNKNOWN,
        "Z": Quality.ACTUAL,
    }
)


def map_d0010(root: Group, ctx: Context) -> Iterator[ParsedItem]:
    """The register reads of one 026 tree, or the rejections of what cannot be read."""
    if root.spec.id != MPAN or root.problem is not None:
        # A rejected 026, or an orphan tree (misplaced root): its line was already reported.
        reason = root.problem.reason if root.problem else DtcReason.MISPLACED_GROUP
        yield from _orphaned(root, root, reason, ctx)
        return
    mpan_text = root.text_value("mpan_core") or ""
    try:
        mpan = SupplyPointId.parse(Market.GB, mpan_text).value
        if mpan != mpan_text:
            raise DomainError(f"MPAN core {mpan_text!r} must be 13 digits without spaces")
    except DomainError as exc:
        yield ctx.reject(root.line, DtcReason.INVALID_MPAN, str(exc), root.text)
        yield from _orphaned(root, root, DtcReason.INVALID_MPAN, ctx)
        return
    status = root.text_value("bsc_validation_status") or ""
    for meter in root.children:
        if meter.spec.id != METER:
            continue
        if meter.problem is not None:
            yield from _orphaned(meter, meter, meter.problem.reason, ctx)
            continue
        for reading in meter.children:
            if reading.spec.id == READING and reading.problem is None:
                yield _register_read(mpan, status, meter, reading, ctx)


def _register_read(
    mpan: str, status: str, meter: Group, reading: Group, ctx: Context
) -> ParsedItem:
    if reading.values.get("md_reset_at") is not None or reading.values.get("md_resets") is not None:
        return ctx.reject(
            reading.line,
            DtcReason.MAXIMUM_DEMAND_READING,
            "a reading with MD reset details is a maximum-demand register (kW/kVA), not an energy "
            "register: not stored as a kWh register read",
            reading.text,
        )
    value = reading.decimal_value("register_reading")
    read_at = reading.instant_value("reading_at")
    assert value is not None and read_at is not None  # mandatory in the layout
    try:
        to_micro(value)
    except PrecisionError:
        return ctx.reject(
            reading.line,
            Reason.PRECISION_EXCEEDED,
            f"Register Reading {value} has more than 6 decimal places of kWh",
            reading.text,
        )
    reading_type = meter.text_value("reading_type") or ""
    flag = reading.text_value("meter_reading_flag") or ""
    codes = [
        code
        for check in reading.children
        if check.spec.id == VALIDATION and check.problem is None
        if (code := check.text_value("meter_reading_reason_code"))
    ]
    return RegisterRead(
        supply_point_id=mpan,
        meter_serial=meter.text_value("meter_id") or "",
        register_id=reading.text_value("meter_register_id") or "",
        read_at=read_at,
        value=value,
        unit=Unit.KWH,
        quality=QUALITIES[reading_type],
        method=reading.text_value("reading_method"),
        reason=",".join(codes) or None,
        read_type=f"{reading_type}/{status}/{flag}",
        source=SourceRef(ctx.file_id, reading.line, ctx.segment),
    )


def _orphaned(node: Group, cause: Group, reason: AnyReason, ctx: Context) -> Iterator[ParsedItem]:
    """Reject each sound reading below ``node``: ``cause`` was rejected, so it has no owner."""
    for below in node.walk():
        if below is node or below.spec.id != READING or below.problem is not None:
            continue
        yield ctx.reject(
            below.line,
            DtcReason.PARENT_REJECTED,
            f"its group {cause.spec.id} ({cause.spec.name}) at line {cause.line} was rejected "
            f"({reason}): the reading has no valid MPAN or meter",
            below.text,
        )
