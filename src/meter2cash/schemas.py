"""Versioned JSON Schemas of the canonical events, and the rule for when a version must change.

Events outlive the code that wrote them: workers and other systems read the log, old payloads and
new alike. So each event class carries a ``SCHEMA_VERSION``, the schema of every version is
committed under ``schemas/events/<event_type>.v<N>.json``, and a change is classified against what
is committed:

* **compatible** — the schema text changed, but a reader of either version decodes payloads of the
  other (an optional property or an enum value added, a description reworded): regenerate the file.
* **breaking** — a property removed or newly required, a type changed or narrowed, an enum value
  removed, a constraint changed, anywhere in the tree (``$ref``s into ``$defs`` are followed): bump
  ``SCHEMA_VERSION``; the older version's file stays, so consumers can still be pointed at it.

Schemas come from the same msgspec machinery as :mod:`meter2cash.codec`, so they describe exactly
what the log holds. msgspec emits JSON Schema 2020-12 (``$defs``/``$ref``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import msgspec

from meter2cash.domain.errors import Meter2CashError
from meter2cash.domain.events import EVENT_TYPES

JsonSchema = dict[str, Any]

#: ``schemas/events`` of a source checkout (where the committed schemas live).
EVENT_SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas" / "events"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
REGENERATE_HINT = "regenerate with `meter2cash schemas --write` (meter2cash.schemas.write_schemas)"

# Keywords that document a schema without constraining the payloads it accepts.
_ANNOTATIONS = frozenset(
    {"title", "description", "default", "examples", "$comment", "$id", "$schema",
     "x-schema-version"}
)  # fmt: skip
# Keywords that restrict values: any change to one can reject a payload the other side accepts.
_CONSTRAINTS = (
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength",
    "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "minProperties",
    "maxProperties", "discriminator",
)  # fmt: skip
# Keywords this module compares structurally; any other keyword that changes is reported as is.
_STRUCTURE = frozenset(
    {"$ref", "$defs", "type", "format", "enum", "const", "anyOf", "oneOf", "properties",
     "required", "additionalProperties", "items", "prefixItems"}
)  # fmt: skip


class SchemaCompatibilityError(Meter2CashError):
    """Writing a schema would silently break consumers: the version must be bumped instead."""


def event_type_of(cls: type) -> str:
    return str(cls.EVENT_TYPE)  # type: ignore[attr-defined]


def schema_version_of(cls: type) -> int:
    return int(cls.SCHEMA_VERSION)  # type: ignore[attr-defined]


def schema_key(cls: type) -> str:
    """``<event_type>.v<SCHEMA_VERSION>``: the key of the schema and the stem of its file."""
    return f"{event_type_of(cls)}.v{schema_version_of(cls)}"


def schema_of(cls: type) -> JsonSchema:
    """The JSON Schema of the event class's current version."""
    schema: JsonSchema = msgspec.json.schema(cls)
    schema["$schema"] = SCHEMA_DIALECT
    schema["$id"] = f"urn:meter2cash:event:{event_type_of(cls)}:v{schema_version_of(cls)}"
    schema["title"] = cls.__name__
    schema["x-schema-version"] = schema_version_of(cls)
    return schema


def generate_schemas(event_types: Iterable[type] = EVENT_TYPES) -> dict[str, JsonSchema]:
    """Every event's current schema, keyed ``"<event_type>.v<SCHEMA_VERSION>"``."""
    return {schema_key(cls): schema_of(cls) for cls in event_types}


