"""Composition root: settings -> adapters -> the pieces the entrypoints use. Nothing else wires."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.engine import Engine

from meter2cash.adapters.archive import FileArchive
from meter2cash.adapters.sql.engine import make_engine
from meter2cash.adapters.sql.migrate import upgrade_to_head
from meter2cash.adapters.sql.uow import SqlUnitOfWorkFactory
from meter2cash.config import Settings
from meter2cash.domain.billing import FlatTariff
from meter2cash.rate.tariff_file import load_tariffs


@dataclass
class App:
    settings: Settings
    engine: Engine
    uow_factory: SqlUnitOfWorkFactory
    archive: FileArchive

    @cached_property
    def tariffs(self) -> dict[str, FlatTariff]:
        return load_tariffs(self.settings.tariffs_dir)

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings) -> App:
    """Create the data directory, migrate the database to the current schema, wire the adapters."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade_to_head(engine)
    return App(settings, engine, SqlUnitOfWorkFactory(engine), FileArchive(settings.archive_dir))
