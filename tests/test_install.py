"""The C++ SDK as a separate project uses it: `cmake --install build --prefix P` (headers, static
libraries, ONNX Runtime, CMake package), then tests/cpp_consumer configured with nothing but
-DCMAKE_PREFIX_PATH=P, built and run on the MiniLM package: its sentence embedding is the Python
pipeline's."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from fixture_catalog import REPO_ROOT

BUILD_DIR = REPO_ROOT / "build"
TEXT = "A man is eating food."


@pytest.fixture(scope="module")
def prefix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    prefix = tmp_path_factory.mktemp("prefix")
    subprocess.run(
        ["cmake", "--install", str(BUILD_DIR), "--prefix", str(prefix)],
        check=True,
        capture_output=True,
    )
    return prefix


def test_install_holds_the_sdk_and_nothing_of_the_wheel(prefix):
    assert (prefix / "include" / "modelexport" / "pipeline.h").is_file()
    assert (prefix / "include" / "modelexport" / "version.h").is_file()
    assert (prefix / "lib" / "cmake" / "modelexport" / "modelexportConfig.cmake").is_file()
    assert (prefix / "lib" / "libonnxruntime.so.1").is_file()
    assert {p.name for p in (prefix / "lib").glob("*.a")} >= {
        "libmodelexport_core.a",
        "libmodelexport_runtime.a",
    }
    # The Python component (extension module, tools) goes only into the wheel.
    assert not (prefix / "modelexport").exists()


def test_cpp_consumer_embeds_like_python(prefix, export_cache, tmp_path):
    import modelexport

    build = tmp_path / "consumer"
    subprocess.run(
        [
            "cmake",
            "-S",
            str(REPO_ROOT / "tests" / "cpp_consumer"),
            "-B",
            str(build),
            "-G",
            "Ninja",
            f"-DCMAKE_PREFIX_PATH={prefix}",
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(["cmake", "--build", str(build)], check=True, capture_output=True)

    package = export_cache.get("minilm", "fixed").output_dir
    result = subprocess.run(
        [str(build / "embed"), str(package), TEXT],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    version, *values = result.stdout.split()
    assert version == modelexport.__version__
    ours = np.array([float(v) for v in values], dtype=np.float32)
    theirs = modelexport.pipeline(model=str(package)).sentence_embeddings([TEXT])[0]
    assert ours.shape == theirs.shape == (384,)
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5)