def render(schema: JsonSchema) -> str:
    """The committed text of a schema: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def write_schemas(
    directory: Path, *, force: bool = False, event_types: Iterable[type] = EVENT_TYPES
) -> list[Path]:
    """Write each event's current schema into ``directory``; return the files created or changed.

    Files of other versions are never touched, so older versions stay published. Rewriting the file
    of the *current* version is refused (:class:`SchemaCompatibilityError`) when the change is
    breaking — that would move consumers' contract under them without a version bump — unless
    ``force`` (e.g. for a version not yet released). Nothing is written if anything is refused.
    """
    pending: list[tuple[Path, str]] = []
    refused: list[str] = []
    for key, schema in generate_schemas(event_types).items():
        path = directory / f"{key}.json"
        text = render(schema)
        if path.exists():
            committed = path.read_text(encoding="utf-8")
            if committed == text:
                continue
            breaking = check_compatibility(json.loads(committed), schema)
            if breaking and not force:
                refused.append(f"{key}: " + "; ".join(breaking))
                continue
        pending.append((path, text))
    if refused:
        raise SchemaCompatibilityError(
            "breaking schema changes need a SCHEMA_VERSION bump, not a rewrite: "
            + " | ".join(refused)
        )
    directory.mkdir(parents=True, exist_ok=True)
    for path, text in pending:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    return [path for path, _ in pending]


# --- compatibility --------------------------------------------------------------------------------


def check_compatibility(old: JsonSchema, new: JsonSchema) -> list[str]:
    """The breaking changes from ``old`` to ``new``, one human-readable line each; ``[]`` if none.

    A change is breaking when a reader on ``new`` could fail on an ``old`` payload or a reader on
    ``old`` on a ``new`` one: a property removed, a property newly required, a type changed (also
    narrowed or widened), a constraint changed, an enum value removed. Adding an optional property
    or an enum value is compatible by convention (readers must tolerate unknown enum values).
    Annotations (title, description, default) are ignored. ``$ref`` into ``$defs`` is resolved.
    """
    comparison = _Comparison(old, new)
    comparison.compare(old, new, "$")
    return comparison.problems


@dataclass
class _Comparison:
    old_root: JsonSchema
    new_root: JsonSchema
    problems: list[str] = field(default_factory=list)
    # Node pairs already compared, holding the nodes so their ids cannot be reused meanwhile.
    _seen: dict[tuple[int, int], tuple[JsonSchema, JsonSchema]] = field(default_factory=dict)

    def compare(self, old: Any, new: Any, path: str) -> None:
        old_branches = _branches(old, self.old_root)
        new_branches = _branches(new, self.new_root)
        old_kinds = sorted({_kind(b) for b in old_branches})
        new_kinds = sorted({_kind(b) for b in new_branches})
        if old_kinds != new_kinds:
            self.problems.append(
                f"{path}: type changed from `{' | '.join(old_kinds)}` to `{' | '.join(new_kinds)}`"
            )
            return
        for kind in old_kinds:
            olds = _by_title([b for b in old_branches if _kind(b) == kind])
            news = _by_title([b for b in new_branches if _kind(b) == kind])
            if len(olds) != len(news):
                self.problems.append(f"{path}: number of `{kind}` alternatives changed")
                continue
            for old_branch, new_branch in zip(olds, news, strict=True):
                self._compare_branch(old_branch, new_branch, path)

    def _compare_branch(self, old: JsonSchema, new: JsonSchema, path: str) -> None:
        pair = (id(old), id(new))
        if pair in self._seen:  # recursive definitions: each pair of nodes once
            return
        self._seen[pair] = (old, new)
        for keyword in _CONSTRAINTS:
            if old.get(keyword) != new.get(keyword):
                self.problems.append(
                    f"{path}: constraint {keyword} changed from {old.get(keyword)!r} "
                    f"to {new.get(keyword)!r}"
                )
        known = _STRUCTURE | _ANNOTATIONS | set(_CONSTRAINTS)
        for keyword in sorted((old.keys() | new.keys()) - known):
            if old.get(keyword) != new.get(keyword):
                self.problems.append(f"{path}: keyword {keyword} changed (not analysed: breaking)")
        if "enum" in old:
            removed = [value for value in old["enum"] if value not in new["enum"]]
            if removed:
                values = ", ".join(json.dumps(value) for value in removed)
                self.problems.append(f"{path}: enum value(s) {values} removed")
        if _kind(old) == "object":
            self._compare_object(old, new, path)
        if _kind(old) == "array":
            self._compare_array(old, new, path)

    def _compare_object(self, old: JsonSchema, new: JsonSchema, path: str) -> None:
        old_props: dict[str, Any] = old.get("properties", {})
        new_props: dict[str, Any] = new.get("properties", {})
        old_required = set(old.get("required", ()))
        new_required = set(new.get("required", ()))
        for name in sorted(old_props.keys() - new_props.keys()):
            self.problems.append(f"{path}: property {name!r} removed")
        for name in sorted(new_props.keys() - old_props.keys()):
            if name in new_required:
                self.problems.append(f"{path}: new required property {name!r}")
        for name in sorted(old_props.keys() & new_props.keys()):
            if name in new_required and name not in old_required:
                self.problems.append(f"{path}: property {name!r} became required")
            self.compare(old_props[name], new_props[name], f"{path}.{name}")
        old_extra = old.get("additionalProperties", True)
        new_extra = new.get("additionalProperties", True)
        if isinstance(old_extra, dict) and isinstance(new_extra, dict):
            self.compare(old_extra, new_extra, f"{path}{{}}")
        elif old_extra != new_extra:
            self.problems.append(f"{path}: additionalProperties changed")

    def _compare_array(self, old: JsonSchema, new: JsonSchema, path: str) -> None:
        old_prefix: list[Any] = old.get("prefixItems", [])
        new_prefix: list[Any] = new.get("prefixItems", [])
        if len(old_prefix) != len(new_prefix):
            self.problems.append(
                f"{path}: tuple length changed from {len(old_prefix)} to {len(new_prefix)}"
            )
        for index, (old_item, new_item) in enumerate(zip(old_prefix, new_prefix, strict=False)):
            self.compare(old_item, new_item, f"{path}[{index}]")
        old_items, new_items = old.get("items", {}), new.get("items", {})
        if isinstance(old_items, dict) and isinstance(new_items, dict):
            self.compare(old_items, new_items, f"{path}[]")
        elif old_items != new_items:
            self.problems.append(f"{path}: items changed from {old_items!r} to {new_items!r}")


def _resolve(node: Any, root: JsonSchema) -> Any:
    followed: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in followed or not isinstance(ref, str) or not ref.startswith("#"):
            raise ValueError(f"cannot resolve $ref {ref!r}")
        followed.add(ref)
        node = root
        for part in filter(None, ref[1:].split("/")):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _branches(node: Any, root: JsonSchema) -> list[JsonSchema]:
    """The alternatives a node accepts, with ``$ref``s resolved and nested unions flattened."""
    node = _resolve(node, root)
    if node is True or node == {}:
        return [{}]
    for union in ("anyOf", "oneOf"):
        if union in node:
            return [branch for option in node[union] for branch in _branches(option, root)]
    if isinstance(node.get("type"), list):
        return [{**node, "type": single} for single in node["type"]]
    return [node]


def _kind(node: JsonSchema) -> str:
    """What sort of value a branch accepts, as compared across versions (``string (date)``...)."""
    if "enum" in node:
        return "enum"
    if "const" in node:
        return f"const {json.dumps(node['const'])}"
    kind = node.get("type", "any")
    return f"{kind} ({node['format']})" if "format" in node else str(kind)


def _by_title(branches: list[JsonSchema]) -> list[JsonSchema]:
    # Several object alternatives (tagged unions) pair up by their definition's title.
    return sorted(branches, key=lambda branch: str(branch.get("title", "")))


# --- comparison with the committed files ----------------------------------------------------------

DriftStatus = Literal["current", "regenerate", "bump", "bumped", "unwritten", "behind"]
_FILE_VERSION = re.compile(r"\.v(\d+)\.json")


@dataclass(frozen=True, slots=True)
class SchemaDrift:
    """How an event class's current schema stands against the committed schema files."""

    event_class: type
    status: DriftStatus
    changes: tuple[str, ...]
    message: str

    @property
    def allowed(self) -> bool:
        """Whether the code may ship as it is (a bump still needs its new file written)."""
        return self.status in {"current", "bumped"}


