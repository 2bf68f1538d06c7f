"""Atom link hrefs: normalised, indexed, and matched the way real feeds need.

ESPI resources point at each other through ``link rel="self|up|related"`` hrefs. Feeds mix absolute
(``https://host/DataCustodian/espi/1_1/resource/ReadingType/07``) and relative (``ReadingType/07``)
forms without an ``xml:base``, so an href is compared by its path alone (scheme, host, query and
fragment dropped; no leading or trailing slash); when no path is equal, a path that is a whole-
segment suffix of the other matches, but only if exactly one resource does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")


def normalised(href: str) -> str:
    text = href.strip()
    if "//" in text or "?" in text or "#" in text:
        text = urlsplit(text).path
    return text.strip("/")


def parent(path: str, collection: str) -> str | None:
    """``a/MeterReading/01/IntervalBlock/7`` -> ``a/MeterReading/01`` for collection IntervalBlock
    (the ESPI REST layout ``.../{parent}/{Collection}/{id}``), else None."""
    head, sep, tail = path.rpartition(f"/{collection}/")
    return head if sep and tail and "/" not in tail else None


def collection_owner(path: str, collection: str) -> str | None:
    """``a/MeterReading/01/IntervalBlock`` -> ``a/MeterReading/01``: the owner of a collection href."""
    head, sep, tail = path.rpartition(f"/{collection}")
    return head if sep and not tail else None


def tail_of(path: str) -> str:
    return path.rpartition("/")[2]


class HrefIndex(Generic[T]):
    """Items by normalised href, found exactly or by an unambiguous whole-segment suffix."""

    def __init__(self) -> None:
        self._exact: dict[str, list[T]] = {}
        self._by_tail: dict[str, list[tuple[str, T]]] = {}

    def add(self, href: str, item: T) -> None:
        if not href:
            return
        self._exact.setdefault(href, []).append(item)
        self._by_tail.setdefault(_last_two(href), []).append((href, item))

    def find(self, href: str | None) -> T | None:
        if not href:
            return None
        exact = self._exact.get(href)
        if exact is not None:
            return _only(exact)
        return _only(
            item
            for known, item in self._by_tail.get(_last_two(href), ())
            if known.endswith("/" + href) or href.endswith("/" + known)
        )


def _last_two(path: str) -> str:
    return "/".join(path.rsplit("/", 2)[-2:])


def _only(items: Iterable[T]) -> T | None:
    found: list[T] = []
    for item in items:
        if not any(item is other for other in found):
            found.append(item)
    return found[0] if len(found) == 1 else None
