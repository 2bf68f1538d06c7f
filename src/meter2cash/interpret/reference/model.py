"""What a reference-data file holds once loaded, and the error a bad one raises."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from meter2cash.domain.configuration import ConfigurationPeriod, ConfigurationTimeline, Span
from meter2cash.domain.configuration_changes import supersede
from meter2cash.domain.errors import ConfigurationError
from meter2cash.domain.supply_point_model import SupplyPoint


class ReferenceDataError(ConfigurationError):
    """A reference-data file cannot be used: names the file, where in it (line, key) and why.

    Reference data is configuration, not a stream of readings: one bad entry makes the whole load
    unusable (a half-loaded configuration would misinterpret reads), so it raises instead of
    rejecting record by record.
    """

    def __init__(self, source: str, where: str, reason: str) -> None:
        self.source = source
        self.where = where
        self.reason = reason
        super().__init__(f"{source}: {where}: {reason}")


@dataclass(frozen=True, slots=True)
class SupplyPointReference:
    """One supply point's entry in a load: its attributes and its meters over a span.

    ``replaces`` is ``None`` when the entry is the supply point's whole configuration history;
    otherwise the entry is a correction, authoritative only inside that span. ``supply_point`` is
    ``None`` for a correction that does not restate the supply point's attributes.
    """

    supply_point_id: str
    supply_point: SupplyPoint | None
    periods: tuple[ConfigurationPeriod, ...]
    replaces: Span | None = None

    def timeline(
        self, current: ConfigurationTimeline | None = None, *, known_from: datetime | None = None
    ) -> ConfigurationTimeline:
        """The next version of the supply point's timeline once this entry is applied."""
        return supersede(
            current, self.supply_point_id, self.periods, self.replaces, known_from=known_from
        )


@dataclass(frozen=True, slots=True)
class ReferenceData:
    """A loaded reference-data file: its entries, and from when its knowledge holds."""

    source: str
    known_from: datetime | None
    entries: tuple[SupplyPointReference, ...]

    def entry(self, supply_point_id: str) -> SupplyPointReference:
        for entry in self.entries:
            if entry.supply_point_id == supply_point_id:
                return entry
        raise KeyError(supply_point_id)

    def timelines(self) -> dict[str, ConfigurationTimeline]:
        """Version 1 of each supply point's timeline (a first load: no current version)."""
        return {e.supply_point_id: e.timeline(known_from=self.known_from) for e in self.entries}
