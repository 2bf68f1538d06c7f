"""Configuration fixes: superseding versions, the history of versions, and diff."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meter2cash.domain.configuration import (
    ChangeKind,
    ChannelConfig,
    ConfigurationPeriod,
    ConfigurationTimeline,
    ConfigurationTimelineError,
    RegisterConfig,
    Span,
)
from meter2cash.domain.configuration_changes import (
    ChangedSpan,
    ConfigurationHistory,
    diff,
    supersede,
)
from meter2cash.domain.quantity import Unit
from meter2cash.domain.reads import Direction, SourceRef

SP = "1200045678906"
AI = ChannelConfig("AI", Direction.IMPORT, Unit.KWH, 30)
AE = ChannelConfig("AE", Direction.EXPORT, Unit.KWH, 30)
BASE = datetime(2024, 10, 1, tzinfo=UTC)


def at(hours: float) -> datetime:
    return BASE + timedelta(hours=hours)


def reg(register_id: str = "1", digits: int = 5, **kwargs: object) -> RegisterConfig:
    return RegisterConfig(register_id, digits, channel="AI", **kwargs)  # type: ignore[arg-type]


def period(
    serial: str,
    start: float,
    end: float | None,
    registers: tuple[RegisterConfig, ...] = (),
    channels: tuple[ChannelConfig, ...] = (AI,),
    kind: ChangeKind = ChangeKind.INSTALL,
) -> ConfigurationPeriod:
    return ConfigurationPeriod(
        SP, serial, at(start), None if end is None else at(end), registers, channels, kind
    )


# The wrong history: the exchange recorded at hour 72; the truth: at hour 60.
V1 = supersede(
    None,
    SP,
    [
        period("OLD", 0, 72, (reg(initial_read=Decimal(0), final_read=Decimal(900)),)),
        period("NEW", 72, None, (reg(digits=6, initial_read=Decimal(0)),), (AI, AE)),
    ],
    known_from=BASE,
)


def test_a_full_load_is_version_one_and_the_next_load_version_two() -> None:
    assert V1.version == 1 and V1.known_from == BASE
    again = supersede(V1, SP, V1.periods)
    assert again.version == 2 and again.periods == V1.periods


def test_a_correction_replaces_only_its_span_and_joins_the_meter_across_its_edge() -> None:
    correction = [
        period("OLD", 48, 60, (reg(final_read=Decimal(900)),)),
        period("NEW", 60, None, (reg(digits=6, initial_read=Decimal(0)),), (AI, AE)),
    ]
    v2 = supersede(V1, SP, correction, Span(at(48)), known_from=at(100))
    assert v2.version == 2 and v2.known_from == at(100)
    assert [(p.meter_serial, p.start, p.end, p.started_by) for p in v2.periods] == [
        ("OLD", at(0), at(48), ChangeKind.INSTALL),
        ("OLD", at(48), at(60), ChangeKind.RECONFIGURATION),  # continues, not a new install
        ("NEW", at(60), None, ChangeKind.INSTALL),
    ]
    # the kept part lost its end, so the final read taken at the old end is dropped
    assert v2.periods[0].registers[0].final_read is None
    assert v2.periods[0].registers[0].initial_read == Decimal(0)
    assert v2.meter_lives("OLD") == (Span(at(0), at(60)),)


def test_a_bounded_correction_keeps_what_follows_it() -> None:
    fixed = supersede(V1, SP, [period("OLD", 10, 20, (reg(digits=6),))], Span(at(10), at(20)))
    assert [(p.start, p.end, p.started_by) for p in fixed.periods] == [
        (at(0), at(10), ChangeKind.INSTALL),
        (at(10), at(20), ChangeKind.RECONFIGURATION),
        (at(20), at(72), ChangeKind.RECONFIGURATION),
        (at(72), None, ChangeKind.INSTALL),
    ]
    assert fixed.periods[2].registers[0].initial_read is None  # belonged to hour 0
    assert fixed.periods[2].registers[0].final_read == Decimal(900)  # its end is unchanged


def test_a_correction_outside_its_span_is_refused() -> None:
    with pytest.raises(ConfigurationTimelineError, match="outside the corrected span"):
        supersede(V1, SP, [period("X", 5, 30)], Span(at(10), at(20)))
    with pytest.raises(ConfigurationTimelineError, match="cannot supersede"):
        supersede(V1, "1035438531216", [], None)


def test_history_keeps_every_version_and_answers_as_known_at() -> None:
    v2 = supersede(V1, SP, [period("NEW", 60, None)], Span(at(60)), known_from=at(100))
    history = ConfigurationHistory(SP).with_version(V1).with_version(v2)
    assert history.latest == v2
    assert history.as_known_at(at(99)) == V1  # a run before the fix used version 1
    assert history.as_known_at(at(100)) == v2
    assert history.as_known_at(BASE - timedelta(days=1)) is None
    with pytest.raises(ConfigurationTimelineError, match="entry 3 is version 1"):
        history.with_version(V1)


def test_diff_of_the_worked_exchange_fix() -> None:
    correction = [
        period("OLD", 48, 60, (reg(final_read=Decimal(900)),)),
        period("NEW", 60, None, (reg(digits=6, initial_read=Decimal(0)),), (AI, AE)),
    ]
    v2 = supersede(V1, SP, correction, Span(at(48)))
    spans = diff(V1, v2)
    moved = [
        s for s in spans if s.before and s.after and s.before.meter_serial != s.after.meter_serial
    ]
    assert [(s.start, s.end) for s in moved] == [(at(60), at(72))]
    assert moved[0].channels == ("AE", "AI")
    assert moved[0].registers == (("NEW", "1"), ("OLD", "1"))
    # the final and initial reads moved from hour 72 to hour 60: their periods are revisited
    read_spans = [s for s in spans if s not in moved]
    assert {(s.start, s.end) for s in read_spans} == {
        (at(0), at(72)),  # old: final read at 72 gone
        (at(48), at(60)),  # new: final read at 60
        (at(60), None),  # new: initial read at 60
        (at(72), None),  # old: initial read at 72 gone
    }
    assert all(s.channels == ("AI",) for s in read_spans)


def test_diff_ignores_where_a_period_was_recorded_and_cuts_at_edges() -> None:
    relabelled = ConfigurationTimeline(
        SP, tuple(dataclasses.replace(p, source=SourceRef("x", 9)) for p in V1.periods)
    )
    assert diff(V1, relabelled) == []
    same_but_cut = supersede(
        V1, SP, [period("OLD", 10, 20, V1.periods[0].registers)], Span(at(10), at(20))
    )
    changes = diff(V1, same_but_cut)
    # only the readings at the cut edges differ (none here: registers re-stated without reads)
    assert all(not (s.before and s.after and s.before.setup != s.after.setup) for s in changes)


def test_changed_span_local_days() -> None:
    span = ChangedSpan(
        datetime(2024, 10, 26, 23, 30, tzinfo=UTC), datetime(2024, 10, 28, 0, 0, tzinfo=UTC),
        None, None, (), (),
    )  # fmt: skip
    assert span.local_days("Europe/London", date(2025, 1, 1)) == (
        date(2024, 10, 27),  # 23:30Z on the 26th is 00:30 BST on the 27th
    )
    open_span = dataclasses.replace(span, end=None)
    assert open_span.local_days("Europe/London", date(2024, 10, 29)) == (
        date(2024, 10, 27),
        date(2024, 10, 28),
        date(2024, 10, 29),
    )


# --- properties ----------------------------------------------------------------------------------

_meters = st.lists(
    st.tuples(
        st.integers(0, 2), st.integers(1, 24), st.sampled_from(["A", "B", "C"]), st.integers(4, 6)
    ),
    min_size=1,
    max_size=5,
)


def _timeline(steps: list[tuple[int, int, str, int]]) -> ConfigurationTimeline:
    periods, cursor = [], 0
    for index, (gap, length, serial, digits) in enumerate(steps):
        start = cursor + gap
        name = f"{serial}{index}"
        periods.append(period(name, start, start + length, (reg(digits=digits),)))
        cursor = start + length
    return ConfigurationTimeline(SP, tuple(periods))


@settings(max_examples=150, deadline=None)
@given(_meters, _meters)
def test_diff_spans_are_exactly_where_the_set_up_differs(
    old_steps: list[tuple[int, int, str, int]], new_steps: list[tuple[int, int, str, int]]
) -> None:
    """Without boundary readings every changed span is a set-up change: an instant is covered by
    a span exactly when the two versions put different set-ups in force there."""
    old, new = _timeline(old_steps), _timeline(new_steps)
    spans = diff(old, new)
    for minute in range(-30, 60 * 80, 30):
        instant = at(0) + timedelta(minutes=minute)
        before, after = old.in_force_at(instant), new.in_force_at(instant)
        differs = (before.setup if before else None) != (after.setup if after else None)
        covering = [s for s in spans if s.start <= instant and (s.end is None or instant < s.end)]
        assert len(covering) <= 1
        assert differs == bool(covering), instant
        if covering:
            assert (covering[0].before, covering[0].after) == (before, after)
    assert diff(old, old) == []
