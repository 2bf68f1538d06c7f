"""The YAML reference-data format: what it loads, and errors naming file, line, key and reason."""

from __future__ import annotations

import json
import re
import textwrap
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.domain.channel_context import channel_context
from meter2cash.domain.configuration import ChangeKind, ReadPlacement, Span
from meter2cash.domain.configuration_changes import diff
from meter2cash.domain.reads import Direction, SourceRef
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import SettlementRegime
from meter2cash.interpret.reference import (
    ReferenceDataError,
    load_reference_yaml,
    parse_reference_yaml,
)

EXAMPLES = Path(__file__).parents[4] / "examples" / "reference"

GOOD = """\
format: meter2cash-reference/1
known_from: "2024-10-01T00:00:00Z"
supply_points:
  - supply_point_id: "1200045678906"
    market: GB
    zone: Europe/London
    settlement_regime:
      - {from: "2023-01-01T00:00:00Z", value: legacy-nhh}
      - {from: "2024-11-01T00:00:00Z", value: mhhs}
    gb: {profile_class: "02", mtc: "811", ssc: "0151"}
    meters:
      - serial: OLD
        installed_at: "2023-01-01T00:00:00Z"
        removed_at: "2024-06-01T09:00:00+01:00"
        channels:
          - {channel: AI, direction: import, unit: kWh, interval_minutes: 30}
        registers:
          - {register_id: "1", digits: 5, multiplier: "1.0", time_pattern: "00043", channel: AI, initial_read: 0393}
        reconfigurations:
          - at: "2024-01-01T00:00:00Z"
            registers:
              - {register_id: "1", digits: 5, time_pattern: "00043", final_read: "01234.5"}
      - serial: NEW
        installed_at: "2024-06-01T08:00:00Z"
"""


def test_a_good_file_loads_with_exact_values_and_sources() -> None:
    data = parse_reference_yaml(GOOD, "ref.yaml", file_id="abc123")
    assert data.source == "ref.yaml" and data.known_from == datetime(2024, 10, 1, tzinfo=UTC)
    entry = data.entry("1200045678906")
    assert entry.replaces is None
    supply = entry.supply_point
    assert supply is not None and supply.market is Market.GB
    assert supply.settlement_regime_at(datetime(2024, 12, 1, tzinfo=UTC)) is SettlementRegime.MHHS
    assert supply.gb is not None
    assert supply.gb.standard_settlement_configuration.value_at(datetime.now(UTC)) == "0151"
    timeline = entry.timeline(known_from=data.known_from)
    first, second, third = timeline.periods
    assert (first.meter_serial, first.started_by, first.end) == (
        "OLD",
        ChangeKind.INSTALL,
        datetime(2024, 1, 1, tzinfo=UTC),
    )
    assert first.registers[0].initial_read == Decimal("393")  # text, never an octal int
    assert first.registers[0].multiplier == Decimal("1.0")
    assert first.source == SourceRef("abc123", 12)
    assert second.started_by is ChangeKind.RECONFIGURATION
    assert second.channels == first.channels  # unchanged when not restated
    assert second.end == datetime(2024, 6, 1, 8, tzinfo=UTC)  # +01:00 offset honoured
    assert second.registers[0].final_read == Decimal("1234.5")
    assert third.meter_serial == "NEW" and third.end is None
    assert (
        timeline.place_read("OLD", datetime(2024, 6, 1, 8, tzinfo=UTC), "1")
        is ReadPlacement.IN_LIFE
    )


def _error(text: str) -> ReferenceDataError:
    with pytest.raises(ReferenceDataError) as caught:
        parse_reference_yaml(textwrap.dedent(text), "bad.yaml")
    return caught.value


HEAD = """\
format: meter2cash-reference/1
supply_points:
  - supply_point_id: "1200045678906"
    market: GB
    zone: Europe/London
"""


