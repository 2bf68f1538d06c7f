"""Rule parameters as effective-dated DATA per market (``parameters.yaml``).

Oracle MDM effective-dates its VEE parameters (e.g. a spike tolerance of 1.2 before a date and 1.5
after) so that historical data is re-validated with the values in force *for that data's date*
(market-rules.md §2.4 [V ORCL]). Here every parameter value is looked up by (market, rule, name,
day): the latest entry of the market dated on or before the day wins; without one, the ``DEFAULT``
market's. ``DEFAULT`` must give every parameter the catalogue declares, from its first entry, so a
missing value is a load-time error, never a silent fallback. ``severity`` may be overridden the
same way for any rule.

:meth:`ParameterTable.column` answers for a whole batch at once (a search per distinct market), so
rules read per-row parameter arrays and never branch per row in Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import yaml

from meter2cash.domain.errors import DomainError
from meter2cash.domain.validation import Severity
from meter2cash.interpret.vee.arrays import BoolArray, ObjectArray, object_array
from meter2cash.interpret.vee.catalogue import RULES, Rule

DEFAULT_MARKET = "DEFAULT"
SEVERITY = "severity"

#: A parameter value: a number, or a list of words (e.g. the directions a rule applies to).
Value: TypeAlias = float | tuple[str, ...] | Severity


class ParameterError(DomainError):
    """The parameter data is malformed or does not cover what a rule needs."""


@dataclass(frozen=True, slots=True)
class _Series:
    """One parameter's effective-dated values in one market, sorted by date."""

    starts: npt.NDArray[np.datetime64]
    values: tuple[Value, ...]
    labels: tuple[str, ...]

    @property
    def array(self) -> npt.NDArray[Any]:
        if all(isinstance(v, float) for v in self.values):
            return np.array(self.values, dtype=np.float64)
        return object_array(self.values)

    def index_at(self, days: npt.NDArray[np.datetime64]) -> npt.NDArray[np.int64]:
        return (np.searchsorted(self.starts, days, side="right") - 1).astype(np.int64)


class ParameterTable:
    """Every rule parameter, per market and effective date (see the module docstring)."""

    def __init__(self, series: Mapping[tuple[str, str, str], _Series], where: str) -> None:
        self._series = MappingProxyType(dict(series))
        self.where = where
        self.markets = frozenset(key[0] for key in series)
        self._labels: dict[tuple[str, str, str, date], str] = {}  # few (market, day) per batch

    def value(self, rule: Rule | str, name: str, market: str, on: date) -> Value:
        """The value in force for ``market`` on ``on`` (the ``params_at`` of one channel-day)."""
        code = _code(rule)
        days = np.array([np.datetime64(on, "D")])
        column = self.column(code, name, np.array([market], dtype=object), days)
        value = column[0]
        return float(value) if isinstance(value, np.floating) else value

    def at(self, market: str, on: date) -> Mapping[str, Mapping[str, Value]]:
        """All rules' parameters (and severities) in force for ``market`` on ``on``."""
        return MappingProxyType(
            {
                code: MappingProxyType(
                    {name: self.value(code, name, market, on) for name in (*r.parameters, SEVERITY)}
                )
                for code, r in RULES.items()
            }
        )

    def label(self, rule: Rule | str, name: str, market: str, on: date) -> str:
        """Which entry a value came from, e.g. ``GB@2025-01-01`` (for a finding's lineage)."""
        key = (_code(rule), name, market, on)
        label = self._labels.get(key)
        if label is None:
            series, index = self._find(key[0], name, market, np.datetime64(on, "D"))
            label = series.labels[index] if series is not None else f"{key[0]}:code"
            self._labels[key] = label
        return label

    def column(
        self,
        rule: Rule | str,
        name: str,
        markets: ObjectArray,
        days: npt.NDArray[np.datetime64],
    ) -> npt.NDArray[Any]:
        """The value in force per row: float64 for numbers, object for lists and severities."""
        code = _code(rule)
        default = self._series.get((DEFAULT_MARKET, code, name))
        if default is None and name != SEVERITY:
            raise ParameterError(f"{self.where}: no value for {code}.{name}")
        numeric = default is not None and isinstance(default.values[0], float)
        out: npt.NDArray[Any] = np.empty(len(days), dtype=np.float64 if numeric else object)
        distinct = set(markets.tolist())
        if len(distinct) == 1:  # the usual batch: one market, no masking
            out[:] = self._values(code, name, str(distinct.pop()), days)
            return out
        for market in distinct:
            rows = np.flatnonzero(markets == market)
            out[rows] = self._values(code, name, str(market), days[rows])
        return out

    def is_error(
        self, rule: Rule, markets: ObjectArray, days: npt.NDArray[np.datetime64]
    ) -> BoolArray:
        """Per row: does the rule's severity in force make a finding an ERROR?"""
        if not any(key[1] == rule.code and key[2] == SEVERITY for key in self._series):
            return np.full(len(days), rule.severity is Severity.ERROR)
        severities = self.column(rule, SEVERITY, markets, days)
        return np.array([s is Severity.ERROR for s in severities.tolist()], dtype=bool)

    def _values(
        self, code: str, name: str, market: str, days: npt.NDArray[np.datetime64]
    ) -> npt.NDArray[Any]:
        """Vectorised: one search per series, the market's own entries first, then DEFAULT's."""
        default = self._series.get((DEFAULT_MARKET, code, name))
        numeric = default is not None and default.array.dtype == np.float64
        result: npt.NDArray[Any] = np.empty(len(days), dtype=np.float64 if numeric else object)
        filled = np.zeros(len(days), dtype=bool)
        for series in (self._series.get((market, code, name)), default):
            if series is None:
                continue
            index = series.index_at(days)
            take = ~filled & (index >= 0)
            result[take] = series.array[index[take]]
            filled |= take
        if not filled.all():
            if name != SEVERITY:
                first = days[~filled][0]
                raise ParameterError(f"{self.where}: no {code}.{name} in force on {first}")
            result[~filled] = RULES[code].severity
        return result

    def _find(
        self, code: str, name: str, market: str, day: np.datetime64
    ) -> tuple[_Series | None, int]:
        for key in ((market, code, name), (DEFAULT_MARKET, code, name)):
            series = self._series.get(key)
            if series is not None:
                index = int(series.index_at(np.array([day]))[0])
                if index >= 0:
                    return series, index
        return None, -1


