"""Reference data loaders: YAML/CSV files -> supply points, configuration timelines and GB MDD.

Owns: the documented reference-data formats (README.md) and Elexon's MDD CSV layout. Does not own:
the domain types they produce (``meter2cash.domain``) or where loaded versions are stored.
"""

from meter2cash.interpret.reference.configuration_csv import load_reference_csv, parse_reference_csv
from meter2cash.interpret.reference.configuration_yaml import (
    load_reference_yaml,
    parse_reference_yaml,
)
from meter2cash.interpret.reference.mdd_csv import load_mdd_directory, parse_tables
from meter2cash.interpret.reference.model import (
    ReferenceData,
    ReferenceDataError,
    SupplyPointReference,
)

__all__ = [
    "ReferenceData",
    "ReferenceDataError",
    "SupplyPointReference",
    "load_mdd_directory",
    "load_reference_csv",
    "load_reference_yaml",
    "parse_reference_csv",
    "parse_reference_yaml",
    "parse_tables",
]
