"""Column types that keep instants aware and decimals exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from meter2cash.domain.errors import DomainError

#: Surrogate keys: 64-bit on PostgreSQL (a busy log passes 2^31 rows in hours); on SQLite the column
#: must be exactly ``INTEGER PRIMARY KEY`` to alias the rowid, which is 64-bit anyway.
IdType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UtcDateTime(sa.TypeDecorator[datetime]):
    """``timestamptz`` on PostgreSQL, UTC text on SQLite; always aware UTC going in and coming out.

    SQLite has no time zone type and returns naive values; naive datetimes carry no meaning here, so
    they are refused on the way in and read back as UTC (which is all that was ever written).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise DomainError(f"refusing to store naive datetime {value.isoformat()}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class DecimalText(sa.TypeDecorator[Decimal]):
    """An exact decimal kept as its canonical text, so the very same ``Decimal`` comes back.

    ``NUMERIC`` would do on PostgreSQL, but SQLite stores it as a binary float, and even exact
    numeric types drop the exponent (``1.50`` vs ``1.5``) that a bill line's printed amount depends
    on.
    """

    impl = sa.Text()
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise DomainError(f"an exact column takes a finite Decimal, got {value!r}")
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            raise DomainError(f"stored value {value!r} is not a decimal") from None
