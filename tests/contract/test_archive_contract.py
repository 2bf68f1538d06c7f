"""RawArchive contract: content-addressed, immutable, the same bytes stored once."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meter2cash.adapters import archive as archive_module
from meter2cash.adapters.archive import FileArchive, MemoryArchive
from meter2cash.domain.errors import NotFoundError


@pytest.fixture(params=["memory", "file"])
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> FileArchive | MemoryArchive:
    return MemoryArchive() if request.param == "memory" else FileArchive(tmp_path / "archive")


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_put_bytes_addresses_by_sha256_and_stores_once(archive) -> None:
    content = b"100,NEM12,200401011200,MDA1,RETAILER\n"
    first = archive.put_bytes(content)
    again = archive.put_bytes(content)
    assert (first.file_id, first.size, first.new) == (sha(content), len(content), True)
    assert (again.file_id, again.new) == (first.file_id, False)
    assert archive.contains(first.file_id)
    assert archive.path_of(first.file_id) == first.path
    assert archive.read_bytes(first.file_id) == content


def test_put_file_and_put_bytes_agree(archive, tmp_path: Path) -> None:
    content = os.urandom(3 * archive_module.CHUNK_BYTES + 17)  # several chunks and a remainder
    source = tmp_path / "big.csv"
    source.write_bytes(content)
    archived = archive.put_file(source)
    assert (archived.file_id, archived.size, archived.new) == (sha(content), len(content), True)
    assert archive.put_bytes(content).new is False
    assert archive.read_bytes(archived.file_id) == content


def test_empty_file_is_archived(archive, tmp_path: Path) -> None:
    source = tmp_path / "empty"
    source.write_bytes(b"")
    archived = archive.put_file(source)
    assert (archived.file_id, archived.size) == (sha(b""), 0)
    assert archive.read_bytes(archived.file_id) == b""


@pytest.mark.parametrize("file_id", ["0" * 64, "../../etc/passwd", "AB" * 32, ""])
def test_unknown_or_malformed_ids_are_not_found(archive, file_id: str) -> None:
    assert not archive.contains(file_id)
    with pytest.raises(NotFoundError):
        archive.path_of(file_id)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contents=st.lists(st.binary(max_size=64), max_size=12))
def test_new_is_reported_once_per_distinct_content(tmp_path: Path, contents: list[bytes]) -> None:
    for archive in (MemoryArchive(), FileArchive(tmp_path / os.urandom(8).hex())):
        reported_new = [archive.put_bytes(content).new for content in contents]
        first_seen = [content not in contents[:i] for i, content in enumerate(contents)]
        assert reported_new == first_seen


class TestFileArchive:
    """What only the filesystem archive promises: layout, immutability, durability, no debris."""

    def test_layout_is_two_level_fan_out(self, tmp_path: Path) -> None:
        archived = FileArchive(tmp_path).put_bytes(b"abc")
        file_id = sha(b"abc")
        assert archived.path == tmp_path / file_id[:2] / file_id[2:4] / file_id
        assert archived.path.read_bytes() == b"abc"

    def test_files_are_read_only_and_no_temporary_files_remain(self, tmp_path: Path) -> None:
        archive = FileArchive(tmp_path)
        archived = archive.put_bytes(b"abc")
        archive.put_bytes(b"abc")
        source = tmp_path.parent / f"{tmp_path.name}-source"
        source.write_bytes(b"def")
        archive.put_file(source)
        archive.put_file(source)
        assert archived.path.stat().st_mode & 0o222 == 0
        assert list((tmp_path / ".incoming").iterdir()) == []

    def test_small_chunks_hash_the_same(self, tmp_path: Path, monkeypatch) -> None:
        monkeypatch.setattr(archive_module, "CHUNK_BYTES", 7)
        content = bytes(range(256)) * 3
        source = tmp_path / "in.bin"
        source.write_bytes(content)
        archived = FileArchive(tmp_path / "archive").put_file(source)
        assert archived.file_id == sha(content)
        assert archived.path.read_bytes() == content

    def test_a_reopened_archive_knows_its_files(self, tmp_path: Path) -> None:
        archived = FileArchive(tmp_path).put_bytes(b"kept")
        reopened = FileArchive(tmp_path)
        assert reopened.contains(archived.file_id)
        assert reopened.put_bytes(b"kept").new is False

    def test_a_failure_mid_stream_leaves_no_partial_file(self, tmp_path: Path, monkeypatch) -> None:
        class BrokenDigest:
            def update(self, chunk: bytes) -> None:
                raise OSError("disk went away")

        source = tmp_path / "in.bin"
        source.write_bytes(b"x" * 100)
        archive = FileArchive(tmp_path / "archive")
        monkeypatch.setattr(archive_module.hashlib, "sha256", BrokenDigest)
        with pytest.raises(OSError, match="disk went away"):
            archive.put_file(source)
        leftovers = [p for p in (tmp_path / "archive").rglob("*") if p.is_file()]
        assert leftovers == []
