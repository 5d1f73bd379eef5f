"""`pip install .` as a user gets it: the wheel, installed into a fresh virtual environment
(no system site-packages), gives the `modelexport` command, the `_native` bindings and the native
tools, which answer byte for byte as the development build does.

The wheel is built from build/ with the development build's settings (tests on), so nothing is
recompiled: CI checks what the wheel holds and that it works, in seconds. A wheel from scratch
(`pip install .`) builds in a temporary folder without the GoogleTest suite. The wheel goes in
without its dependencies: those of the commands tested come pinned from constraints.txt, the
exporter's (torch, transformers, onnxscript) stay out, as these commands do not import them."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from fixture_catalog import REPO_ROOT

BUILD_DIR = REPO_ROOT / "build"
# What the command line imports besides the package (onnxruntime is installed on its own).
COMMAND_DEPENDENCIES = ["rich", "typer"]
TEXT = "A man is eating food."


def run(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, check=False, **kwargs
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    result = run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        REPO_ROOT,
        "--no-build-isolation",
        "--no-deps",
        "--disable-pip-version-check",
        "-w",
        dist,
        f"-Cbuild-dir={BUILD_DIR}",
        "-Ccmake.define.MODELEXPORT_BUILD_TESTS=ON",
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = dist.glob("modelexport-*.whl")
    return wheel


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    # Without pip of its own (seconds saved): this environment's pip installs into it.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q"]
    constraints = REPO_ROOT / "constraints.txt"
    # onnxruntime without its own dependencies: the package only loads its library file.
    for args in (COMMAND_DEPENDENCIES, ["--no-deps", "onnxruntime", wheel]):
        result = run(*pip, "--disable-pip-version-check", "-c", constraints, *args)
        assert result.returncode == 0, result.stdout + result.stderr
    return venv


def test_wheel_holds_the_python_package_only(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for tool in ("modelexport-run", "modelexport-inspect", "modelexport-tokenize"):
        assert f"modelexport/bin/{tool}" in names
    assert any(n.startswith("modelexport/_native.") and n.endswith(".so") for n in names)
    assert not [n for n in names if n.endswith((".a", ".h", ".cmake")) or "modelexport_tests" in n]
    # A wheel built with the project's own settings leaves the GoogleTest suite out.
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["tool"]["scikit-build"]["cmake"]["define"]["MODELEXPORT_BUILD_TESTS"] == "OFF"


def test_installed_package_imports_from_the_venv(venv, tmp_path):
    code = (
        "import importlib.metadata, modelexport, modelexport._native as n;"
        "print(n.__file__); print(modelexport.__version__);"
        "print(importlib.metadata.version('modelexport'))"
    )
    result = run(venv / "bin" / "python", "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    native, version, dist_version = result.stdout.split()
    assert Path(native).is_relative_to(venv)
    import modelexport

    assert version == dist_version == modelexport.__version__

    result = run(venv / "bin" / "modelexport", "--help", env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "export" in result.stdout


def test_installed_commands_answer_as_the_build_does(venv, export_cache):
    package = export_cache.get("minilm", "fixed").output_dir
    bin_dir = venv / "bin"
    cases = [
        ("modelexport-run", [package, TEXT, "--sentence-embedding"], None),
        ("modelexport-inspect", [package, "--json"], None),
        ("modelexport-tokenize", [package / "tokenizer.json"], f"{TEXT}\nHello world\n"),
    ]
    for tool, args, stdin in cases:
        ours = run(bin_dir / tool, *args, input=stdin)
        theirs = run(BUILD_DIR / tool, *args, input=stdin)
        assert ours.returncode == theirs.returncode == 0, (tool, ours.stderr)
        assert ours.stdout == theirs.stdout, tool
    # The Python command goes through the wheel's _native: the same run command, the same bytes.
    python_run = run(bin_dir / "modelexport", "run", package, TEXT, "--sentence-embedding")
    assert python_run.returncode == 0, python_run.stderr
    assert python_run.stdout == run(BUILD_DIR / "modelexport-run", *cases[0][1]).stdout
