"""Which files a directory walk hands to ingest."""

from __future__ import annotations

from pathlib import Path

import pytest

from meter2cash.domain.errors import InputError
from meter2cash.service.ingest import expand_paths


def test_hidden_files_and_everything_in_hidden_directories_are_left_out(tmp_path: Path) -> None:
    for name in ["b.csv", "a/c.csv", ".hidden.csv", ".git/objects/x", "a/.cache/d.csv"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert expand_paths([tmp_path]) == [tmp_path / "a" / "c.csv", tmp_path / "b.csv"]


def test_a_hidden_directory_named_directly_is_walked(tmp_path: Path) -> None:
    inbox = tmp_path / ".inbox"
    inbox.mkdir()
    (inbox / "a.csv").write_text("x")
    assert expand_paths([inbox]) == [inbox / "a.csv"]
    assert expand_paths([inbox / "a.csv"]) == [inbox / "a.csv"]


def test_a_missing_path_is_an_input_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no-such"):
        expand_paths([tmp_path / "no-such"])
