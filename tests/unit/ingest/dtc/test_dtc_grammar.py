"""Flow layouts as data: the shipped D0010 layout, and a mistake in a layout named where it is."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from tests.unit.ingest.dtc.dtc_files import HEADER, d0010, parse

from meter2cash.domain.errors import ConfigurationError
from meter2cash.ingest.dtc import registry
from meter2cash.ingest.dtc.grammar import FieldType, layout_from_data

MINIMAL: dict[str, Any] = {
    "flow": "D9999",
    "version": "001",
    "title": "Test flow",
    "zone": "Europe/London",
    "groups": [
        {"id": "001", "name": "Top", "parent": None, "fields": [{"name": "a", "type": "text"}]},
        {
            "id": "002",
            "name": "Child",
            "parent": "001",
            "min": 1,
            "fields": [{"name": "b", "type": "enum", "values": {"X": "ex"}, "mandatory": True}],
        },
        {
            "id": "003",
            "name": "Grandchild",
            "parent": "002",
            "fields": [{"name": "c", "type": "decimal"}],
        },
        {
            "id": "004",
            "name": "Sibling",
            "parent": "001",
            "fields": [{"name": "d", "type": "date"}],
        },
    ],
}


def test_the_d0010_layout_declares_its_groups_parents_and_mandatory_fields() -> None:
    layout = registry.layouts()["D0010002"]
    assert (layout.flow, layout.version, layout.key, layout.zone) == (
        "D0010",
        "002",
        "D0010002",
        "Europe/London",
    )
    parents = {gid: spec.parent for gid, spec in layout.groups.items()}
    assert parents == {
        "026": None,
        "027": "026",
        "028": "026",
        "029": "028",
        "030": "028",
        "032": "030",
        "033": "030",
    }
    reading = layout.groups["030"]
    assert [(f.name, f.item, f.type, f.mandatory) for f in reading.fields] == [
        ("meter_register_id", "J0010", FieldType.TEXT, True),
        ("reading_at", "J0016", FieldType.DATETIME, True),
        ("register_reading", "J0040", FieldType.DECIMAL, True),
        ("md_reset_at", "J0044", FieldType.DATETIME, False),
        ("md_resets", "J1013", FieldType.INTEGER, False),
        ("meter_reading_flag", "J0045", FieldType.ENUM, False),
        ("reading_method", "J1888", FieldType.ENUM, False),
    ]
    assert dict(layout.groups["026"].fields[1].values) == {
        "V": "Validated",
        "U": "Not validated",
        "F": "Failed BSC validation",
    }
    assert layout.descendants["028"] == {"029", "030", "032", "033"}
    assert [s.id for s in layout.children["026"]] == ["027", "028"]


def test_a_minimal_layout_loads_with_order_and_descendants() -> None:
    layout = layout_from_data(copy.deepcopy(MINIMAL), "t.yaml")
    assert [(s.id, s.order) for s in layout.children["001"]] == [("002", 0), ("004", 1)]
    assert layout.descendants["001"] == {"002", "003", "004"}
    assert layout.groups["002"].min == 1


def _broken(path: str, value: object) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    *keys, last = path.split(".")
    target: Any = data
    for key in keys:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is _DELETE:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        ("flow", "D10", "flow 'D10' does not match"),
        ("version", 2, "'version' must be non-empty text"),
        ("zone", "Mars/Olympus", "is not a time zone"),
        ("groups", [], "'groups' must be a non-empty list"),
        ("colour", "red", "unknown keys ['colour']"),
        ("groups.0.id", 22, "quoted string"),
        ("groups.1.id", "001", "declared twice"),
        ("groups.1.parent", "003", "is not a group declared before it"),
        ("groups.1.min", -1, "'min' must be a whole number"),
        ("groups.0.parent", "001", "is not a group declared before it"),
        ("groups.0.fields", [], "'fields' must be a non-empty list"),
        ("groups.0.fields.0.type", "float", "'type' must be one of"),
        ("groups.0.fields.0.name", "A", "does not match"),
        ("groups.0.fields.0.mandatory", "yes", "'mandatory' must be true or false"),
        ("groups.0.fields.0.max_length", 0, "'max_length' is a positive number"),
        ("groups.0.fields.0.values", {"X": "ex"}, "'values' is required for enum fields"),
        ("groups.1.fields.0.values", _DELETE, "'values' is required for enum fields"),
        ("groups.1.fields.0.values", {True: "yes"}, "must be quoted text"),
        ("groups.0.fields.0.date_only", "midnight", "for datetime only"),
        ("groups.0.fields.0.spin", 1, "unknown keys ['spin']"),
    ],
)
def test_a_mistake_in_a_layout_is_a_configuration_error_naming_it(
    path: str, value: object, says: str
) -> None:
    with pytest.raises(ConfigurationError, match=r"t\.yaml") as caught:
        layout_from_data(_broken(path, value), "t.yaml")
    assert says in str(caught.value)


def test_a_repeated_field_name_is_refused() -> None:
    data = copy.deepcopy(MINIMAL)
    data["groups"][0]["fields"].append({"name": "a", "type": "text"})
    with pytest.raises(ConfigurationError, match="field names repeat"):
        layout_from_data(data, "t.yaml")


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="expected a mapping"):
        layout_from_data(["not", "a", "mapping"], "t.yaml")


def test_an_unquoted_group_id_is_caught_because_yaml_reads_it_as_a_number() -> None:
    text = yaml.safe_dump(MINIMAL).replace("id: '001'", "id: 001")
    with pytest.raises(ConfigurationError, match="quoted string"):
        layout_from_data(yaml.safe_load(text), "t.yaml")


@pytest.fixture
def extra_layout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped layouts plus MINIMAL (D9999001), which has no mapper."""
    shipped = dict(registry.layouts())
    shipped["D9999001"] = layout_from_data(copy.deepcopy(MINIMAL), "t.yaml")
    registry.flow_for.cache_clear()
    monkeypatch.setattr(registry, "layouts", lambda: shipped)
    yield
    registry.flow_for.cache_clear()


@pytest.mark.usefixtures("extra_layout")
def test_a_layout_without_mapper_is_an_unsupported_flow() -> None:
    header = HEADER.replace("D0010002", "D9999001")
    reads, rejections = parse(d0010("001|a|", "002|X|", header=header))
    assert reads == []
    assert [r.reason_code for r in rejections] == ["UNSUPPORTED_FLOW"]
    assert "flow D9999 version 001 has a layout but no mapper" in rejections[0].message
