"""Shared pytest fixtures: the generated model fixtures and a run-wide export cache, so the
export matrix and the Optimum check share one export per (fixture, shape mode). Under
pytest-xdist (scripts/test.sh runs two workers) the cache is shared by the workers: the first to
ask for an export makes it under a file lock, the others load its report."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

from fixture_catalog import ALL_FIXTURES, REPO_ROOT, fixture_path, fixtures_dir, is_built

MODELEXPORT = REPO_ROOT / ".venv" / "bin" / "modelexport"
REPORTS_DIR = REPO_ROOT / "build" / "reports"


@pytest.fixture(scope="session", autouse=True)
def built_fixtures() -> Path:
    """Builds the fixture models when missing (scripts/test.sh builds them beforehand)."""
    lock = REPO_ROOT / ".cache" / "fixtures.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock)):  # one builder when xdist workers start together
        if not all(is_built(name) for name, *_ in ALL_FIXTURES):
            subprocess.run(
                [sys.executable, str(REPO_ROOT / "scripts" / "make_fixtures.py")], check=True
            )
    return fixtures_dir()


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole run: the workers' common parent under xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


class ExportCache:
    """Exports each (fixture, mode) once per run, whichever worker asks first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.reports: dict[tuple[str, str], object] = {}

    def get(self, name: str, mode: str) -> object:
        key = (name, mode)
        if key not in self.reports:
            saved = self.root / mode / f"{name}.report.pickle"
            saved.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(str(saved) + ".lock"):
                if saved.is_file():
                    self.reports[key] = pickle.loads(saved.read_bytes())
                else:
                    self.reports[key] = self._export(name, mode)
                    saved.write_bytes(pickle.dumps(self.reports[key]))
        return self.reports[key]

    def _export(self, name: str, mode: str) -> object:
        from modelexport.export.exporter import export_with_config

        # Modes: "fixed" and "dynamic" shapes (tagged), "clean" (fixed, --clean-onnx),
        # "torchscript" (fixed, tagged, TorchScript exporter instead of dynamo).
        return export_with_config(
            fixture_path(name),
            self.root / mode / name,
            dynamic=mode == "dynamic",
            hierarchy=mode != "clean",
            exporter="torchscript" if mode == "torchscript" else "auto",
        )


@pytest.fixture(scope="session")
def export_cache(tmp_path_factory: pytest.TempPathFactory) -> ExportCache:
    root = run_root(tmp_path_factory) / "exports"
    root.mkdir(exist_ok=True)
    return ExportCache(root)


def pytest_sessionstart(session: pytest.Session) -> None:
    # The report of the previous run goes (the workers of this one merge theirs into a new one).
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        (REPORTS_DIR / "export_matrix.json").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def report_rows() -> dict[str, dict]:
    """Rows for build/reports/export_matrix.json, merged into it at the end of each worker."""
    rows: dict[str, dict] = {}
    yield rows
    if rows:
        REPORTS_DIR.mkdir(parents=True, exist_ok=True)
        path = REPORTS_DIR / "export_matrix.json"
        with FileLock(str(path) + ".lock"):
            merged = json.loads(path.read_text()) if path.is_file() else {}
            for key, row in rows.items():
                merged.setdefault(key, {}).update(row)
            path.write_text(json.dumps(merged, indent=2, sort_keys=True) + "\n")


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
