"""--optimize / --quantize int8: ONNX Runtime's transformer fusions and quantization over the
validated fp32 export. The hierarchy survives each pass (every node tagged, root fallback at
most 1%, fused and new nodes in the module of what they replaced or serve), the accuracy report
is written and sane, the native runtime and Optimum run the results.

Tolerances against transformers' pipeline (PyTorch): the optimized fp32 package within 1e-4
(the fusions compute the same function up to float rounding); int8 packages: labels equal and
scores within 0.02 (the tiny fixture's measured worst is below 1e-3; the bound leaves room for
int8 rounding on other machines)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest

import modelexport
from conftest import REPO_ROOT
from fixture_catalog import fixture_path

OPTIMUM_PYTHON = REPO_ROOT / ".venv-optimum" / "bin" / "python"
TAG_KEYS = ("namespace", "modelexport.module", "modelexport.tag")
TEXTS = ["I love this movie.", "The service was slow and the food was cold.", "Short.", ""]
INT8_SCORE_ATOL = 0.02


def node_module(node: onnx.NodeProto) -> str:
    props = {p.key: p.value for p in node.metadata_props}
    assert all(key in props for key in TAG_KEYS), (node.name, node.op_type, props)
    return props["modelexport.module"]


def assert_hierarchy_kept(model_path: Path, statistics: dict) -> onnx.ModelProto:
    model = onnx.load(str(model_path))
    for node in model.graph.node:
        node_module(node)  # all three tags on every node
    assert statistics["total_nodes"] == len(model.graph.node)
    assert statistics["root_fallback"] <= 0.01 * len(model.graph.node), statistics
    return model


def module_tree(fixture: str) -> list[tuple[str, str, int, bool]]:
    from transformers import AutoModelForSequenceClassification

    from modelexport.export.exporter import _module_tree

    return _module_tree(AutoModelForSequenceClassification.from_pretrained(fixture_path(fixture)))


@pytest.fixture(scope="module")
def optimized_int8(tmp_path_factory):
    from modelexport.export.exporter import export_with_config

    out = tmp_path_factory.mktemp("passes") / "opt-int8"
    return export_with_config(
        fixture_path("bert-text-classification"), out, optimize=True, quantize="int8"
    )


@pytest.fixture(scope="module")
def optimized_embeddings(tmp_path_factory):
    from modelexport.export.exporter import export_with_config

    out = tmp_path_factory.mktemp("passes") / "opt-fe"
    return export_with_config(
        fixture_path("bert-feature-extraction"), out, dynamic=True, optimize=True
    )


def test_each_pass_tags_fused_and_new_nodes_by_what_they_replaced(export_cache, tmp_path):
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    from modelexport.export.graph_passes import prepare_for_quantization

    fp32 = export_cache.get("bert-text-classification", "fixed").output_dir / "model.onnx"
    modules = module_tree("bert-text-classification")
    config = json.loads((fixture_path("bert-text-classification") / "config.json").read_text())

    def retag(transformed: Path) -> tuple[onnx.ModelProto, dict]:
        out = tmp_path / f"{transformed.stem}.tagged.onnx"
        hierarchy = tmp_path / f"{transformed.stem}.hierarchy.json"  # the original's, replaced
        shutil.copyfile(fp32.parent / "model_hierarchy.json", hierarchy)
        document = _native_retag(fp32, transformed, out, hierarchy, modules)
        return assert_hierarchy_kept(out, document["statistics"]), document

    optimized = optimize_model(
        str(fp32),
        model_type="bert",
        num_heads=config["num_attention_heads"],
        hidden_size=config["hidden_size"],
        opt_level=0,
    )
    optimized.save_model_to_file(str(tmp_path / "opt.onnx"))
    model, document = retag(tmp_path / "opt.onnx")
    fused = {n.op_type: [] for n in model.graph.node}
    for node in model.graph.node:
        fused[node.op_type].append(node_module(node))
    # The residual Add + LayerNorm of BertSelfOutput / BertOutput, the bias Add + GELU of
    # BertIntermediate: each fused node lands in the module holding all it replaced.
    assert fused["SkipLayerNormalization"] and all(
        m.startswith("bert.encoder.layer.") and m.endswith(("attention.output", ".output"))
        for m in fused["SkipLayerNormalization"]
    ), fused["SkipLayerNormalization"]
    assert fused["BiasGelu"] and all(
        m.startswith("bert.encoder.layer.") and m.endswith(".intermediate")
        for m in fused["BiasGelu"]
    ), fused["BiasGelu"]
    assert document["statistics"]["graph_pass"]["from_replaced_nodes"] >= len(
        fused["SkipLayerNormalization"]
    ) + len(fused["BiasGelu"])

    # ORT's pre-processing first, as graph_passes does: without it the quantizer's own shape
    # inference refuses the exporter's value_info.
    prepare_for_quantization(fp32, tmp_path / "prep.onnx")
    quantize_dynamic(
        str(tmp_path / "prep.onnx"), str(tmp_path / "int8.onnx"), weight_type=QuantType.QInt8
    )
    model, _ = retag(tmp_path / "int8.onnx")
    by_output = {out: n for n in model.graph.node for out in n.output}
    integer = [n for n in model.graph.node if n.op_type == "MatMulInteger"]
    assert integer
    query = [n for n in integer if node_module(n).endswith("attention.self.query")]
    assert len(query) == 2  # one per layer, in the projection it computes
    # The activation quantizer feeding Q, K and V serves the attention block that holds them.
    quantizer = by_output[query[0].input[0]]
    assert quantizer.op_type == "DynamicQuantizeLinear"
    assert node_module(quantizer).endswith("attention.self"), node_module(quantizer)


def _native_retag(original, transformed, out, hierarchy, modules) -> dict:
    from modelexport import _native

    return json.loads(
        _native.write_transformed_package_model(
            str(original), str(transformed), str(out), str(hierarchy), modules, True
        )
    )


def test_optimize_and_int8_package_report_and_native_parity(optimized_int8):
    package = optimized_int8.output_dir
    metadata = json.loads((package / "export_metadata.json").read_text())
    model = assert_hierarchy_kept(package / "model.onnx", metadata["hierarchy"])
    hierarchy = json.loads((package / "model_hierarchy.json").read_text())
    assert hierarchy["statistics"] == metadata["hierarchy"]
    ops = {n.op_type for n in model.graph.node}
    assert {"SkipLayerNormalization", "MatMulInteger", "DynamicQuantizeLinear"} <= ops

    report = metadata["graph_passes"]
    assert [p["name"] for p in report["passes"]] == ["optimize", "quantize"]
    assert all(p["applied"] for p in report["passes"])
    assert report["evaluated_on"] == {"validation_inputs": 2, "held_in_sentences": 200}
    assert report["model_bytes"]["final"] < report["model_bytes"]["fp32"]
    logits = report["outputs"]["logits"]
    assert logits["labels_compared"] == 2 + 200
    assert 0 < logits["max_abs_diff_vs_fp32"] < 0.5
    assert logits["label_agreement_vs_fp32_percent"] >= 90
    assert metadata["validation"]["passed"]  # of the fp32 graph
    metadata_props = dict(modelexport._native.read_metadata(str(package)))
    export_config = json.loads(metadata_props["hf_export_config"])
    assert export_config["graph_passes"]["quantize"] == "int8"

    from transformers import pipeline

    ours = modelexport.pipeline(model=str(package))
    theirs = pipeline("text-classification", model=str(fixture_path("bert-text-classification")))
    for mine, ref in zip(
        ours(TEXTS, top_k=None), theirs(TEXTS, top_k=None, truncation=True), strict=True
    ):
        assert [r["label"] for r in mine] == [r["label"] for r in ref]
        np.testing.assert_allclose(
            [r["score"] for r in mine], [r["score"] for r in ref], atol=INT8_SCORE_ATOL
        )


def test_optimized_embeddings_native_parity(optimized_embeddings):
    package = optimized_embeddings.output_dir
    metadata = json.loads((package / "export_metadata.json").read_text())
    assert_hierarchy_kept(package / "model.onnx", metadata["hierarchy"])
    output = metadata["graph_passes"]["outputs"]["last_hidden_state"]
    assert output["max_abs_diff_vs_fp32"] < 1e-4
    assert output["cosine_vs_fp32"]["min"] > 0.99999

    from transformers import pipeline

    ours = modelexport.pipeline(model=str(package))
    theirs = pipeline("feature-extraction", model=str(fixture_path("bert-feature-extraction")))
    for text in TEXTS:
        np.testing.assert_allclose(np.asarray(ours(text)), np.asarray(theirs(text)), atol=1e-4)


@pytest.mark.skipif(not OPTIMUM_PYTHON.is_file(), reason="needs .venv-optimum (scripts/setup.sh)")
def test_optimum_loads_transformed_packages(optimized_int8, optimized_embeddings):
    script = """