def committed_versions(directory: Path, event_type: str) -> dict[int, Path]:
    """Committed schema files of an event type, by version."""
    found: dict[int, Path] = {}
    for path in directory.glob(f"{event_type}.v*.json"):
        match = _FILE_VERSION.fullmatch(path.name[len(event_type) :])
        if match:
            found[int(match.group(1))] = path
    return found


def drift_of(cls: type, directory: Path) -> SchemaDrift:
    """Classify the current schema of ``cls`` against the files committed in ``directory``."""
    name, version, key = cls.__name__, schema_version_of(cls), schema_key(cls)
    schema = schema_of(cls)
    versions = committed_versions(directory, event_type_of(cls))
    if version in versions:
        committed = versions[version].read_text(encoding="utf-8")
        if committed == render(schema):
            return SchemaDrift(cls, "current", (), f"{key} is up to date")
        breaking = tuple(check_compatibility(json.loads(committed), schema))
        if breaking:
            return SchemaDrift(
                cls, "bump", breaking,
                f"{key} changed incompatibly; bump SCHEMA_VERSION of {name} to {version + 1} "
                "(and write its schema file): " + "; ".join(breaking),
            )  # fmt: skip
        return SchemaDrift(cls, "regenerate", (), f"{key} changed compatibly; {REGENERATE_HINT}")
    older = [v for v in versions if v < version]
    if older:
        previous = max(older)
        changes = tuple(
            check_compatibility(json.loads(versions[previous].read_text(encoding="utf-8")), schema)
        )
        summary = "; ".join(changes) if changes else "no breaking change (the bump was not needed)"
        return SchemaDrift(
            cls, "bumped", changes,
            f"{name} bumped from v{previous} to v{version}, which is what a bump is for "
            f"({summary}); write {key}.json: {REGENERATE_HINT}",
        )  # fmt: skip
    if versions:
        return SchemaDrift(
            cls, "behind", (),
            f"SCHEMA_VERSION of {name} is {version} but v{max(versions)} is committed",
        )  # fmt: skip
    return SchemaDrift(cls, "unwritten", (), f"no schema committed for {key}; {REGENERATE_HINT}")
