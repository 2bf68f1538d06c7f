"""Load a flat tariff from a YAML file.

Every scalar is read as text (YAML's base loader) and converted to ``Decimal`` here, so a rate written
as ``27.3`` never passes through a binary float on its way to a bill.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from meter2cash.domain.billing import FlatTariff
from meter2cash.domain.errors import ConfigurationError
from meter2cash.domain.money import minor_exponent

_REQUIRED = (
    "tariff_id",
    "version",
    "market",
    "currency",
    "standing_charge_minor_per_day",
    "unit_rate_minor_per_kwh",
    "tax",
)


def _decimal(raw: Any, field: str, where: Path) -> Decimal:
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ConfigurationError(f"{where}: {field} must be a number, got {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise ConfigurationError(f"{where}: {field} must be a non-negative number, got {raw!r}")
    return value


def load_flat_tariff(path: Path) -> FlatTariff:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except OSError as exc:
        raise ConfigurationError(f"cannot read tariff file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path}: a tariff file is a mapping of fields")
    missing = [f for f in _REQUIRED if f not in data]
    if missing:
        raise ConfigurationError(f"{path}: missing field(s): {', '.join(missing)}")
    tax = data["tax"]
    if not isinstance(tax, dict) or "name" not in tax or "rate" not in tax:
        raise ConfigurationError(f"{path}: tax needs a name and a rate (a fraction, e.g. 0.05)")
    currency = str(data["currency"]).upper()
    try:
        minor_exponent(currency)
        version = int(data["version"])
    except ValueError as exc:
        raise ConfigurationError(f"{path}: {exc}") from None
    tax_rate = _decimal(tax["rate"], "tax.rate", path)
    if tax_rate >= 1:
        raise ConfigurationError(f"{path}: tax.rate is a fraction (0.05 for 5%), got {tax['rate']}")
    return FlatTariff(
        tariff_id=str(data["tariff_id"]),
        version=version,
        market=str(data["market"]).upper(),
        currency=currency,
        standing_charge_minor_per_day=_decimal(
            data["standing_charge_minor_per_day"], "standing_charge_minor_per_day", path
        ),
        unit_rate_minor_per_kwh=_decimal(
            data["unit_rate_minor_per_kwh"], "unit_rate_minor_per_kwh", path
        ),
        tax_name=str(tax["name"]),
        tax_rate=tax_rate,
    )


def load_tariffs(directory: Path) -> dict[str, FlatTariff]:
    """Every ``*.yaml`` tariff in ``directory``, keyed by market (one flat tariff per market for now)."""
    if not directory.is_dir():
        raise ConfigurationError(f"tariff directory {directory} does not exist")
    tariffs: dict[str, FlatTariff] = {}
    for path in sorted(directory.glob("*.yaml")):
        tariff = load_flat_tariff(path)
        if tariff.market in tariffs:
            raise ConfigurationError(f"{path}: a second tariff for market {tariff.market}")
        tariffs[tariff.market] = tariff
    return tariffs
