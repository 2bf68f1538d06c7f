"""Exact money with one rounding rule.

The rule (``LINE_ROUNDING``): each bill line's amount is computed exactly and rounded **once**, half-up
to the currency's minor unit, and a bill's total is the sum of its rounded lines. Rounding the total
again, or rounding intermediate products, would make totals disagree with their lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from meter2cash.domain.errors import DomainError

#: The name of the single rounding rule, recorded on every bill so an auditor can reproduce it.
LINE_ROUNDING = "half-up to minor unit, once per line"
_MINOR_EXPONENTS = {"GBP": 2, "AUD": 2, "EUR": 2, "USD": 2}


def minor_exponent(currency: str) -> int:
    try:
        return _MINOR_EXPONENTS[currency]
    except KeyError:
        raise DomainError(f"unsupported currency {currency!r}") from None


def round_line(amount: Decimal, currency: str) -> Decimal:
    """Apply the line rounding rule: half-up to the minor unit of ``currency``."""
    quantum = Decimal(1).scaleb(-minor_exponent(currency))
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount in major units (pounds, dollars) of one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise DomainError("money must be a Decimal, never a float")
        minor_exponent(self.currency)

    def __add__(self, other: Money) -> Money:
        if other.currency != self.currency:
            raise DomainError(f"cannot add {other.currency} to {self.currency}")
        return Money(self.amount + other.amount, self.currency)

    def rounded(self) -> Money:
        return Money(round_line(self.amount, self.currency), self.currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
