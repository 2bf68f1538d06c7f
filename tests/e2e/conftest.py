"""Run the real ``meter2cash`` command in a subprocess, as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "demo"
TARIFFS = REPO / "examples" / "tariffs"


@dataclass
class Cli:
    env: dict[str, str]
    cwd: Path

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "meter2cash", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"meter2cash {' '.join(args)} failed:\n{result.stderr}")
        return result

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json").stdout)


def make_cli(tmp_path: Path, database_url: str | None = None) -> Cli:
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2C_")}
    env.update(
        M2C_DATA_DIR=str(tmp_path / "data"), M2C_INPUT_DIR=str(DEMO), M2C_TARIFFS_DIR=str(TARIFFS)
    )
    if database_url:
        env["M2C_DATABASE_URL"] = database_url
    return Cli(env, tmp_path)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return make_cli(tmp_path)
