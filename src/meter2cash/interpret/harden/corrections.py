"""What a changed channel-day does: nothing, a new version, or an adjustment (``market-rules.md`` §4.3).

Versions, not overwrites: an identical re-send is a no-op; a different value for a day that is not
yet hard (OPEN, PROVISIONAL) is a **new version** that supersedes the old one (kept), and
settlement/billing are restated from it; for a HARD or FROZEN day settlement is not restated,
so the change yields exactly **one** :class:`~meter2cash.domain.adjustments.Adjustment` with the
quantity difference and links to both versions [T].

Rules [T]:

* A partial delivery changes only what it carries: intervals the new day marks ``MISSING`` keep
  the old version's value and flags (:func:`merge_partial`, as the pipeline merges partial days).
* "Identical" compares values (to the micro-unit) and quality/method/reason flags, i.e. the
  channel-day ``content_key``; the source file does not count.
* On hard data an interval that *loses* its value (new ``None``) is not a correction — there is
  no quantity to adjust by — so it is left out; if nothing else changed, the outcome is a no-op.
  Any other change yields one adjustment, also with a zero delta (flags only, or energy moved
  between intervals — time-of-use re-rating can still change money).
* ``delta`` = Σ(new - old) over the changed intervals, an old ``None`` counting as 0.
* Reason code, unless the caller names one (it knows meter exchanges, multipliers, crossed
  meters — values alone do not): over the changed intervals, if every new value is actual —
  every old one deemed → ``DEEMED_READ_REPLACED``; no old one actual → ``ESTIMATE_REPLACED_BY_ACTUAL``;
  some old one actual → ``LATE_ACTUAL_DATA``. Otherwise (a new estimate among them) ``OTHER``
  with a generated text counting the quality transitions, e.g. ``"A->E x2"``.
* Version ids default to the days' ``content_key`` (deterministic, known before storage); the
  new id is that of the *merged* day, which is what the caller stores.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from meter2cash.domain.adjustments import Adjustment, AdjustmentReason, SettlementImpact
from meter2cash.domain.errors import DomainError
from meter2cash.domain.quantity import from_micro, to_micro
from meter2cash.domain.reads import ChannelDay, Quality
from meter2cash.interpret.harden.timetable import HardeningState


@dataclass(frozen=True, slots=True)
class NoOp:
    """Nothing to store or restate."""

    why: str


@dataclass(frozen=True, slots=True)
class NewVersion:
    """Store ``day`` as the next version, superseding ``supersedes`` (``None``: the first)."""

    day: ChannelDay
    supersedes: str | None
    reason: AdjustmentReason | None
    reason_text: str | None


Change = NoOp | NewVersion | Adjustment
_T = TypeVar("_T")


def merge_partial(old: ChannelDay, new: ChannelDay) -> ChannelDay:
    """``new`` with its ``MISSING`` intervals taken from ``old`` (value and flags)."""
    _same_identity(old, new)
    if Quality.MISSING not in new.qualities:
        return new
    keep = [q is Quality.MISSING for q in new.qualities]

    def pick(old_items: tuple[_T, ...], new_items: tuple[_T, ...]) -> tuple[_T, ...]:
        return tuple(o if k else n for o, n, k in zip(old_items, new_items, keep, strict=True))

    return replace(
        new,
        values=pick(old.values, new.values),
        qualities=pick(old.qualities, new.qualities),
        methods=pick(old.methods, new.methods),
        reasons=pick(old.reasons, new.reasons),
    )


def classify_change(
    old: ChannelDay | None,
    new: ChannelDay,
    state: HardeningState,
    *,
    created_at: datetime,
    old_version_id: str | None = None,
    new_version_id: str | None = None,
    reason: AdjustmentReason | None = None,
    reason_text: str | None = None,
    settlement_impact: SettlementImpact = SettlementImpact.NONE,
) -> Change:
    """Decide what ``new`` does to the day whose latest version is ``old`` (rules: module doc).

    ``state`` is the day's hardening state now; ``created_at`` stamps an adjustment (passed in:
    no clock here). A first version (``old is None``) is always a new version: there is nothing
    settled to adjust.
    """
    if reason is AdjustmentReason.OTHER and not (reason_text or "").strip():
        raise DomainError("reason OTHER needs a free text")
    if old is None:
        return NewVersion(new, None, reason, reason_text)
    merged = merge_partial(old, new)
    if merged.content_key == old.content_key:
        return NoOp("identical to the latest version")
    hard = HardeningState(state).is_hard
    changed = [
        k
        for k in range(len(old.values))
        if _differs(old, merged, k) and not (hard and merged.values[k] is None)
    ]
    if not changed:
        return NoOp("on hard data, intervals without a new value are not corrections")
    if reason is None:
        reason, reason_text = _inferred_reason(old, merged, changed)
    if not hard:
        return NewVersion(merged, old_version_id or old.content_key, reason, reason_text)
    delta = sum(_micro(merged.values[k]) - _micro(old.values[k]) for k in changed)
    return Adjustment.for_day(
        supply_point_id=new.supply_point_id,
        channel=new.channel,
        read_on=new.read_on,
        delta=from_micro(delta),
        unit=new.unit,
        reason=reason,
        reason_text=reason_text,
        old_version_id=old_version_id or old.content_key,
        new_version_id=new_version_id or merged.content_key,
        created_at=created_at,
        settlement_impact=settlement_impact,
    )


def _same_identity(old: ChannelDay, new: ChannelDay) -> None:
    mine = (old.supply_point_id, old.channel, old.read_on, old.interval_minutes, old.unit)
    theirs = (new.supply_point_id, new.channel, new.read_on, new.interval_minutes, new.unit)
    if mine != theirs:
        raise DomainError(f"not two versions of one channel-day: {mine} vs {theirs}")


def _micro(value: Decimal | None) -> int:
    return 0 if value is None else to_micro(value)


def _differs(old: ChannelDay, new: ChannelDay, k: int) -> bool:
    def flags(day: ChannelDay) -> tuple[object, ...]:
        value = day.values[k]
        micro = None if value is None else to_micro(value)
        return micro, day.qualities[k], day.methods[k], day.reasons[k]

    return flags(old) != flags(new)


def _inferred_reason(
    old: ChannelDay, new: ChannelDay, changed: list[int]
) -> tuple[AdjustmentReason, str | None]:
    before = [old.qualities[k] if old.values[k] is not None else Quality.NULL for k in changed]
    after = [new.qualities[k] if new.values[k] is not None else Quality.NULL for k in changed]
    if all(q is Quality.ACTUAL for q in after):
        if all(q is Quality.DEEMED for q in before):
            return AdjustmentReason.DEEMED_READ_REPLACED, None
        if Quality.ACTUAL not in before:
            return AdjustmentReason.ESTIMATE_REPLACED_BY_ACTUAL, None
        return AdjustmentReason.LATE_ACTUAL_DATA, None
    counts = Counter(f"{b}->{a}" for b, a in zip(before, after, strict=True))
    text = ", ".join(f"{move} x{n}" for move, n in sorted(counts.items()))
    return AdjustmentReason.OTHER, f"quality changes: {text}"
