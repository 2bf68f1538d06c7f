"""Errors of the hardening package: bad timetable data or an unknown regime."""

from meter2cash.domain.errors import ConfigurationError


class HardeningError(ConfigurationError):
    """A timetable or regime timeline is missing, malformed or inconsistent."""
