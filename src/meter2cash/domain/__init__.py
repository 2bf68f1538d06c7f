"""The canonical, market-neutral model. Standard library only (an import-linter contract keeps it so)."""
