"""Exact text and Decimal forms of energy held as integer milli-kWh (three decimal places).

Values are generated as integers and rendered digit by digit, so no binary float ever reaches the
text. The common range is served from lookup tables built once, which keeps writing fast.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

_TABLE_SIZE = 1 << 16  # up to 65.535 kWh per interval: every natural synthetic value


def milli_text(milli: int) -> str:
    """``1234`` -> ``"1.234"``, ``-5`` -> ``"-0.005"``, ``0`` -> ``"0.000"``."""
    sign = "-" if milli < 0 else ""
    whole, frac = divmod(abs(milli), 1000)
    return f"{sign}{whole}.{frac:03d}"


@cache
def _texts() -> tuple[str, ...]:
    return tuple(milli_text(v) for v in range(_TABLE_SIZE))


@cache
def _decimals() -> tuple[Decimal, ...]:
    return tuple(Decimal(text) for text in _texts())


def texts(values: list[int]) -> list[str]:
    if values and min(values) >= 0 and max(values) < _TABLE_SIZE:
        table = _texts()
        return [table[v] for v in values]
    return [milli_text(v) for v in values]


def decimals(values: list[int]) -> tuple[Decimal, ...]:
    if values and min(values) >= 0 and max(values) < _TABLE_SIZE:
        table = _decimals()
        return tuple(table[v] for v in values)
    return tuple(Decimal(milli_text(v)) for v in values)
