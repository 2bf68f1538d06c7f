"""Which DTC flows this build can read: a layout (data) and a mapper (code) per flow version.

Layouts are the YAML files in ``flows/``, one per flow version, named after the ZHV's flow and
version (``D0010002.yaml``); they are loaded and checked on first use. A mapper turns one finished
group tree of its flow into canonical items; it is registered in :data:`MAPPERS` under the same key.
A flow with no layout, or a layout with no mapper, is not supported: the file gets one
``UNSUPPORTED_FLOW`` rejection naming the flow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from functools import cache, lru_cache
from importlib import resources
from types import MappingProxyType

import yaml

from meter2cash.domain.errors import ConfigurationError
from meter2cash.domain.time import zone_named
from meter2cash.ingest.dtc.d0010 import map_d0010
from meter2cash.ingest.dtc.envelope import Header
from meter2cash.ingest.dtc.grammar import FlowLayout, layout_from_data
from meter2cash.ingest.dtc.reader import Group
from meter2cash.ingest.dtc.reasons import Rejecter
from meter2cash.ingest.items import ParsedItem


@dataclass(frozen=True, slots=True)
class Context:
    """What a mapper knows about the file its trees come from."""

    header: Header
    reject: Rejecter
    zone: tzinfo

    @property
    def file_id(self) -> str:
        return self.reject.file_id

    @property
    def segment(self) -> str | None:
        return self.reject.segment


#: Turns one finished tree (a top-level group, or an orphan tree the reader already rejected the
#: root of) into canonical items and rejections.
Mapper = Callable[[Group, Context], Iterator[ParsedItem]]


@dataclass(frozen=True, slots=True)
class Flow:
    layout: FlowLayout
    mapper: Mapper
    zone: tzinfo


#: Flow + version -> its mapper. Adding a flow = a layout in ``flows/`` and a mapper here.
MAPPERS: Mapping[str, Mapper] = MappingProxyType({"D0010002": map_d0010})


@cache
def layouts() -> Mapping[str, FlowLayout]:
    """Every layout under ``flows/``, by flow + version; a bad layout raises ConfigurationError."""
    found: dict[str, FlowLayout] = {}
    for entry in sorted(resources.files(__package__).joinpath("flows").iterdir(), key=str):
        if not entry.name.endswith(".yaml"):
            continue
        source = f"dtc/flows/{entry.name}"
        try:
            data = yaml.safe_load(entry.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ConfigurationError(f"{source}: not valid YAML: {exc}") from exc
        layout = layout_from_data(data, source)
        if entry.name != f"{layout.key}.yaml":
            raise ConfigurationError(
                f"{source}: a layout of {layout.key} must be {layout.key}.yaml"
            )
        found[layout.key] = layout
    return MappingProxyType(found)


@lru_cache(maxsize=64)  # bounded: flow ids come from untrusted files
def flow_for(flow_version: str) -> Flow | str:
    """The readable flow for a ZHV's flow + version, or why it is not supported."""
    layout = layouts().get(flow_version)
    name = f"flow {flow_version[:5]} version {flow_version[5:]}"
    if layout is None:
        known = ", ".join(layouts()) or "none"
        return f"{name} has no layout (layouts known: {known}); see ingest/dtc/README.md"
    mapper = MAPPERS.get(flow_version)
    if mapper is None:
        return f"{name} has a layout but no mapper to canonical reads"
    return Flow(layout, mapper, zone_named(layout.zone))
