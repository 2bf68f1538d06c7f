"""CSV mappings from a file, from --map flags, or both, give the same parser behaviour."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from meter2cash.domain.errors import InputError
from meter2cash.service.convert import convert
from meter2cash.service.formats import configured_parser, mapping_document

ROOT = Path(__file__).resolve().parents[3]
MAPPING = ROOT / "examples" / "mappings" / "example-csv-mapping.yaml"
SAMPLE = ROOT / "tests" / "golden" / "inputs" / "example-readings.csv"


def _flatten(document: dict, prefix: str = "") -> list[str]:
    flags: list[str] = []
    for key, value in document.items():
        if isinstance(value, dict):
            flags += _flatten(value, f"{prefix}{key}.")
        else:
            flags.append(f"{prefix}{key}={value}")
    return flags


def _records(parser) -> str:
    out = io.StringIO()
    convert([SAMPLE], out, "jsonl", "csv", parser)
    return out.getvalue()


def test_flags_alone_equal_the_mapping_file():
    flags = _flatten(yaml.safe_load(MAPPING.read_text()))
    assert _records(configured_parser("csv", None, flags)) == _records(
        configured_parser("csv", MAPPING)
    )


def test_a_flag_overrides_one_key_of_the_file():
    document = mapping_document(MAPPING, ["channel=AX", "csv.header=true"])
    assert document["channel"] == "AX" and document["csv"]["header"] is True
    assert '"channel": "AX"' in _records(configured_parser("csv", MAPPING, ["channel=AX"]))


@pytest.mark.parametrize("flags, message", [
    (["nonsense"], "KEY=VALUE"),
    (["channel.x=1", "channel=AI"], None),
])  # fmt: skip
def test_bad_flags_are_input_errors(flags, message):
    if message is None:
        mapping_document(None, flags)  # a later scalar may replace a section: allowed
        return
    with pytest.raises(InputError, match=message):
        mapping_document(None, flags)


def test_csv_without_any_mapping_is_refused():
    with pytest.raises(InputError, match="needs a column mapping"):
        configured_parser("csv", None)
