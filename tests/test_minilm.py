"""The real sentence-transformers/all-MiniLM-L6-v2: export (fixed and dynamic), Optimum,
inspect through both CLIs, and the README demo's embeddings versus sentence-transformers."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import REPO_ROOT
from fixture_catalog import fixture_path
from modelexport import _native

SENTENCES = [
    "A man is eating food.",
    "A man is riding a white horse on an enclosed ground.",
    "Zürich liegt am Zürichsee; naïve café résumé.",
    "東京は日本の首都です。",
]


@pytest.fixture(scope="module")
def minilm_packages(export_cache):
    # The run-wide cache: test_single_file.py packs the same dynamic export.
    return {mode: export_cache.get("minilm", mode) for mode in ("fixed", "dynamic")}


def test_export_carries_sentence_transformers_configuration(minilm_packages):
    report = minilm_packages["fixed"]
    package = report.output_dir
    assert report.task == "feature-extraction"
    assert report.validation["max_abs_diff"] <= 1e-4
    for name in ("modules.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        assert (package / name).is_file(), name
    processor = json.loads(dict(_native.read_metadata(str(package)))["hf_processor_config"])
    assert processor["sentence_transformers"]["1_Pooling"]["pooling_mode_mean_tokens"] is True
    assert processor["shapes"] == {
        "dynamic": False,
        "batch_size": 1,
        "sequence_length": 128,
        "sequence_buckets": [16, 24, 32, 48, 64, 96, 128],
    }


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
def test_demo_embeddings_match_sentence_transformers(minilm_packages, mode):
    from sentence_transformers import SentenceTransformer

    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from similarity_demo import embed

    ours = embed(minilm_packages[mode].output_dir, SENTENCES)
    reference = SentenceTransformer(str(fixture_path("minilm")), device="cpu").encode(
        SENTENCES, normalize_embeddings=True
    )
    cosine = np.sum(ours * reference, axis=1)
    assert cosine.min() >= 0.99999, cosine  # tolerance: cosine similarity per sentence
    np.testing.assert_allclose(ours, reference, atol=1e-4)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
def test_minilm_loads_in_optimum(minilm_packages, mode):
    from modelexport.optimum_compat import validate_optimum_compatibility

    report = validate_optimum_compatibility(minilm_packages[mode].output_dir)
    assert report.model_class == "ORTModelForFeatureExtraction"
    assert report.passed, report.max_abs_diff
    assert report.tokenizer_problem is None


def test_python_and_native_inspect_agree(minilm_packages, cli):
    package = minilm_packages["dynamic"].output_dir
    python_json = json.loads(cli("inspect", str(package), "--json").stdout)
    native = subprocess.run(
        [str(REPO_ROOT / "build" / "modelexport-inspect"), str(package), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(native.stdout) == python_json
    assert python_json["task"] == "feature-extraction"
    assert [i["name"] for i in python_json["inputs"]] == [
        "input_ids",
        "attention_mask",
        "token_type_ids",
    ]
    assert python_json["inputs"][0]["shape"] == ["batch_size", "sequence_length"]
    assert python_json["outputs"][0]["shape"][2] == 384
    assert python_json["metadata"]["hf_export_config"]["versions"]["torch"].startswith("2.13.0")

    text = cli("inspect", str(package)).stdout
    for fragment in ("feature-extraction", "last_hidden_state", "hf_model_config", "model.onnx"):
        assert fragment in text


def test_native_inspect_errors_and_usage(tmp_path):
    binary = str(REPO_ROOT / "build" / "modelexport-inspect")
    missing = subprocess.run([binary, str(tmp_path / "nope")], capture_output=True, text=True)
    assert missing.returncode == 1
    assert missing.stderr.startswith("modelexport-inspect: error: ") and "nope" in missing.stderr
    usage = subprocess.run([binary], capture_output=True, text=True)
    assert usage.returncode == 2 and "PATH is required" in usage.stderr
    bad = subprocess.run([binary, str(tmp_path), "--jsn"], capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_validate_command_reruns_against_source(minilm_packages, cli):
    result = cli("validate", str(minilm_packages["fixed"].output_dir))
    assert result.returncode == 0, result.stderr
    assert "matches PyTorch" in result.stdout
