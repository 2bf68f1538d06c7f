"""The declarative column mapping of a generic CSV, loaded from YAML, JSON or TOML and validated.

A CSV says nothing about itself: which column is the supply point, whether a timestamp marks the
start or the end of its interval, in which time zone it was written. So nothing is guessed: the zone
and interval length are required, and every ambiguity is a key the mapping must state. The file
layout is documented (with an example) in ``csvmap/README.md``; every problem names the file and the
key, so a user can fix a mapping without reading this code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from meter2cash.domain.errors import DomainError, InputError
from meter2cash.domain.quantity import normalise_unit
from meter2cash.domain.reads import Direction, Quality
from meter2cash.domain.time import zone_named

#: A column: its header name (``header: true``) or its 1-based position.
Column = str | int

MARKETS = ("GB", "AU", "DE", "US", "OTHER")
ISO = "iso"
QUALITY_NAMES = {q.name.lower(): q for q in Quality if q is not Quality.MISSING}
DIRECTIONS = {d.value: d for d in Direction}
#: Used when a quality column has no ``quality_map``: the canonical letters (A, E, S, F, N, D, U).
DEFAULT_QUALITY_MAP: tuple[tuple[str, Quality], ...] = tuple(
    (q.value, q) for q in QUALITY_NAMES.values()
)
# Every field distinct: a format that loses one fails. Naive on purpose: it checks wall-clock text.
_SAMPLE = datetime(2001, 2, 3, 4, 5)  # noqa: DTZ001


class MappingError(InputError):
    """A mapping file (or the flags standing for one) that cannot be used; names file and key."""


@dataclass(frozen=True, slots=True)
class Mapping:
    """How to read one CSV layout. Constructing one validates it (``origin`` names it in errors).

    Time: either ``timestamp`` (with ``timestamp_marks`` "start" or "end" of the interval, and a
    ``timestamp_format``: "iso" or a ``strptime`` pattern) or ``date`` + ``period`` (periods count
    intervals from local midnight, from 1, like UK settlement periods). Naive times are wall-clock
    time in ``timezone``; a timestamp with an explicit offset must agree with ``timezone`` unless
    ``use_timestamp_offset`` says the offset wins.
    """

    market: str
    timezone: str
    interval_minutes: int
    supply_point: Column
    value: Column
    timestamp: Column | None = None
    timestamp_marks: str | None = None
    timestamp_format: str = ISO
    use_timestamp_offset: bool = False
    date: Column | None = None
    period: Column | None = None
    date_format: str = "%Y-%m-%d"
    unit: str | None = None
    unit_column: Column | None = None
    channel: str | None = None
    channel_column: Column | None = None
    direction: Direction | None = None
    direction_column: Column | None = None
    direction_map: tuple[tuple[str, Direction], ...] = ()
    quality: Quality = Quality.UNKNOWN
    quality_column: Column | None = None
    quality_map: tuple[tuple[str, Quality], ...] = DEFAULT_QUALITY_MAP
    delimiter: str = ","
    decimal_separator: str = "."
    header: bool = True
    max_open_days: int = 4096
    origin: str = "<mapping>"

    def __post_init__(self) -> None:
        _validate(self)

    def columns(self) -> dict[str, Column]:
        """Every column the mapping reads, by role."""
        roles = {
            "supply_point": self.supply_point,
            "value": self.value,
            "timestamp": self.timestamp,
            "date": self.date,
            "period": self.period,
            "unit": self.unit_column,
            "channel": self.channel_column,
            "direction": self.direction_column,
            "quality": self.quality_column,
        }
        return {role: column for role, column in roles.items() if column is not None}


def fail(mapping: Mapping | str, key: str, problem: str) -> MappingError:
    origin = mapping if isinstance(mapping, str) else mapping.origin
    return MappingError(f"{origin}: {key}: {problem}")


def _validate(m: Mapping) -> None:
    if m.market not in MARKETS:
        raise fail(m, "market", f"{m.market!r} is not one of {', '.join(MARKETS)}")
    try:
        zone_named(m.timezone)
    except DomainError:
        raise fail(m, "timezone", f"{m.timezone!r} is not an IANA zone, NEM or +HH:MM") from None
    minutes = m.interval_minutes
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 1440:
        raise fail(m, "interval_minutes", f"{minutes!r} is not a whole number of minutes 1-1440")
    if 1440 % minutes:
        raise fail(m, "interval_minutes", f"{minutes} minutes do not divide a day")
    for role, column in m.columns().items():
        _check_column(m, role, column)
    if (m.timestamp is None) == (m.date is None and m.period is None):
        raise fail(m, "columns", "name either a timestamp column or date and period columns")
    if m.timestamp is not None:
        if m.timestamp_marks not in ("start", "end"):
            raise fail(m, "timestamp.marks", "required: 'start' or 'end' of the interval")
        if m.timestamp_format != ISO and not _round_trips(m.timestamp_format, with_time=True):
            raise fail(m, "timestamp.format", f"{m.timestamp_format!r} loses date or time")
    elif m.date is None or m.period is None:
        raise fail(m, "columns", "date and period columns go together")
    elif not _round_trips(m.date_format, with_time=False):
        raise fail(m, "date_format", f"{m.date_format!r} is not a date format")
    if (m.unit is None) == (m.unit_column is None):
        raise fail(m, "unit", "give exactly one: a constant unit, or columns.unit")
    if m.unit is not None:
        try:
            normalise_unit(m.unit)
        except DomainError:
            raise fail(m, "unit", f"{m.unit!r} is not an energy unit (kWh, Wh, kvarh...)") from None
    if (m.channel is None) == (m.channel_column is None):
        raise fail(m, "channel", "give exactly one: a constant channel, or columns.channel")
    if m.channel is not None and not m.channel.strip():
        raise fail(m, "channel", "must not be empty")
    _check_direction(m)
    if len(m.delimiter) != 1 or m.delimiter in '\r\n"':
        raise fail(m, "csv.delimiter", f"{m.delimiter!r} is not a single separator character")
    if m.decimal_separator not in (".", ","):
        raise fail(m, "csv.decimal_separator", "must be '.' or ','")
    if m.decimal_separator == m.delimiter:
        raise fail(m, "csv.decimal_separator", "must differ from the delimiter")
    if isinstance(m.max_open_days, bool) or not isinstance(m.max_open_days, int):
        raise fail(m, "max_open_days", "must be a whole number")
    if m.max_open_days < 1:
        raise fail(m, "max_open_days", "must be at least 1")


def _check_column(m: Mapping, role: str, column: object) -> None:
    key = f"columns.{role}"
    if isinstance(column, bool) or not isinstance(column, str | int):
        raise fail(m, key, f"{column!r} is neither a header name nor a column number")
    if isinstance(column, int) and column < 1:
        raise fail(m, key, "column numbers count from 1")
    if isinstance(column, str) and not column.strip():
        raise fail(m, key, "an empty header name")
    if isinstance(column, str) and not m.header:
        raise fail(m, key, f"{column!r} is a header name but csv.header is false: use a number")


def _check_direction(m: Mapping) -> None:
    if m.direction_column is not None and not m.direction_map:
        raise fail(m, "direction_map", "required with columns.direction")
    if m.direction_map and m.direction_column is None and m.channel_column is None:
        raise fail(m, "direction_map", "maps columns.direction or columns.channel; neither is set")
    if not m.direction_map and m.direction is None:
        raise fail(m, "direction", f"required: one of {', '.join(DIRECTIONS)}, or direction_map")


def _round_trips(pattern: str, *, with_time: bool) -> bool:
    sample = _SAMPLE if with_time else datetime.combine(_SAMPLE.date(), datetime.min.time())
    try:
        parsed = datetime.strptime(sample.strftime(pattern), pattern)  # noqa: DTZ007
    except ValueError:
        return False
    return parsed.replace(tzinfo=None) == sample


def parse_date(text: str, pattern: str) -> date:
    """A date in ``pattern`` (strptime); ValueError when it is not one."""
    return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date, no instant
