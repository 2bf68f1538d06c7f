"""The ``meter2cash`` command line."""

from meter2cash.entrypoints.cli.app import main

__all__ = ["main"]
