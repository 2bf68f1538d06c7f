"""In-memory register reads and irregular interval reads, versioned like the channel-days.

Values are put through the same micro-unit form as the database columns, so the fake refuses what
the databases refuse and gives back what they give back (``1.50`` as ``1.5``). Both stores follow
one rule, written once in :class:`_VersionedReads`: each names its ``MemoryState`` tables and how
its reads are keyed, compared and made exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from meter2cash.adapters.memory.state import MemoryState
from meter2cash.adapters.read_keys import (
    IntervalKey,
    RegisterKey,
    exact_micro,
    interval_content_key,
    interval_identity,
    interval_read_order,
    optional_decimal,
    optional_micro,
    register_content_key,
    register_identity,
    register_read_order,
)
from meter2cash.domain.errors import NotFoundError
from meter2cash.domain.quantity import from_micro
from meter2cash.domain.reads import IntervalRead, RegisterRead
from meter2cash.domain.time import require_utc
from meter2cash.ports import PutResult, StoredIntervalRead, StoredRegisterRead

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
K = TypeVar("K", bound=tuple[Any, ...])


class _Stored(Protocol[R_co]):
    @property
    def id(self) -> int: ...
    @property
    def version(self) -> int: ...
    @property
    def read(self) -> R_co: ...


S = TypeVar("S", bound=_Stored[Any])


@dataclass(frozen=True, slots=True)
class _Kind(Generic[R, S, K]):
    """One kind of read: its ``MemoryState`` tables and how a read is keyed and stored."""

    table: str  # MemoryState has ``<table>s``, ``<table>_versions`` and ``last_<table>_id``
    noun: str  # what a read is called in a NotFoundError
    identity: Callable[[R], K]
    content_key: Callable[[R], str]  # must refuse an inexact value by raising
    exact: Callable[[R], R]  # the read as the databases give it back
    stored: Callable[[int, int, int | None, R], S]  # (id, version, superseded_by, read)
    at: int  # the position in the identity of the instant ``latest`` selects on
    order: Callable[[S], Any]


class _VersionedReads(Generic[R, S, K]):
    def __init__(self, state: MemoryState, kind: _Kind[R, S, K]) -> None:
        self._s = state
        self._k = kind

    def _reads(self) -> dict[int, S]:
        reads: dict[int, S] = getattr(self._s, f"{self._k.table}s")
        return reads

    def _versions(self) -> dict[K, tuple[int, ...]]:
        versions: dict[K, tuple[int, ...]] = getattr(self._s, f"{self._k.table}_versions")
        return versions

    def put(self, read: R) -> PutResult:
        kind, reads, versions = self._k, self._reads(), self._versions()
        content_key = kind.content_key(read)  # refuses an inexact value before any change
        key = kind.identity(read)
        ids = versions.get(key, ())
        previous = reads[ids[-1]] if ids else None
        if previous is not None and kind.content_key(previous.read) == content_key:
            return PutResult("unchanged", previous.id, previous.version)
        self._s.dirty = True
        counter = f"last_{kind.table}_id"
        new_id: int = getattr(self._s, counter) + 1
        setattr(self._s, counter, new_id)
        version = previous.version + 1 if previous else 1
        reads[new_id] = kind.stored(new_id, version, None, kind.exact(read))
        versions[key] = (*ids, new_id)
        if previous is None:
            return PutResult("new", new_id, version)
        reads[previous.id] = kind.stored(previous.id, previous.version, new_id, previous.read)
        return PutResult("corrected", new_id, version, previous.id)

    def get(self, record_id: int) -> S:
        try:
            return self._reads()[record_id]
        except KeyError:
            raise NotFoundError(f"no {self._k.noun} with id {record_id}") from None

    def latest(self, supply_point_id: str, from_at: datetime, to_at: datetime) -> list[S]:
        from_at, to_at = require_utc(from_at, "from_at"), require_utc(to_at, "to_at")
        reads, at = self._reads(), self._k.at
        found = [
            reads[ids[-1]]
            for key, ids in self._versions().items()
            if key[0] == supply_point_id and from_at <= key[at] < to_at
        ]
        return sorted(found, key=self._k.order)

    def count(self) -> int:
        return len(self._versions())


_REGISTER = _Kind(
    table="register_read",
    noun="register read",
    identity=register_identity,
    content_key=register_content_key,
    exact=lambda read: replace(read, value=from_micro(exact_micro(read.value))),
    stored=StoredRegisterRead,
    at=3,  # read_at
    order=register_read_order,
)

_INTERVAL = _Kind(
    table="interval_read",
    noun="interval read",
    identity=interval_identity,
    content_key=interval_content_key,
    exact=lambda read: replace(read, energy=optional_decimal(optional_micro(read.energy))),
    stored=StoredIntervalRead,
    at=2,  # interval start
    order=interval_read_order,
)


class MemoryRegisterReadStore(_VersionedReads[RegisterRead, StoredRegisterRead, RegisterKey]):
    def __init__(self, state: MemoryState) -> None:
        super().__init__(state, _REGISTER)


class MemoryIntervalReadStore(_VersionedReads[IntervalRead, StoredIntervalRead, IntervalKey]):
    def __init__(self, state: MemoryState) -> None:
        super().__init__(state, _INTERVAL)
