"""synth stays light: the domain and the codec only, no database, broker, CLI or pipeline stage."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "sqlalchemy",
    "psycopg",
    "typer",
    "meter2cash.adapters",
    "meter2cash.service",
    "meter2cash.entrypoints",
    "meter2cash.ingest",
)

_PROBE = """
import sys, tempfile, pathlib, datetime
from meter2cash.synth import generate
with tempfile.TemporaryDirectory() as folder:
    for fmt in ("nem12", "m2c-jsonl"):
        generate(pathlib.Path(folder) / fmt, supply_points=1, days=1,
                 start_on=datetime.date(2024, 1, 1), seed=1, fmt=fmt, defects={"gaps": 0.5})
print("\\n".join(sorted(sys.modules)))
"""


def test_generating_imports_no_driver_cli_or_pipeline_stage() -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True
    ).stdout.split()
    assert "meter2cash.synth.run" in loaded
    offending = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert offending == []
