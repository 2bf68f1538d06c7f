"""Versioned event schemas: the committed files match the code, and breaking changes need a bump."""

from __future__ import annotations

import copy
import dataclasses
import json
import warnings
from dataclasses import field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from meter2cash.domain.events import EVENT_TYPES
from meter2cash.schemas import (
    EVENT_SCHEMA_DIR,
    SchemaCompatibilityError,
    check_compatibility,
    committed_versions,
    drift_of,
    event_type_of,
    generate_schemas,
    render,
    schema_of,
    write_schemas,
)

# --- (a) the committed schemas are what the code generates ------------------------------------


@pytest.mark.parametrize("event_class", EVENT_TYPES, ids=event_type_of)
def test_committed_schema_matches_the_code(event_class: type) -> None:
    drift = drift_of(event_class, EVENT_SCHEMA_DIR)
    if drift.status == "bumped":  # allowed: breaking changes are what a bump is for
        warnings.warn(drift.message, stacklevel=1)
        return
    assert drift.status == "current", drift.message


def test_generated_schemas_are_keyed_and_labelled_by_version() -> None:
    schemas = generate_schemas()
    assert len(schemas) == len(EVENT_TYPES)
    for cls in EVENT_TYPES:
        key = f"{cls.EVENT_TYPE}.v{cls.SCHEMA_VERSION}"  # type: ignore[attr-defined]
        schema = schemas[key]
        assert schema["title"] == cls.__name__
        assert schema["x-schema-version"] == cls.SCHEMA_VERSION  # type: ignore[attr-defined]
        assert schema["$id"].endswith(f"{cls.EVENT_TYPE}:v{cls.SCHEMA_VERSION}")  # type: ignore[attr-defined]
        assert schema["$ref"] == f"#/$defs/{cls.__name__}"


# --- (b) check_compatibility on small hand-made schemas ---------------------------------------


def _object(properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required, **extra}


BASE = _object(
    {
        "name": {"type": "string"},
        "count": {"type": "integer"},
        "colour": {"$ref": "#/$defs/Colour"},
        "inner": {"$ref": "#/$defs/Inner"},
    },
    ["name", "colour"],
    **{
        "$defs": {
            "Colour": {"enum": ["red", "green"]},
            "Inner": _object({"at": {"type": "string", "format": "date"}}, ["at"]),
        }
    },
)


def _changed(edit: Any) -> dict[str, Any]:
    new = copy.deepcopy(BASE)
    edit(new)
    return new


def test_identical_schemas_are_compatible() -> None:
    assert check_compatibility(BASE, copy.deepcopy(BASE)) == []


def test_removed_property_is_breaking() -> None:
    problems = check_compatibility(BASE, _changed(lambda s: s["properties"].pop("count")))
    assert problems == ["$: property 'count' removed"]


def test_new_required_property_is_breaking() -> None:
    def add(s: dict[str, Any]) -> None:
        s["properties"]["market"] = {"type": "string"}
        s["required"].append("market")

    assert check_compatibility(BASE, _changed(add)) == ["$: new required property 'market'"]


def test_optional_property_becoming_required_is_breaking() -> None:
    problems = check_compatibility(BASE, _changed(lambda s: s["required"].append("count")))
    assert problems == ["$: property 'count' became required"]


def test_new_optional_property_is_compatible() -> None:
    def add(s: dict[str, Any]) -> None:
        s["properties"]["note"] = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}

    assert check_compatibility(BASE, _changed(add)) == []


def test_required_becoming_optional_is_compatible() -> None:
    assert check_compatibility(BASE, _changed(lambda s: s["required"].remove("name"))) == []


@pytest.mark.parametrize(
    ("new_type", "described"),
    [
        ({"type": "string"}, "`integer` to `string`"),
        ({"type": "number"}, "`integer` to `number`"),  # widened: old readers cannot take 1.5
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "`integer` to `integer | null`"),
    ],
)
def test_type_change_is_breaking(new_type: dict[str, Any], described: str) -> None:
    problems = check_compatibility(BASE, _changed(lambda s: s["properties"].update(count=new_type)))
    assert problems == [f"$.count: type changed from {described}"]


def test_format_change_is_a_type_change() -> None:
    def edit(s: dict[str, Any]) -> None:
        s["$defs"]["Inner"]["properties"]["at"]["format"] = "date-time"

    assert check_compatibility(BASE, _changed(edit)) == [
        "$.inner.at: type changed from `string (date)` to `string (date-time)`"
    ]


def test_enum_narrowing_is_breaking_and_widening_compatible() -> None:
    narrowed = _changed(lambda s: s["$defs"]["Colour"]["enum"].remove("green"))
    widened = _changed(lambda s: s["$defs"]["Colour"]["enum"].append("blue"))
    assert check_compatibility(BASE, narrowed) == ['$.colour: enum value(s) "green" removed']
    assert check_compatibility(BASE, widened) == []


def test_nested_definition_change_is_found_through_refs() -> None:
    def edit(s: dict[str, Any]) -> None:
        inner = s["$defs"]["Inner"]
        inner["properties"]["seq"] = {"type": "integer"}
        inner["required"].append("seq")

    assert check_compatibility(BASE, _changed(edit)) == ["$.inner: new required property 'seq'"]


def test_narrowed_constraint_is_breaking() -> None:
    edit = _changed(lambda s: s["properties"]["name"].update(maxLength=10))
    assert check_compatibility(BASE, edit) == [
        "$.name: constraint maxLength changed from None to 10"
    ]


