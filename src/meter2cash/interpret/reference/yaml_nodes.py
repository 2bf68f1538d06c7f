"""A strict walk over a composed YAML document that knows the line and key path of every value.

The document is *composed* (not constructed) so that every scalar stays the text it was written as
— ``0393`` stays ``"0393"``, ``1.10`` is never a float, a date-time is parsed by us with its offset
— and so that every error can name its line. Unknown and duplicate keys are errors: in reference
data a typo'd key would otherwise silently become "not configured".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from typing import TypeVar

import yaml

from meter2cash.interpret.reference.model import ReferenceDataError
from meter2cash.interpret.reference.values import ValueProblem

V = TypeVar("V")
_NULL_TAG = "tag:yaml.org,2002:null"


class Node:
    """One YAML node with its source, line and key path (``supply_points[0].meters[1].serial``)."""

    def __init__(self, node: yaml.Node, source: str, path: str) -> None:
        self._node = node
        self.source = source
        self.path = path

    @classmethod
    def parse(cls, text: str, source: str) -> Node:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark is not None else "document"
            problem = getattr(exc, "problem", None) or str(exc)
            raise ReferenceDataError(source, where, f"not valid YAML: {problem}") from None
        if root is None:
            raise ReferenceDataError(source, "document", "the file is empty")
        return cls(root, source, "")

    @property
    def line(self) -> int:
        return int(self._node.start_mark.line) + 1

    def fail(self, reason: str) -> ReferenceDataError:
        where = f"line {self.line}" + (f", key {self.path}" if self.path else "")
        return ReferenceDataError(self.source, where, reason)

    @property
    def is_null(self) -> bool:
        return isinstance(self._node, yaml.ScalarNode) and self._node.tag == _NULL_TAG

    @property
    def is_sequence(self) -> bool:
        return isinstance(self._node, yaml.SequenceNode)

    def mapping(
        self, required: AbstractSet[str], optional: AbstractSet[str] = frozenset()
    ) -> dict[str, Node]:
        """The mapping's values by key; refuses missing, unknown and duplicate keys."""
        if not isinstance(self._node, yaml.MappingNode):
            raise self.fail("expected a mapping of keys to values")
        found: dict[str, Node] = {}
        for key_node, value_node in self._node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            key_path = f"{self.path}.{key}" if self.path else str(key)
            if not isinstance(key, str):
                raise Node(key_node, self.source, self.path).fail("keys must be plain text")
            if key in found:
                raise Node(key_node, self.source, key_path).fail(f"key {key!r} appears twice")
            if key not in required | optional:
                allowed = ", ".join(sorted(required | optional))
                raise Node(key_node, self.source, key_path).fail(
                    f"unknown key {key!r} (allowed: {allowed})"
                )
            found[key] = Node(value_node, self.source, key_path)
        missing = sorted(required - found.keys())
        if missing:
            raise self.fail(f"missing required key(s): {', '.join(missing)}")
        return found

    def items(self) -> Iterator[Node]:
        if not isinstance(self._node, yaml.SequenceNode):
            raise self.fail("expected a list")
        for index, item in enumerate(self._node.value):
            yield Node(item, self.source, f"{self.path}[{index}]")

    def text(self) -> str:
        if not isinstance(self._node, yaml.ScalarNode) or self.is_null:
            raise self.fail("expected a value")
        value = str(self._node.value)
        if not value.strip():
            raise self.fail("must not be empty")
        return value.strip()

    def value(self, parse: Callable[[str], V]) -> V:
        """The node's text parsed by ``parse``; a :class:`ValueProblem` becomes a located error."""
        text = self.text()
        try:
            return parse(text)
        except ValueProblem as exc:
            raise self.fail(str(exc)) from None


def optional(nodes: dict[str, Node], key: str, parse: Callable[[str], V]) -> V | None:
    """``parse`` of ``nodes[key]``; ``None`` when the key is absent or null."""
    node = nodes.get(key)
    return None if node is None or node.is_null else node.value(parse)