def test_annual_consumption_is_exact_and_effective_dated() -> None:
    plain = parse_reference_yaml(HEAD + '    annual_consumption: "3100"\n    meters: []\n', "a")
    dated = parse_reference_yaml(
        HEAD + "    annual_consumption:\n"
        + '      - {from: "2023-03-14T00:00:00Z", value: "3100.50"}\n'
        + '      - {from: "2024-03-14T00:00:00Z", value: "2875.123456"}\n    meters: []\n',
        "b",
    )  # fmt: skip
    (constant,) = [e.supply_point for e in plain.entries]
    (changing,) = [e.supply_point for e in dated.entries]
    assert constant is not None and changing is not None
    assert constant.annual_consumption_at(datetime(2000, 1, 1, tzinfo=UTC)) == Decimal("3100")
    assert changing.annual_consumption_at(datetime(2023, 1, 1, tzinfo=UTC)) is None
    assert str(changing.annual_consumption_at(datetime(2024, 3, 13, tzinfo=UTC))) == "3100.50"
    assert str(changing.annual_consumption_at(datetime(2024, 3, 14, tzinfo=UTC))) == "2875.123456"
    none = parse_reference_yaml(HEAD + "    meters: []\n", "c").entries[0].supply_point
    assert none is not None and len(none.annual_consumption_kwh) == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"0"', "annual consumption '0' must be positive"),
        ('"-3100"', "annual consumption '-3100' must be positive"),
        ('"3100.0000001"', "cannot be held exactly (at most six decimals)"),
        ('"Infinity"', "not a finite number"),
        ("lots", "not a number: 'lots'"),
    ],
)
def test_a_bad_annual_consumption_is_refused_where_it_is_written(value: str, message: str) -> None:
    plain = _error(HEAD + f"    annual_consumption: {value}\n    meters: []\n")
    assert "line 6, key supply_points[0].annual_consumption:" in str(plain)
    assert message in str(plain), str(plain)
    dated = _error(
        HEAD + "    annual_consumption:\n      - {from: 2023-01-01T00:00:00Z, value: '1'}\n"
        + f"      - {{from: 2024-01-01T00:00:00Z, value: {value}}}\n    meters: []\n"
    )  # fmt: skip
    assert "line 8, key supply_points[0].annual_consumption[1].value:" in str(dated)
    assert message in str(dated), str(dated)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "bad.yaml: document: the file is empty"),
        ("format: [unclosed", "bad.yaml: line 1: not valid YAML"),
        ("format: other/1\nsupply_points: []\n", "line 1, key format: unsupported format"),
        ("format: meter2cash-reference/1\n", "line 1: missing required key(s): supply_points"),
        (
            HEAD + "    meters:\n      - serial: M\n        installed_at: 2024-01-01T00:00:00\n",
            "line 8, key supply_points[0].meters[0].installed_at: '2024-01-01T00:00:00' has no "
            "UTC offset",
        ),
        (
            HEAD + "    meters:\n      - serial: M\n        instaled_at: x\n",
            "line 8, key supply_points[0].meters[0].instaled_at: unknown key 'instaled_at'",
        ),
        (
            HEAD + "    zone: UTC\n    meters: []\n",
            "line 6, key supply_points[0].zone: key 'zone' appears twice",
        ),
        (
            HEAD
            + "    meters:\n      - serial: M\n        installed_at: 2024-01-01T00:00:00Z\n"
            + "        registers:\n          - {register_id: '1', digits: five}\n",
            "line 10, key supply_points[0].meters[0].registers[0].digits: 'five' is not a whole",
        ),
        (
            HEAD
            + "    meters:\n      - serial: M\n        installed_at: 2024-01-01T00:00:00Z\n"
            + "        registers:\n          - {register_id: '1', digits: 3, initial_read: '1000'}\n",
            "line 10, key supply_points[0].meters[0].registers[0]: register 1: initial_read 1000 "
            "does not fit 3 digits",
        ),
        (
            HEAD
            + "    meters:\n      - serial: M\n        installed_at: 2024-01-01T00:00:00Z\n"
            + "        channels:\n          - {channel: AI, direction: in, unit: kWh, "
            + "interval_minutes: 30}\n",
            "line 10, key supply_points[0].meters[0].channels[0].direction: 'in' is not one of",
        ),
        (
            HEAD
            + "    meters:\n      - serial: A\n        installed_at: 2024-01-01T00:00:00Z\n"
            + "      - serial: B\n        installed_at: 2024-02-01T00:00:00Z\n",
            "line 7, key supply_points[0].meters: 1200045678906: meter B from "
            "2024-02-01T00:00:00+00:00 overlaps meter A",
        ),
        (
            HEAD
            + "    meters:\n      - serial: A\n        installed_at: 2024-02-01T00:00:00Z\n"
            + "        removed_at: 2024-01-01T00:00:00Z\n",
            "line 7, key supply_points[0].meters[0]: span end",
        ),
        (
            HEAD.replace("1200045678906", "1200045678907") + "    meters: []\n",
            "line 3, key supply_points[0]: GB supply point id '1200045678907' is invalid: check "
            "digit",
        ),
        (
            HEAD.replace("    market: GB\n", "") + "    meters: []\n",
            "line 3, key supply_points[0]: missing required key: market",
        ),
        (
            HEAD + "    gb: {ssc: 151}\n    meters: []\n",
            "line 6, key supply_points[0].gb: standard_settlement_configuration '151'",
        ),
        (
            HEAD + "    meters: []\n" + HEAD.split("supply_points:\n")[1] + "    meters: []\n",
            "line 7, key supply_points[1]: supply point 1200045678906 is listed twice",
        ),
        (
            HEAD
            + "    replaces: {start: 2024-06-01T00:00:00Z}\n    meters:\n      - serial: A\n"
            + "        installed_at: 2024-01-01T00:00:00Z\n",
            "line 8, key supply_points[0].meters: 1200045678906: meter A from "
            "2024-01-01T00:00:00+00:00 lies outside the corrected span",
        ),
    ],
)
def test_errors_name_file_line_key_and_reason(text: str, message: str) -> None:
    error = _error(text)
    assert message in str(error), str(error)
    assert error.source == "bad.yaml"