import json, sys
import numpy as np
import onnxruntime
from optimum.onnxruntime import ORTModelForFeatureExtraction, ORTModelForSequenceClassification
from transformers import AutoTokenizer
out = []
for cls, package, name, kwargs in json.loads(sys.argv[1]):
    model = {"fe": ORTModelForFeatureExtraction,
             "cls": ORTModelForSequenceClassification}[cls].from_pretrained(package)
    tokenizer = AutoTokenizer.from_pretrained(package)
    encoded = tokenizer(["I love this movie."], return_tensors="np", **kwargs)
    got = model(**encoded)[0]
    session = onnxruntime.InferenceSession(package + "/model.onnx")
    names = [i.name for i in session.get_inputs()]
    want = session.run([name], {n: encoded[n].astype(np.int64) for n in names})[0]
    out.append(float(np.abs(np.asarray(got) - want).max()))
print(json.dumps(out))
"""
    jobs = [
        [
            "cls",
            str(optimized_int8.output_dir),
            "logits",
            {"padding": "max_length", "max_length": 128},
        ],
        ["fe", str(optimized_embeddings.output_dir), "last_hidden_state", {}],
    ]
    completed = subprocess.run(
        [str(OPTIMUM_PYTHON), "-c", script, json.dumps(jobs)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert all(diff < 1e-5 for diff in json.loads(completed.stdout.splitlines()[-1]))


def test_static_int8_with_calibration(tmp_path):
    from modelexport.export.exporter import export_with_config
    from modelexport.export.held_in_sentences import HELD_IN_SENTENCES

    calibration = tmp_path / "calibration.txt"
    calibration.write_text("\n".join(HELD_IN_SENTENCES[::10]) + "\n", encoding="utf-8")
    report = export_with_config(
        fixture_path("bert-text-classification"),
        tmp_path / "static",
        dynamic=True,
        quantize="int8",
        calibration=calibration,
    )
    metadata = json.loads((report.output_dir / "export_metadata.json").read_text())
    model = assert_hierarchy_kept(report.output_dir / "model.onnx", metadata["hierarchy"])
    assert {"QuantizeLinear", "DequantizeLinear"} <= {n.op_type for n in model.graph.node}
    (entry,) = metadata["graph_passes"]["passes"]
    assert entry["mode"] == "static" and entry["calibration_samples"] == 20
    assert metadata["graph_passes"]["outputs"]["logits"]["label_agreement_vs_fp32_percent"] >= 90


def test_optimize_unknown_architecture_warns_and_keeps_the_graph(tmp_path):
    from transformers import AutoConfig

    from modelexport.export.graph_passes import _optimize

    config = AutoConfig.from_pretrained(fixture_path("resnet-image-classification"))
    entry, warning = _optimize(tmp_path / "model.onnx", tmp_path / "out.onnx", config)
    assert not entry["applied"] and not (tmp_path / "out.onnx").exists()
    assert warning and "'resnet'" in warning and "left unchanged" in warning


def test_bad_pass_options_are_usage_errors(tmp_path):
    from typer.testing import CliRunner

    from modelexport.cli import app

    model = str(fixture_path("bert-text-classification"))
    runner = CliRunner()
    result = runner.invoke(app, ["export", model, str(tmp_path / "a"), "--quantize", "int4"])
    assert result.exit_code == 2 and "--quantize" in result.output
    calibration = tmp_path / "c.txt"
    calibration.write_text("x\n")
    result = runner.invoke(
        app, ["export", model, str(tmp_path / "b"), "--calibration", str(calibration)]
    )
    assert result.exit_code == 2 and "--calibration" in result.output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
