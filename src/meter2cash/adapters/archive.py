"""Raw archive: received files kept immutably and addressed by the SHA-256 of their bytes.

Content addressing makes re-delivery free (the same bytes are stored once) and makes any archived
file verifiable against its id, which is what lets a bill line be traced back to the exact bytes
received. Files are written to a temporary file under ``root/.incoming`` (the same filesystem),
fsynced, and renamed into place, so a crash never leaves a partial file under a valid address.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO

from meter2cash.domain.errors import NotFoundError
from meter2cash.ports import ArchivedFile

#: Read size for streaming: large enough to be fast, small enough to keep memory flat on big files.
CHUNK_BYTES = 1 << 20
_FILE_ID = re.compile(r"[0-9a-f]{64}")


def _check_id(file_id: str) -> str:
    """Refuse anything but a SHA-256 hex id: an id is turned into a path and must not escape the
    root.
    """
    if not _FILE_ID.fullmatch(file_id):
        raise NotFoundError(f"not an archive file id: {file_id!r}")
    return file_id


class FileArchive:
    """The filesystem archive: ``root/ab/cd/<sha256>``, two fan-out levels to keep directories
    small.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._incoming = self.root / ".incoming"

    def _address(self, file_id: str) -> Path:
        return self.root / file_id[:2] / file_id[2:4] / file_id

    def put_file(self, source: Path) -> ArchivedFile:
        with open(source, "rb") as stream:
            return self._put_stream(stream)

    def put_bytes(self, content: bytes) -> ArchivedFile:
        file_id = hashlib.sha256(content).hexdigest()
        path = self._address(file_id)
        if path.exists():
            return ArchivedFile(file_id, path, len(content), new=False)
        with self._temporary() as (handle, tmp_name):
            handle.write(content)
        return self._settle(tmp_name, file_id, len(content))

    def path_of(self, file_id: str) -> Path:
        path = self._address(_check_id(file_id))
        if not path.is_file():
            raise NotFoundError(f"file {file_id} is not in the archive at {self.root}")
        return path

    def contains(self, file_id: str) -> bool:
        return bool(_FILE_ID.fullmatch(file_id)) and self._address(file_id).is_file()

    def read_bytes(self, file_id: str) -> bytes:
        """The archived bytes (for replay and audit; not part of the port yet)."""
        return self.path_of(file_id).read_bytes()

    def _put_stream(self, stream: BinaryIO) -> ArchivedFile:
        digest = hashlib.sha256()
        size = 0
        with self._temporary() as (handle, tmp_name):
            while chunk := stream.read(CHUNK_BYTES):
                digest.update(chunk)
                handle.write(chunk)
                size += len(chunk)
        return self._settle(tmp_name, digest.hexdigest(), size)

    def _temporary(self) -> _TemporaryFile:
        self._incoming.mkdir(parents=True, exist_ok=True)
        return _TemporaryFile(self._incoming)

    def _settle(self, tmp_name: str, file_id: str, size: int) -> ArchivedFile:
        """Move a fully written, fsynced temporary file to its address (or drop it if already
        there).
        """
        path = self._address(file_id)
        if path.exists():
            os.unlink(tmp_name)
            return ArchivedFile(file_id, path, size, new=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp_name, 0o444)  # archived bytes are immutable
        os.replace(tmp_name, path)  # atomic: same filesystem, since .incoming is under root
        _fsync_directory(path.parent)  # make the rename itself survive a power cut
        return ArchivedFile(file_id, path, size, new=True)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class _TemporaryFile:
    """A temporary file under the archive root, fsynced on success and removed on failure."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def __enter__(self) -> tuple[BinaryIO, str]:
        fd, self.name = tempfile.mkstemp(dir=self._directory, prefix="put-")
        self.handle: BinaryIO = os.fdopen(fd, "wb")
        return self.handle, self.name

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        written = False
        try:
            if exc_type is None:
                self.handle.flush()
                os.fsync(self.handle.fileno())
                written = True
        finally:
            self.handle.close()
            if not written:
                os.unlink(self.name)


class MemoryArchive:
    """A dict-backed archive for tests. Paths are virtual (``memory-archive/ab/cd/<sha>``): no file
    exists there, so code that must open archived bytes should use :meth:`read_bytes`.
    """

    def __init__(self) -> None:
        self._files: dict[str, bytes] = {}
        self.root = Path("memory-archive")

    def put_file(self, source: Path) -> ArchivedFile:
        return self.put_bytes(Path(source).read_bytes())

    def put_bytes(self, content: bytes) -> ArchivedFile:
        file_id = hashlib.sha256(content).hexdigest()
        new = file_id not in self._files
        if new:
            self._files[file_id] = bytes(content)
        return ArchivedFile(file_id, self._virtual_path(file_id), len(content), new=new)

    def path_of(self, file_id: str) -> Path:
        if not self.contains(file_id):
            raise NotFoundError(f"file {file_id} is not in the memory archive")
        return self._virtual_path(file_id)

    def contains(self, file_id: str) -> bool:
        return file_id in self._files

    def read_bytes(self, file_id: str) -> bytes:
        self.path_of(file_id)
        return self._files[file_id]

    def _virtual_path(self, file_id: str) -> Path:
        return self.root / file_id[:2] / file_id[2:4] / file_id
