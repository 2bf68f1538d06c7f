"""What the memory and SQL reference stores share: the check that a version may be stored."""

from __future__ import annotations

from meter2cash.domain.configuration import ConfigurationTimelineError
from meter2cash.ports import StoredReference


def require_next(reference: StoredReference, latest_version: int | None) -> None:
    """A version is stored only on top of the latest one, and only with a ``known_from``: two
    loads that both built on version N cannot both become N + 1."""
    expected = (latest_version or 0) + 1
    if reference.timeline.known_from is None:
        raise ConfigurationTimelineError(
            f"{reference.supply_point_id}: a stored reference version needs known_from"
        )
    if reference.timeline.supply_point_id != reference.supply_point_id:
        raise ConfigurationTimelineError(
            f"timeline of {reference.timeline.supply_point_id} stored for supply point "
            f"{reference.supply_point_id}"
        )
    if reference.version != expected:
        raise ConfigurationTimelineError(
            f"{reference.supply_point_id}: version {reference.version} does not follow the "
            f"stored version {latest_version or 0}; load again on the current data"
        )
