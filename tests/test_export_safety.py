"""Exports never destroy data: OUTPUT_DIR is checked again, atomically, when the package is
renamed into place; --force never touches the source; symbolic links, modes and leftovers of
killed exports are handled; `extract` writes standalone models and never overwrites the
package. (The interrupt cases are in test_cli_errors.py.)"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from fixture_catalog import fixture_path
from modelexport.errors import ModelExportError
from modelexport.export import exporter


@pytest.fixture
def source(tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    shutil.copytree(fixture_path("bert-text-classification"), copy)
    return copy


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize("where", ["same", "parent", "inside"])
def test_force_never_touches_the_source(cli, source, where):
    out = {"same": source, "parent": source.parent, "inside": source / "out"}[where]
    before = files_of(source)
    result = cli("export", str(source), str(out), "--force", "--no-validate")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "overlaps the source model folder" in result.stderr
    assert files_of(source) == before


def test_rename_refuses_a_folder_filled_during_the_export(tmp_path):
    out = tmp_path / "out"
    out.mkdir()  # empty when the export started
    staging = exporter._make_staging_dir(out)
    (staging / "model.onnx").write_text("new")
    (out / "theirs.txt").write_text("written meanwhile")
    with pytest.raises(ModelExportError, match="written there during the export"):
        exporter._move_into_place(staging, out, force=False)
    assert (out / "theirs.txt").read_text() == "written meanwhile"
    # an empty folder is replaced atomically
    (out / "theirs.txt").unlink()
    exporter._move_into_place(staging, out, force=False)
    assert (out / "model.onnx").read_text() == "new"


def test_concurrent_exports_into_one_folder_fail_cleanly(tmp_path):
    out = tmp_path / "out"
    first, second = exporter._make_staging_dir(out), exporter._make_staging_dir(out)
    (first / "model.onnx").write_text("first")
    (second / "model.onnx").write_text("second")
    exporter._move_into_place(first, out, force=False)
    with pytest.raises(ModelExportError, match="another export"):
        exporter._move_into_place(second, out, force=False)
    assert (out / "model.onnx").read_text() == "first"


def test_force_onto_a_link_modes_and_stale_leftovers(cli, source, tmp_path):
    target = tmp_path / "real-out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    link = tmp_path / "out"
    link.symlink_to(target)
    # Leftovers of an export that was killed: a process that no longer exists.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".real-out.partial-{dead.pid}-abcdefgh"
    stale.mkdir()
    (stale / "model.onnx").write_text("half")
    alive = tmp_path / f".real-out.partial-{os.getpid()}-abcdefgh"
    alive.mkdir()  # a running export's folder is not touched

    old_umask = os.umask(0o022)
    try:
        result = cli("export", str(source), str(link), "--force", "--no-validate")
    finally:
        os.umask(old_umask)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert (target / "model.onnx").is_file() and not (target / "old.txt").exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    assert stat.S_IMODE((target / "model.onnx").stat().st_mode) == 0o644
    leftovers = sorted(p.name for p in tmp_path.glob(".*"))
    assert leftovers == [alive.name], leftovers


def test_extract_writes_a_standalone_model_from_external_weights(cli, export_cache, tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(export_cache.get("bert-feature-extraction", "fixed").output_dir, package)
    model = onnx.load(str(package / "model.onnx"))
    onnx.save_model(
        model,
        str(package / "model.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="model.onnx_data",
        size_threshold=0,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    layer = elsewhere / "layer0.onnx"
    result = cli("extract", str(package), "--module", "encoder.layer.0", "-o", str(layer))
    assert result.returncode == 0, result.stderr
    extracted = onnx.load(str(layer), load_external_data=False)
    assert all(t.data_location != onnx.TensorProto.EXTERNAL for t in extracted.graph.initializer)
    session = ort.InferenceSession(str(layer), providers=["CPUExecutionProvider"])
    feeds = {}
    for value in session.get_inputs():
        shape = [d if isinstance(d, int) else 1 for d in value.shape]
        dtype = {"tensor(int64)": np.int64, "tensor(bool)": np.bool_}.get(value.type, np.float32)
        feeds[value.name] = np.ones(shape, dtype=dtype)
    assert session.run(None, feeds)

    before = files_of(package)
    for target in (package / "model.onnx", package / "model.onnx_data"):
        refused = cli("extract", str(package), "--module", "encoder.layer.0", "-o", str(target))
        assert refused.returncode == 1, refused.stdout
        assert "refusing to overwrite" in refused.stderr
    assert files_of(package) == before


def test_path_like_sources_get_the_same_errors_as_strings(tmp_path):
    for model in (tmp_path / "missing", str(tmp_path / "missing")):
        with pytest.raises(ModelExportError, match="model not found"):
            exporter.export_with_config(model, tmp_path / "out")
