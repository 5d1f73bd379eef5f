"""Every architecture x head fixture exports with fixed and with dynamic shapes, validates
against PyTorch within 1e-4, carries the full package metadata, and loads in Optimum with
outputs equal to our ONNX Runtime run within 1e-5."""

from __future__ import annotations

import json

import onnx
import pytest

from fixture_catalog import FIXTURES, fixture_path
from modelexport import _native

MODES = ("fixed", "dynamic")
METADATA_KEYS = (
    "hf_metadata_version",
    "hf_pipeline_task",
    "hf_model_config",
    "hf_processor_config",
    "hf_model_source",
    "hf_original_path",
    "hf_export_config",
    "hf_export_timestamp",
)
PACKAGE_FILES = (
    "model.onnx",
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "export_metadata.json",
)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(("name", "arch", "head"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_export_validates_against_pytorch(export_cache, report_rows, name, arch, head, mode):
    report = export_cache.get(name, mode)
    package = report.output_dir

    assert report.task == head
    assert report.validation["passed"]
    assert report.validation["max_abs_diff"] <= 1e-4
    cases = report.validation["cases"]
    names = [c["name"] for c in cases]
    assert names[:2] == ["example input", "other input"]
    if mode == "dynamic":
        assert len(cases) == 2
    else:  # fixed shapes: the export length, then two inputs per smaller shape bucket
        assert all(c["input_shape"] == [1, 128] for c in cases[:2])
        buckets = json.loads(dict(_native.read_metadata(str(package)))["hf_processor_config"])[
            "shapes"
        ]["sequence_buckets"]
        assert buckets == [16, 24, 32, 48, 64, 96, 128]
        assert names[2:] == [f"{n}-token bucket" for n in buckets[:-1] for _ in (1, 2)]
        assert all(c["input_shape"] == [1, int(c["name"].split("-")[0])] for c in cases[2:])
    if mode == "dynamic":  # a different batch and length than the traced example
        assert cases[0]["input_shape"][0] != cases[1]["input_shape"][0]
        assert cases[0]["input_shape"][1] != cases[1]["input_shape"][1]

    for file_name in PACKAGE_FILES:
        assert (package / file_name).is_file(), file_name
    metadata = dict(_native.read_metadata(str(package)))
    for key in METADATA_KEYS:
        assert key in metadata, key
    assert metadata["hf_pipeline_task"] == head
    assert metadata["hf_model_source"] == "local"
    assert metadata["hf_original_path"] == str(fixture_path(name))
    model_config = json.loads(metadata["hf_model_config"])
    assert model_config["model_type"] == arch
    export_config = json.loads(metadata["hf_export_config"])
    assert export_config["exporter"] == report.exporter
    assert export_config["dynamic"] is (mode == "dynamic")
    processor = json.loads(metadata["hf_processor_config"])
    assert processor["model_input_names"] == export_config["input_names"]

    model = onnx.load(str(package / "model.onnx"))
    onnx.checker.check_model(model)
    dims = [d.dim_param or d.dim_value for d in model.graph.input[0].type.tensor_type.shape.dim]
    assert dims == (["batch_size", "sequence_length"] if mode == "dynamic" else [1, 128])

    report_rows[f"{name}/{mode}"] = {
        "architecture": arch,
        "head": head,
        "mode": mode,
        "exporter": report.exporter,
        "opset": report.opset,
        "max_abs_diff": report.validation["max_abs_diff"],
        "export_seconds": report.export_seconds,
    }


@pytest.mark.parametrize("mode", MODES)
def test_every_package_loads_in_optimum_with_equal_outputs(export_cache, report_rows, mode):
    from modelexport.optimum_compat import validate_optimum_compatibility_many

    packages = [export_cache.get(name, mode).output_dir for name, _, _ in FIXTURES]
    reports = validate_optimum_compatibility_many(packages, atol=1e-5)
    failures = [r for r in reports if not r.passed or r.tokenizer_problem]
    assert not failures, [(str(r.package), r.max_abs_diff, r.tokenizer_problem) for r in failures]
    for (name, _, _), optimum_report in zip(FIXTURES, reports, strict=True):
        assert optimum_report.model_class.startswith("ORTModelFor")
        row = report_rows.setdefault(f"{name}/{mode}", {})
        row["optimum_class"] = optimum_report.model_class
        row["optimum_max_abs_diff"] = max(optimum_report.max_abs_diff.values())


def test_gpt2_without_pad_token_classifies_the_last_real_token(tmp_path):
    """Regression: a GPT-2 classifier whose config has no pad_token_id (as on the Hub) must,
    when padded to the fixed length, read the logits of the last real token, not of padding."""
    import shutil

    import onnxruntime
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from modelexport.export.exporter import export_with_config

    source = tmp_path / "gpt2"
    shutil.copytree(fixture_path("gpt2-text-classification"), source)
    config = json.loads((source / "config.json").read_text())
    config.pop("pad_token_id", None)
    (source / "config.json").write_text(json.dumps(config))
    tokenizer_config = json.loads((source / "tokenizer_config.json").read_text())
    tokenizer_config.pop("pad_token", None)
    (source / "tokenizer_config.json").write_text(json.dumps(tokenizer_config))
    assert AutoTokenizer.from_pretrained(source).pad_token is None

    report = export_with_config(source, tmp_path / "out")
    text = "A short sentence."
    tokenizer = AutoTokenizer.from_pretrained(source)
    unpadded = tokenizer(text, return_tensors="pt")
    model = AutoModelForSequenceClassification.from_pretrained(source).eval()
    with torch.no_grad():
        expected = model(**unpadded).logits.numpy()
    tokenizer.pad_token = tokenizer.eos_token
    padded = tokenizer(text, padding="max_length", max_length=128, return_tensors="np")
    session = onnxruntime.InferenceSession(str(report.output_dir / "model.onnx"))
    feeds = {i.name: padded[i.name].astype("int64") for i in session.get_inputs()}
    (logits,) = session.run(["logits"], feeds)
    assert abs(logits - expected).max() <= 1e-4
