"""Shared pytest fixtures: the generated model fixtures and a session-wide export cache, so the
export matrix and the Optimum check share one export per (fixture, shape mode)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fixture_catalog import ALL_FIXTURES, REPO_ROOT, fixture_path, fixtures_dir, is_built

MODELEXPORT = REPO_ROOT / ".venv" / "bin" / "modelexport"
REPORTS_DIR = REPO_ROOT / "build" / "reports"


@pytest.fixture(scope="session", autouse=True)
def built_fixtures() -> Path:
    """Builds the fixture models when missing (scripts/test.sh builds them beforehand)."""
    if not all(is_built(name) for name, *_ in ALL_FIXTURES):
        subprocess.run(
            [sys.executable, str(REPO_ROOT / "scripts" / "make_fixtures.py")], check=True
        )
    return fixtures_dir()


class ExportCache:
    """Exports each (fixture, mode) once per session; records rows for the results table."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.reports: dict[tuple[str, str], object] = {}

    def get(self, name: str, mode: str) -> object:
        key = (name, mode)
        if key not in self.reports:
            from modelexport.export.exporter import export_with_config

            # Modes: "fixed" and "dynamic" shapes (tagged), "clean" (fixed, --clean-onnx),
            # "torchscript" (fixed, tagged, TorchScript exporter instead of dynamo).
            self.reports[key] = export_with_config(
                fixture_path(name),
                self.root / mode / name,
                dynamic=mode == "dynamic",
                hierarchy=mode != "clean",
                exporter="torchscript" if mode == "torchscript" else "auto",
            )
        return self.reports[key]


@pytest.fixture(scope="session")
def export_cache(tmp_path_factory: pytest.TempPathFactory) -> ExportCache:
    return ExportCache(tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="session")
def report_rows() -> dict[str, dict]:
    """Rows for build/reports/*.json, written at the end of the session."""
    rows: dict[str, dict] = {}
    yield rows
    if rows:
        REPORTS_DIR.mkdir(parents=True, exist_ok=True)
        (REPORTS_DIR / "export_matrix.json").write_text(json.dumps(rows, indent=2) + "\n")


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(MODELEXPORT), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess]:
    return run_cli