def test_an_unreadable_file_is_a_reference_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError, match="cannot be read"):
        load_reference_yaml(tmp_path / "missing.yaml")


# --- the shipped examples --------------------------------------------------------------------------


def test_the_demo_gb_file_covers_the_demo_supply_points() -> None:
    data = load_reference_yaml(EXAMPLES / "demo-gb.yaml")
    timelines = data.timelines()
    assert len(timelines) == 12
    for supply_point_id, timeline in timelines.items():
        (period,) = timeline.periods
        assert period.meter_serial.startswith("SYN") and period.end is None
        assert period.channel("AI") is not None, supply_point_id
        assert timeline.known_from == datetime(2024, 10, 1, tzinfo=UTC)
    e7 = data.entry("1288527246430").supply_point
    assert e7 is not None and e7.gb is not None
    assert e7.gb.standard_settlement_configuration.value_at(datetime.now(UTC)) == "0151"
    migrating = data.entry("2029261100771").supply_point
    assert migrating is not None
    assert (
        migrating.settlement_regime_at(datetime(2024, 11, 1, tzinfo=UTC)) is SettlementRegime.MHHS
    )
    export = timelines["1315071604043"].periods[0].channel("AE")
    assert export is not None and export.direction is Direction.EXPORT


def test_the_worked_exchange_and_its_correction() -> None:
    history = load_reference_yaml(EXAMPLES / "exchange-history.yaml")
    correction = load_reference_yaml(EXAMPLES / "exchange-correction.yaml")
    entry = correction.entry("1200045678906")
    assert entry.supply_point is None
    assert entry.replaces == Span(datetime(2024, 10, 1, tzinfo=UTC))
    v1 = history.entry("1200045678906").timeline(known_from=history.known_from)
    v2 = entry.timeline(v1, known_from=correction.known_from)
    assert (v1.version, v2.version) == (1, 2)
    exchange_v1 = datetime(2024, 10, 28, 10, 30, tzinfo=UTC)
    exchange_v2 = datetime(2024, 10, 25, 14, tzinfo=UTC)
    assert v1.in_force_at(exchange_v2).meter_serial == "K17A00123"  # type: ignore[union-attr]
    assert v2.in_force_at(exchange_v2).meter_serial == "S1E9876543"  # type: ignore[union-attr]
    assert v2.meter_lives("K17A00123") == (Span(datetime(2023, 3, 14, 9, tzinfo=UTC), exchange_v2),)
    changes = diff(v1, v2)
    exchanged = [
        s for s in changes if s.before and s.after and s.before.meter_serial != s.after.meter_serial
    ]
    assert [(s.start, s.end, s.channels) for s in exchanged] == [
        (exchange_v2, exchange_v1, ("AE", "AI"))
    ]
    london_days = {d for s in changes for d in s.local_days("Europe/London", exchange_v1.date())}
    assert {exchange_v2.date(), exchange_v1.date()} <= london_days


