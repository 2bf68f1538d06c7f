"""`python -m meter2cash` runs the CLI."""

from meter2cash.entrypoints.cli import main

main()
