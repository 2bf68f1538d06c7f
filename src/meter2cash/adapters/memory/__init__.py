"""In-memory adapters: the fakes of every port, held to the same contract suites as the databases."""

from meter2cash.adapters.archive import MemoryArchive
from meter2cash.adapters.memory.state import MemoryDatabase, MemoryState
from meter2cash.adapters.memory.uow import (
    ConcurrentCommitError,
    MemoryUnitOfWork,
    MemoryUnitOfWorkFactory,
)

__all__ = [
    "ConcurrentCommitError",
    "MemoryArchive",
    "MemoryDatabase",
    "MemoryState",
    "MemoryUnitOfWork",
    "MemoryUnitOfWorkFactory",
]