def test_the_readme_example_parses() -> None:
    readme = Path(__file__).parents[4] / "src/meter2cash/interpret/reference/README.md"
    block = re.search(r"```yaml\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    assert block is not None
    data = parse_reference_yaml(block[1], "README.md")
    supply_point = data.entry("1200045678906").supply_point
    assert supply_point is not None
    assert supply_point.annual_consumption_at(datetime(2024, 1, 1, tzinfo=UTC)) == Decimal(3100)
    timeline = data.entry("1200045678906").timeline(known_from=data.known_from)
    first, second = timeline.periods
    assert first.registers[0].final_read == Decimal("3512")
    assert second.started_by is ChangeKind.RECONFIGURATION
    assert second.end == datetime(2024, 10, 28, 10, 30, tzinfo=UTC)


def test_the_demo_gb_file_gives_two_supply_points_an_annual_consumption() -> None:
    data = load_reference_yaml(EXAMPLES / "demo-gb.yaml")
    known = {
        e.supply_point_id: e.supply_point.annual_consumption_kwh
        for e in data.entries
        if e.supply_point is not None and len(e.supply_point.annual_consumption_kwh)
    }
    assert sorted(known) == ["1568160319267", "2029261100771"]
    changing = known["2029261100771"]
    assert changing.value_at(datetime(2024, 9, 30, 22, 59, tzinfo=UTC)) == Decimal("3100")
    assert changing.value_at(datetime(2024, 9, 30, 23, tzinfo=UTC)) == Decimal("2875.5")


def test_the_demo_gb_file_matches_the_demo_channel_days() -> None:
    """Every demo channel-day finds its channel configured all day, with its interval length and
    direction, on a meter whose life holds the day (so rules C14/C15 pass on the demo)."""
    data = load_reference_yaml(EXAMPLES / "demo-gb.yaml")
    timelines = data.timelines()
    demo = EXAMPLES.parent / "demo" / "synthetic-gb" / "m2c-00001.jsonl"
    seen = 0
    for line in demo.read_text(encoding="utf-8").splitlines()[::40]:
        record = json.loads(line)
        supply = data.entry(record["supply_point_id"]).supply_point
        assert supply is not None
        context = channel_context(
            timelines[supply.supply_point_id],
            supply,
            record["channel"],
            date.fromisoformat(record["read_on"]),
        )
        assert context.configured_all_day
        assert context.expected_intervals == len(record["values"])
        assert context.direction == record["direction"]
        assert context.meter_serials == (record["meter_serial"],)
        seen += 1
    assert seen > 10