def _code(rule: Rule | str) -> str:
    code = rule.code if isinstance(rule, Rule) else rule
    if code not in RULES:
        raise ParameterError(f"unknown rule {code!r}")
    return code


@lru_cache(maxsize=1)
def shipped_parameters() -> ParameterTable:
    """The shipped table, loaded once."""
    return load_parameters()


def load_parameters(path: Path | None = None) -> ParameterTable:
    """The table from ``path``, or from the shipped ``parameters.yaml``."""
    if path is None:
        text = resources.files(__package__).joinpath("parameters.yaml").read_text("utf-8")
        return parameters_from_text(text, "parameters.yaml (shipped)")
    return parameters_from_text(Path(path).read_text("utf-8"), str(path))


def parameters_from_text(text: str, where: str = "<text>") -> ParameterTable:
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{where}: not valid YAML: {exc}") from exc
    markets = document.get("markets") if isinstance(document, dict) else None
    if not isinstance(markets, dict) or DEFAULT_MARKET not in markets:
        raise ParameterError(f"{where}: expected `markets:` with a `{DEFAULT_MARKET}` entry")
    collected: dict[tuple[str, str, str], list[tuple[date, Value, str]]] = {}
    for market, entries in markets.items():
        for entry in _entries(str(market), entries, where):
            start, rules = entry
            for code, values in rules.items():
                for name, raw in values.items():
                    value = _value(str(market), code, name, raw, where)
                    label = f"{market}@{start.isoformat()}"
                    collected.setdefault((str(market), code, name), []).append(
                        (start, value, label)
                    )
    _check_complete(collected, where)
    series = {
        key: _series(sorted(items, key=lambda item: item[0]), key, where)
        for key, items in collected.items()
    }
    return ParameterTable(series, where)


def _entries(market: str, entries: Any, where: str) -> list[tuple[date, dict[str, dict[str, Any]]]]:
    if not isinstance(entries, list) or not entries:
        raise ParameterError(f"{where}: market {market}: expected a list of dated entries")
    out = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("from"), date):
            raise ParameterError(f"{where}: market {market}: each entry needs `from: YYYY-MM-DD`")
        unknown = set(entry) - {"from", "rules", "note"}
        rules = entry.get("rules") or {}
        if unknown or not isinstance(rules, dict):
            raise ParameterError(f"{where}: market {market}: unknown keys {sorted(unknown)}")
        for code, values in rules.items():
            if code not in RULES or not isinstance(values, dict):
                raise ParameterError(f"{where}: market {market}: unknown rule {code!r}")
        out.append((entry["from"], rules))
    return out


def _value(market: str, code: str, name: str, raw: Any, where: str) -> Value:
    context = f"{where}: {market} {code}.{name}"
    if name == SEVERITY:
        try:
            return Severity(str(raw))
        except ValueError:
            raise ParameterError(f"{context}: severity is `error` or `warning`") from None
    if name not in RULES[code].parameters:
        raise ParameterError(f"{context}: {code} has no parameter {name!r}")
    if isinstance(raw, bool):
        raise ParameterError(f"{context}: expected a number or a list of words")
    if isinstance(raw, int | float):
        return float(raw)
    if isinstance(raw, list) and all(isinstance(word, str) for word in raw):
        return tuple(raw)
    raise ParameterError(f"{context}: expected a number or a list of words, got {raw!r}")


def _check_complete(collected: Mapping[tuple[str, str, str], Sequence[Any]], where: str) -> None:
    missing = [
        f"{code}.{name}"
        for code, rule in RULES.items()
        for name in rule.parameters
        if (DEFAULT_MARKET, code, name) not in collected
    ]
    if missing:
        raise ParameterError(f"{where}: {DEFAULT_MARKET} lacks {', '.join(missing)}")
    for (market, code, name), items in collected.items():
        if market == DEFAULT_MARKET or name == SEVERITY:
            continue
        kind = type(collected[(DEFAULT_MARKET, code, name)][0][1])
        if any(type(item[1]) is not kind for item in items):
            raise ParameterError(f"{where}: {market} {code}.{name} has another type than DEFAULT")


def _series(items: list[tuple[date, Value, str]], key: tuple[str, str, str], where: str) -> _Series:
    starts = [start for start, _, _ in items]
    if len(set(starts)) != len(starts):
        raise ParameterError(f"{where}: {key[0]} {key[1]}.{key[2]} is dated twice on one day")
    return _Series(
        starts=np.array(starts, dtype="datetime64[D]"),
        values=tuple(value for _, value, _ in items),
        labels=tuple(label for _, _, label in items),
    )
