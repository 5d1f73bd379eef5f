"""One version number, written once in python/modelexport/version.py: pyproject.toml and
CMakeLists.txt read it from there, and no other file of the build spells it."""

from __future__ import annotations

import re
import tomllib

from fixture_catalog import REPO_ROOT

VERSION_FILE = REPO_ROOT / "python" / "modelexport" / "version.py"


def test_pyproject_reads_the_version_file():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    (provider,) = (e for e in pyproject["tool"]["dynamic-metadata"] if e["field"] == "version")
    assert provider["provider"] == "scikit_build_core.metadata.regex"
    assert REPO_ROOT / provider["input"] == VERSION_FILE


def test_cmake_reads_the_version_file():
    cmake = (REPO_ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    assert "python/modelexport/version.py" in cmake
    assert re.search(r"project\(modelexport VERSION \$\{MODELEXPORT_VERSION\}", cmake)


def test_the_build_has_the_version_of_the_file():
    import modelexport

    version = re.search(r'__version__ = "([^"]+)"', VERSION_FILE.read_text(encoding="utf-8"))
    assert version is not None
    assert modelexport.__version__ == version[1]
    header = (REPO_ROOT / "build" / "include" / "modelexport" / "version.h").read_text()
    assert f'kVersion[] = "{version[1]}"' in header
