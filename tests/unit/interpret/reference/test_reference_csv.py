"""The bulk CSV reference-data format, its README example, and its error messages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from meter2cash.domain.reads import Direction
from meter2cash.domain.supply_point import Market
from meter2cash.domain.supply_point_model import SettlementRegime
from meter2cash.interpret.reference import (
    ReferenceDataError,
    load_reference_csv,
    parse_reference_csv,
)

ROOT = Path(__file__).parents[4]
EXAMPLES = ROOT / "examples" / "reference"
README = ROOT / "src" / "meter2cash" / "interpret" / "reference" / "README.md"
HEADER = "supply_point_id,market,zone,meter_serial,installed_at,removed_at,kind,channel,direction,unit,interval_minutes,register_id,digits,final_read\n"
ROW = "NCDE482883,AU,NEM,M1,2023-07-01T00:00:00+10:00,,channel,E1,import,kWh,30,,,\n"


def test_the_readme_example_parses() -> None:
    block = re.search(r"```csv\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert block is not None
    data = parse_reference_csv(block[1], "README.md")
    (entry,) = data.entries
    (period,) = entry.timeline().periods
    assert [c.channel for c in period.channels] == ["E1", "B1"]
    assert period.registers[0].channel == "E1" and period.registers[0].digits == 6
    assert period.start == datetime(2023, 6, 30, 14, tzinfo=UTC)
    assert entry.supply_point is not None and entry.supply_point.zone == "NEM"


def test_the_demo_au_file_covers_the_demo_supply_points() -> None:
    known = datetime(2024, 1, 1, tzinfo=UTC)
    data = load_reference_csv(EXAMPLES / "demo-au.csv", known_from=known)
    timelines = data.timelines()
    assert len(timelines) == 40 and data.known_from == known
    both = timelines["NCDE482883"].periods[0]
    assert [(c.channel, c.direction) for c in both.channels] == [
        ("E1", Direction.IMPORT),
        ("B1", Direction.EXPORT),
    ]
    supply = data.entry("NCDE482883").supply_point
    assert supply is not None and supply.market is Market.AU
    assert supply.settlement_regime_at(known) is SettlementRegime.NEM
    assert all(t.known_from == known for t in timelines.values())


def test_annual_consumption_holds_for_all_time_and_must_agree_across_rows() -> None:
    header = HEADER.replace("\n", ",annual_consumption\n")
    export = ROW.replace("E1,import", "B1,export")
    text = header + ROW.replace("\n", ",4200.5\n") + export.replace("\n", ",\n")
    (entry,) = parse_reference_csv(text, "bulk.csv").entries
    assert entry.supply_point is not None
    assert str(entry.supply_point.annual_consumption_at(datetime(1990, 1, 1, tzinfo=UTC))) == (
        "4200.5"
    )
    with pytest.raises(ReferenceDataError, match="line 3, column annual_consumption: '4200' "):
        parse_reference_csv(text.replace(",\n", ",4200\n"), "bulk.csv")
    with pytest.raises(ReferenceDataError) as caught:
        parse_reference_csv(header + ROW.replace("\n", ",-1\n"), "bulk.csv")
    assert "line 2, column annual_consumption: annual consumption '-1' must be positive" in str(
        caught.value
    )


def test_rows_group_into_meter_periods_with_removals() -> None:
    text = (
        HEADER
        + ROW.replace(",,channel", ",2024-01-01T00:00:00+10:00,channel")
        + (
            "NCDE482883,,,M1,2023-07-01T00:00:00+10:00,2024-01-01T00:00:00+10:00,register,E1,,,,1,5,01234\n"
            "NCDE482883,AU,NEM,M2,2024-01-01T00:00:00+10:00,,channel,E1,import,kWh,5,,,\n"
        )
    )
    (entry,) = parse_reference_csv(text, "bulk.csv").entries
    first, second = entry.timeline().periods
    nem = timezone(timedelta(hours=10))
    assert first.end == second.start == datetime(2024, 1, 1, tzinfo=nem)
    assert first.registers[0].final_read == Decimal("1234")
    assert second.channels[0].interval_minutes == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("supply_point_id,market\n", "bulk.csv: line 1: missing column(s): zone, meter_serial"),
        (
            HEADER.replace("\n", ",colour\n") + ROW.replace("\n", ",red\n"),
            "unknown column(s): colour",
        ),
        (
            HEADER + ROW.replace("channel,E1", "meter,E1"),
            "line 2, column kind: 'meter' is not one of",
        ),
        (
            HEADER + ROW.replace(",30,", ",thirty,"),
            "line 2, column interval_minutes: 'thirty' is not",
        ),
        (
            HEADER + ROW.replace("+10:00", ""),
            "line 2, column installed_at: '2023-07-01T00:00:00' has no UTC offset",
        ),
        (
            HEADER + ROW + ROW.replace(",AU,", ",GB,"),
            "line 3, column market: 'GB' differs from 'AU' on line 2",
        ),
        (HEADER + ROW.replace(",import,", ",,"), "line 2, column direction: must not be empty"),
        (
            HEADER + ROW.replace("channel,E1,import,kWh,30,,", "register,,,,,1,"),
            "line 2, column digits: must not be empty",
        ),
        (
            HEADER + ROW.replace("channel,E1,import,kWh,30,,,", "register,,,,,1,3,5000"),
            "line 2: register 1: final_read 5000 does not fit 3 digits",
        ),
        (
            HEADER + ROW + ROW.replace("M1,2023-07-01", "M2,2023-08-01"),
            "line 2: NCDE482883: meter M2 from 2023-07-31T14:00:00+00:00 overlaps meter M1",
        ),
        (
            HEADER + ROW.replace("NCDE482883,AU,NEM", "NCDE48288,AU,NEM"),
            "line 2: AU supply point id",
        ),
        (
            HEADER + ROW.replace(",AU,NEM,", ",,NEM,"),
            "line 2, column market: no row of supply point",
        ),
        (HEADER + ROW.replace("\n", ",extra\n"), "line 2: more cells than columns"),
        (
            HEADER + ROW + ROW.replace(",,channel", ",2024-01-01T00:00:00Z,channel"),
            "line 3, column removed_at: differs from line 2",
        ),
    ],
)
def test_errors_name_file_line_column_and_reason(text: str, message: str) -> None:
    with pytest.raises(ReferenceDataError) as caught:
        parse_reference_csv(text, "bulk.csv")
    assert message in str(caught.value), str(caught.value)


def test_blank_lines_are_skipped() -> None:
    assert len(parse_reference_csv(HEADER + ",,,,,,,,,,,,,\n" + ROW, "bulk.csv").entries) == 1


def test_the_demo_au_file_matches_the_demo_nem12_channels() -> None:
    """Each NEM12 200 record of the demo (NMI, suffix, serial, unit, interval) is configured."""
    timelines = load_reference_csv(EXAMPLES / "demo-au.csv").timelines()
    demo = ROOT / "examples" / "demo" / "synthetic-au" / "nem12-00001.csv"
    checked = 0
    for line in demo.read_text(encoding="utf-8").splitlines():
        fields = line.split(",")
        if fields[0] != "200":
            continue
        nmi, suffix, serial, unit, minutes = fields[1], fields[4], fields[6], fields[7], fields[8]
        (period,) = timelines[nmi].periods
        channel = period.channel(suffix)
        assert period.meter_serial == serial and channel is not None
        assert (channel.unit, channel.interval_minutes) == (unit, int(minutes))
        checked += 1
    assert checked == 25  # the 200 records of this file