def test_annotations_are_ignored() -> None:
    def edit(s: dict[str, Any]) -> None:
        s["description"] = "reworded"
        s["$defs"]["Inner"]["title"] = "Renamed"
        s["properties"]["count"]["default"] = 0

    assert check_compatibility(BASE, _changed(edit)) == []


def test_array_items_and_recursive_definitions() -> None:
    tree: dict[str, Any] = {
        "$ref": "#/$defs/Node",
        "$defs": {
            "Node": _object(
                {
                    "value": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                },
                ["value"],
            )
        },
    }
    assert check_compatibility(tree, copy.deepcopy(tree)) == []
    changed = copy.deepcopy(tree)
    changed["$defs"]["Node"]["properties"]["value"] = {"type": "integer"}
    assert check_compatibility(tree, changed) == [
        "$.value: type changed from `string` to `integer`",
    ]


def test_real_event_schema_breaking_change_is_reported_with_its_path() -> None:
    old = generate_schemas()["reads_received.v1"]
    new = copy.deepcopy(old)
    del new["$defs"]["ChannelDay"]["properties"]["zone"]
    new["$defs"]["Quality"]["enum"].remove("E")
    assert check_compatibility(old, new) == [
        "$.channel_day: property 'zone' removed",
        '$.channel_day.qualities[]: enum value(s) "E" removed',
    ]


# --- (c) versions over time: a sample event in a temporary schema directory -------------------


def _sample(version: int, **fields: Any) -> type:
    """A ``sample_recorded`` event class at ``version`` with the given fields (name -> type)."""
    spec = [
        (name, kind) if not isinstance(kind, tuple) else (name, *kind)
        for name, kind in fields.items()
    ]
    return dataclasses.make_dataclass(
        "SampleRecorded",
        spec,
        frozen=True,
        namespace={"EVENT_TYPE": "sample_recorded", "SCHEMA_VERSION": version},
    )


V1 = _sample(1, supply_point_id=str, read_on=date, total=Decimal)


def test_up_to_date(tmp_path: Path) -> None:
    assert write_schemas(tmp_path, event_types=[V1]) == [tmp_path / "sample_recorded.v1.json"]
    assert drift_of(V1, tmp_path).status == "current"
    assert write_schemas(tmp_path, event_types=[V1]) == []  # nothing to rewrite


def test_written_file_format(tmp_path: Path) -> None:
    (path,) = write_schemas(tmp_path, event_types=[V1])
    text = path.read_text(encoding="utf-8")
    assert text == render(schema_of(V1))
    assert text.endswith("}\n") and text.startswith('{\n  "$defs"')
    assert json.loads(text)["x-schema-version"] == 1


def test_compatible_change_asks_to_regenerate(tmp_path: Path) -> None:
    write_schemas(tmp_path, event_types=[V1])
    with_note = _sample(
        1, supply_point_id=str, read_on=date, total=Decimal, note=(str | None, field(default=None))
    )
    drift = drift_of(with_note, tmp_path)
    assert drift.status == "regenerate" and not drift.allowed
    assert "regenerate with `meter2cash schemas --write`" in drift.message
    assert write_schemas(tmp_path, event_types=[with_note]) == [
        tmp_path / "sample_recorded.v1.json"
    ]
    assert drift_of(with_note, tmp_path).status == "current"


def test_breaking_change_asks_for_a_bump_and_is_not_written(tmp_path: Path) -> None:
    write_schemas(tmp_path, event_types=[V1])
    committed = (tmp_path / "sample_recorded.v1.json").read_text(encoding="utf-8")
    narrowed = _sample(1, supply_point_id=str, read_on=date, total=Decimal, market=str)
    drift = drift_of(narrowed, tmp_path)
    assert drift.status == "bump" and not drift.allowed
    assert "bump SCHEMA_VERSION of SampleRecorded to 2" in drift.message
    assert drift.changes == ("$: new required property 'market'",)
    with pytest.raises(SchemaCompatibilityError, match="new required property 'market'"):
        write_schemas(tmp_path, event_types=[narrowed])
    assert (tmp_path / "sample_recorded.v1.json").read_text(encoding="utf-8") == committed
    assert write_schemas(tmp_path, event_types=[narrowed], force=True)  # e.g. never released


def test_bumped_version_without_its_file_is_allowed(tmp_path: Path) -> None:
    write_schemas(tmp_path, event_types=[V1])
    v2 = _sample(2, supply_point_id=str, read_on=date, total=Decimal, market=str)
    drift = drift_of(v2, tmp_path)
    assert drift.status == "bumped" and drift.allowed
    assert drift.changes == ("$: new required property 'market'",)
    assert "what a bump is for" in drift.message
    assert write_schemas(tmp_path, event_types=[v2]) == [tmp_path / "sample_recorded.v2.json"]
    assert sorted(committed_versions(tmp_path, "sample_recorded")) == [1, 2]  # v1 kept
    assert drift_of(v2, tmp_path).status == "current"


def test_no_committed_file_or_a_newer_one(tmp_path: Path) -> None:
    assert drift_of(V1, tmp_path).status == "unwritten"
    write_schemas(tmp_path, event_types=[_sample(2, supply_point_id=str)])
    behind = drift_of(V1, tmp_path)
    assert behind.status == "behind" and "v2 is committed" in behind.message


def test_committed_versions_ignores_other_event_types(tmp_path: Path) -> None:
    (tmp_path / "sample_recorded_twice.v1.json").write_text("{}")
    (tmp_path / "sample_recorded.v3.json").write_text("{}")
    (tmp_path / "sample_recorded.vX.json").write_text("{}")
    assert committed_versions(tmp_path, "sample_recorded") == {
        3: tmp_path / "sample_recorded.v3.json"
    }
