"""One frozen Settings object, read from the environment (prefix ``M2C_``) at the entrypoint only."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where meter2cash keeps its state and finds its inputs.

    The embedded default needs no server: a SQLite file and a raw archive under ``data_dir``. Setting
    ``M2C_DATABASE_URL`` (e.g. ``postgresql+psycopg://user@host/db``) moves the same code to PostgreSQL.
    """

    model_config = SettingsConfigDict(env_prefix="M2C_", frozen=True, extra="ignore")

    data_dir: Path = Path("m2c-data")
    database_url: str | None = None
    input_dir: Path = Path("examples/demo")
    tariffs_dir: Path = Path("examples/tariffs")
    reference_dir: Path = Path("examples/reference")  # supply points, meters, GB MDD

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'meter2cash.db').resolve()}"

    @property
    def archive_dir(self) -> Path:
        return self.data_dir / "archive"
