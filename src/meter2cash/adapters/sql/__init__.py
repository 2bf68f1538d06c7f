"""SQL adapters (SQLAlchemy Core, no ORM) for SQLite and PostgreSQL, with packaged Alembic
migrations.
"""

from meter2cash.adapters.sql.engine import make_engine
from meter2cash.adapters.sql.migrate import upgrade_to_head
from meter2cash.adapters.sql.tables import metadata
from meter2cash.adapters.sql.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = ["SqlUnitOfWork", "SqlUnitOfWorkFactory", "make_engine", "metadata", "upgrade_to_head"]
