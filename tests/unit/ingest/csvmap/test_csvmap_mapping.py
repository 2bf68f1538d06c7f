"""Mapping files: YAML, JSON and TOML read alike; every mistake is named by file and key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from meter2cash.domain.errors import InputError
from meter2cash.domain.reads import Direction, Quality
from meter2cash.ingest.csvmap import Mapping, MappingError, load_mapping, mapping_from_dict

EXAMPLE = Path(__file__).parents[4] / "examples" / "mappings" / "example-csv-mapping.yaml"


def minimal(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "market": "GB",
        "timezone": "Europe/London",
        "interval_minutes": 30,
        "columns": {"supply_point": "mpan", "timestamp": "start", "value": "kwh"},
        "timestamp": {"marks": "start"},
        "unit": "kWh",
        "channel": "AI",
        "direction": "import",
    }
    document.update(changes)
    return document


def test_the_example_mapping_loads() -> None:
    mapping = load_mapping(EXAMPLE)
    assert (mapping.market, mapping.timezone, mapping.interval_minutes) == (
        "GB",
        "Europe/London",
        30,
    )
    assert (mapping.delimiter, mapping.decimal_separator, mapping.header) == (";", ",", True)
    assert (mapping.timestamp, mapping.timestamp_marks) == ("Period ending", "end")
    assert mapping.timestamp_format == "%d/%m/%Y %H:%M"
    assert dict(mapping.quality_map) == {"A": Quality.ACTUAL, "E": Quality.ESTIMATED}
    assert (mapping.direction, mapping.origin) == (Direction.IMPORT, str(EXAMPLE))


def test_yaml_json_and_toml_give_the_same_mapping(tmp_path: Path) -> None:
    document = minimal(quality_map={"A": "actual", "E": "E"})
    (tmp_path / "m.json").write_text(json.dumps(document))
    (tmp_path / "m.yaml").write_text(json.dumps(document))  # JSON is YAML
    toml = """
market = "GB"
timezone = "Europe/London"
interval_minutes = 30
unit = "kWh"
channel = "AI"
direction = "import"
[columns]
supply_point = "mpan"
timestamp = "start"
value = "kwh"
[timestamp]
marks = "start"
[quality_map]
A = "actual"
E = "E"
"""
    (tmp_path / "m.toml").write_text(toml)
    loaded = [load_mapping(tmp_path / name) for name in ("m.json", "m.yaml", "m.toml")]
    stripped = {Mapping(**{**_fields(m), "origin": "x"}) for m in loaded}
    assert len(stripped) == 1


def _fields(mapping: Mapping) -> dict[str, Any]:
    return {name: getattr(mapping, name) for name in Mapping.__dataclass_fields__}


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"timezone": None}, "timezone"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"market": "FR"}, "market"),
        ({"interval_minutes": 7}, "interval_minutes"),
        ({"interval_minutes": "30"}, "interval_minutes"),
        ({"timestamp": {"marks": "middle"}}, "timestamp.marks"),
        ({"timestamp": {"marks": "start", "format": "%H:%M"}}, "timestamp.format"),
        ({"timestamp": {"marks": "start", "zone": "x"}}, "timestamp"),
        ({"unit": "litres"}, "unit"),
        ({"direction": "sideways"}, "direction"),
        ({"direction_map": {"I": "import"}}, "direction_map"),
        ({"quality_map": {"A": "great"}}, "quality_map.A"),
        ({"csv": {"delimiter": ";;"}}, "csv.delimiter"),
        ({"csv": {"decimal_separator": ","}}, "csv.decimal_separator"),
        ({"csv": {"header": "yes"}}, "csv.header"),
        ({"csv": {"header": False}}, "columns.supply_point"),
        ({"max_open_days": 0}, "max_open_days"),
        ({"version": 2}, "version"),
        ({"colums": {}}, "(top level)"),
        ({"channel": "  "}, "channel"),
    ],
)
def test_a_bad_mapping_names_the_file_and_the_key(change: dict[str, Any], key: str) -> None:
    document = minimal(**change)
    if change.get("timezone", "") is None:
        del document["timezone"]
    with pytest.raises(MappingError) as caught:
        mapping_from_dict(document, "mine.yaml")
    assert str(caught.value).startswith(f"mine.yaml: {key}: ")
    assert isinstance(caught.value, InputError)


@pytest.mark.parametrize(
    "columns",
    [
        {"supply_point": "mpan", "value": "kwh"},  # no time at all
        {"supply_point": "mpan", "value": "kwh", "timestamp": "t", "date": "d", "period": "p"},
        {"supply_point": "mpan", "value": "kwh", "date": "d"},  # date without period
        {"supply_point": "mpan", "value": "kwh", "timestamp": 0},
    ],
)
def test_time_columns_must_be_one_clear_choice(columns: dict[str, Any]) -> None:
    with pytest.raises(MappingError, match=r"^m: columns"):
        mapping_from_dict(minimal(columns=columns), "m")


def test_unit_and_channel_are_a_constant_or_a_column_not_both() -> None:
    both = minimal(columns={**minimal()["columns"], "unit": "u"})
    with pytest.raises(MappingError, match=r"^m: unit: give exactly one"):
        mapping_from_dict(both, "m")
    neither = minimal()
    del neither["channel"]
    with pytest.raises(MappingError, match=r"^m: channel: give exactly one"):
        mapping_from_dict(neither, "m")


def test_file_level_errors(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="cannot read the mapping file"):
        load_mapping(tmp_path / "absent.yaml")
    (tmp_path / "m.ini").write_text("x")
    with pytest.raises(MappingError, match=r"\.yaml, \.yml, \.json or \.toml"):
        load_mapping(tmp_path / "m.ini")
    (tmp_path / "bad.yaml").write_text("market: [GB\n")
    with pytest.raises(MappingError, match=r"bad\.yaml: not valid YAML"):
        load_mapping(tmp_path / "bad.yaml")
    (tmp_path / "list.json").write_text("[1]")
    with pytest.raises(MappingError, match=r"list\.json: \(top level\): must be a table"):
        load_mapping(tmp_path / "list.json")
    (tmp_path / "short.json").write_text(json.dumps({"market": "GB"}))
    with pytest.raises(MappingError, match=r"short\.json: columns: must be a table"):
        load_mapping(tmp_path / "short.json")


def test_constructing_a_mapping_directly_validates_it_too() -> None:
    with pytest.raises(MappingError, match=r"^<mapping>: timestamp\.marks"):
        Mapping(
            market="GB",
            timezone="Europe/London",
            interval_minutes=30,
            supply_point=1,
            value=3,
            timestamp=2,
            unit="kWh",
            channel="AI",
            direction=Direction.IMPORT,
        )
