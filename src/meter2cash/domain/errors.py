"""One root for every error the platform raises.

Data-quality problems are *values* (`Rejection`, `ValidationException`), not exceptions: a bad record
must never stop the rest of a file. These classes are for programming and configuration errors and for
bad user input at the edges, which the entrypoints turn into one clear line and a non-zero exit code.
"""


class Meter2CashError(Exception):
    """Root of every error raised on purpose by meter2cash."""


class DomainError(Meter2CashError, ValueError):
    """A value violates an invariant of the canonical model (naive datetime, inexact quantity...)."""


class InvalidSupplyPointError(DomainError):
    """A supply point identifier fails its market's structure or check-digit rule."""


class PrecisionError(DomainError):
    """A quantity has more decimal places than the canonical scale can hold exactly."""


class QuantityRangeError(PrecisionError):
    """A quantity is too large to hold: beyond the stores' 64-bit columns, or beyond any interval.

    A kind of :class:`PrecisionError` (the value cannot be held exactly) so every caller that
    already refuses unholdable values refuses these too."""


class ConfigurationError(Meter2CashError):
    """Settings or reference data (tariffs, ...) are missing or invalid."""


class NotFoundError(Meter2CashError):
    """A user asked for something (bill line, supply point...) that does not exist."""


class InputError(Meter2CashError):
    """A user-supplied file or argument cannot be used at all (not: a bad record inside a file)."""
