"""Shape buckets: the default fixed-shape text export is a ladder of fixed sequence lengths that
share one weights file, and the runtime runs each batch on the smallest that fits.

Oracles: the bucket graphs against PyTorch at export (validation, atol 1e-4); the native
pipeline on the bucketed package against the same model exported as one 128-token graph
(identical labels, scores within 1e-5) and against transformers (labels, scores within 1e-4)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import onnx
import pytest

import modelexport
from modelexport import _native
from test_native_pipeline import TEXTS, assert_same_labels, reference

NAME = "bert-text-classification"
LADDER = [16, 24, 32, 48, 64, 96, 128]


def test_default_ladder_is_powers_of_two_and_halfway_steps():
    assert _native.default_shape_buckets(128) == LADDER
    assert _native.default_shape_buckets(100) == [16, 24, 32, 48, 64, 96, 100]
    assert _native.default_shape_buckets(12) == [12]
    assert _native.shape_bucket_file(16) == "model_seq16.onnx"


def test_default_export_writes_fixed_buckets_sharing_one_weights_file(export_cache):
    package = export_cache.get(NAME, "fixed").output_dir
    processor = json.loads(dict(_native.read_metadata(str(package)))["hf_processor_config"])
    assert processor["shapes"]["sequence_buckets"] == LADDER
    data = package / "model.onnx_data"
    for length in LADDER:
        graph = package / ("model.onnx" if length == 128 else _native.shape_bucket_file(length))
        model = onnx.load(str(graph), load_external_data=False)
        for value in model.graph.input:
            dims = [d.dim_value for d in value.type.tensor_type.shape.dim]
            assert dims == [1, length], (graph.name, value.name)
        external = {
            entry.value
            for tensor in model.graph.initializer
            for entry in tensor.external_data
            if entry.key == "location"
        }
        assert external == {data.name}  # every bucket reads the one data file
        # Nodes keep their module tags in every bucket.
        assert all(
            any(p.key == "modelexport.module" for p in node.metadata_props)
            for node in model.graph.node
        )
    report = json.loads((package / "export_metadata.json").read_text())
    validated = {case["name"] for case in report["validation"]["cases"]}
    assert {f"{n}-token bucket" for n in LADDER[:-1]} <= validated


def test_bucketed_package_matches_one_graph_and_transformers(export_cache, tmp_path):
    from modelexport.export.exporter import export_with_config

    bucketed = export_cache.get(NAME, "fixed").output_dir
    single = export_with_config(_fixture(NAME), tmp_path / "single", sequence_length=128).output_dir
    assert not list(single.glob("model_seq*.onnx"))
    ours = modelexport.pipeline(model=str(bucketed))
    one_graph = modelexport.pipeline(model=str(single))
    theirs = reference("text-classification", NAME)
    # Lengths across several buckets, in one batched call (sorted by length inside, returned in
    # input order) and one by one.
    texts = [*TEXTS, "word " * 20, "word " * 40, "word " * 70]
    batched = ours(texts, top_k=None)
    for text, mine in zip(texts, batched, strict=True):
        alone = ours(text, top_k=None)
        assert alone == mine
        other = one_graph(text, top_k=None)
        assert [r["label"] for r in mine] == [r["label"] for r in other]
        np.testing.assert_allclose(
            [r["score"] for r in mine], [r["score"] for r in other], atol=1e-5
        )
        assert_same_labels(mine, theirs(text, top_k=None, truncation=True, max_length=128))


def _fixture(name: str) -> str:
    from fixture_catalog import fixture_path

    return str(fixture_path(name))


def test_a_missing_or_wrong_bucket_is_a_clear_error(export_cache, tmp_path):
    package = tmp_path / "package"
    shutil.copytree(export_cache.get(NAME, "fixed").output_dir, package)
    (package / "model_seq24.onnx").unlink()
    with pytest.raises(ValueError, match=r"model_seq24\.onnx: missing"):
        modelexport.pipeline(model=str(package))
    shutil.copyfile(package / "model_seq32.onnx", package / "model_seq24.onnx")
    with pytest.raises(ValueError, match="not the 24-token bucket"):
        modelexport.pipeline(model=str(package))


def test_pack_leaves_the_buckets_out(export_cache, tmp_path, cli):
    package = export_cache.get(NAME, "fixed").output_dir
    single = tmp_path / "single.onnx"
    result = cli("pack", str(package), str(single))
    assert result.returncode == 0, result.stderr
    assert "shape buckets left out" in result.stdout
    processor = json.loads(dict(_native.read_metadata(str(single)))["hf_processor_config"])
    assert "sequence_buckets" not in processor["shapes"]
    ours = modelexport.pipeline(model=str(single))
    bucketed = modelexport.pipeline(model=str(package))
    for text in TEXTS:
        mine, other = ours(text, top_k=None), bucketed(text, top_k=None)
        assert [r["label"] for r in mine] == [r["label"] for r in other]
        np.testing.assert_allclose(
            [r["score"] for r in mine], [r["score"] for r in other], atol=1e-5
        )


def test_shape_bucket_options(cli, tmp_path):
    fixture = _fixture(NAME)
    bad = cli("export", fixture, str(tmp_path / "a"), "--shape-buckets", "16,x")
    assert bad.returncode == 2 and "--shape-buckets" in bad.stderr
    too_long = cli("export", fixture, str(tmp_path / "b"), "--shape-buckets", "16,256")
    assert too_long.returncode == 1
    assert "--shape-buckets 256: lengths must be between 1 and" in too_long.stderr
    dynamic = cli("export", fixture, str(tmp_path / "c"), "--shape-buckets", "16", "--dynamic")
    assert dynamic.returncode == 1 and "drop --dynamic" in dynamic.stderr
    for path in ("a", "b", "c"):
        assert not (tmp_path / path).exists()
    custom = cli("export", fixture, str(tmp_path / "d"), "--shape-buckets", "8,32", "--no-validate")
    assert custom.returncode == 0, custom.stderr
    assert sorted(p.name for p in (tmp_path / "d").glob("model*.onnx")) == [
        "model.onnx",
        "model_seq32.onnx",
        "model_seq8.onnx",
    ]
    none = cli("export", fixture, str(tmp_path / "e"), "--shape-buckets", "none", "--no-validate")
    assert none.returncode == 0, none.stderr
    assert [p.name for p in (tmp_path / "e").glob("model*.onnx")] == ["model.onnx"]


def test_buckets_a_trace_cannot_hold_are_an_error_when_asked_for(cli, tmp_path):
    """TorchScript keeps DeBERTa's traced length in its relative positions: the 16-token graph
    does not load, which bucket validation reports (the default ladder is not tried with
    TorchScript)."""
    fixture = _fixture("deberta-v2-text-classification")
    out = tmp_path / "deberta"
    result = cli("export", fixture, str(out), "--exporter", "torchscript", "--shape-buckets", "16")
    assert result.returncode == 1
    assert "shape bucket validation failed" in result.stderr
    assert not out.exists()
    default = cli("export", fixture, str(out), "--exporter", "torchscript", "--no-validate")
    assert default.returncode == 0, default.stderr
    assert [p.name for p in out.glob("model*.onnx")] == ["model.onnx"]
