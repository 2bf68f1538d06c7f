"""The pipeline runner: stage functions wired to ports, one unit of work per batch."""
