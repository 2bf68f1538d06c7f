"""Reason codes of the UK half-hourly adapters (besides the shared and csvmap ones)."""

from __future__ import annotations

from enum import StrEnum


class UkhhReason(StrEnum):
    INVALID_MPAN = "INVALID_MPAN"  # not a valid GB MPAN core (13 digits, distributor, check digit)
    BAD_SENSOR = "BAD_SENSOR"  # a DF2 "#S" line whose sensor is not 1-4
    BAD_STATUS = "BAD_STATUS"  # a DF2 status whose flag is not A (actual) or E (estimated)
    BAD_TIME = "BAD_TIME"  # a DF2 time that is not HH:MM (seconds, if any, zero)
    BAD_HEADER = "BAD_HEADER"  # a settlement-period CSV whose header is not one of the layouts
