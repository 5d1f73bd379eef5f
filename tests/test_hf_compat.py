"""The seeds' HF-compat layer: ONNXAutoProcessor's fixed-shape processors (here, transformers 5)
and create_pipeline over Optimum's ORTModel (in .venv-optimum, transformers 4.57), measured as
the matrix task x (plain transformers pipeline over ORTModel before / create_pipeline after),
both against the transformers pipeline on the PyTorch model."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from fixture_catalog import REPO_ROOT, fixture_path

OPTIMUM_PYTHON = REPO_ROOT / ".venv-optimum" / "bin" / "python"
WORKER = REPO_ROOT / "tests" / "hf_compat_worker.py"
# Padding to the fixed length with an attention mask against the unpadded PyTorch run.
SCORE_ATOL = 1e-5
LOGITS_ATOL = 1e-4  # direct calls: ONNX Runtime on the fixed graph vs PyTorch, float32
ORT_INVALID_SHAPE = "Got invalid dimensions for input"

# max_seq_len: the reference's windows are the graph's (the ONNX tokenizer's are always).
QA_CONTEXT = (
    "The quick brown fox jumps over the lazy dog near the river bank. "
    "It was a sunny day and everyone was happy. " * 12
)  # longer than 128 tokens: several spans, so doc_stride and the overflow windows are used
# (fixture, input, call options, before, after): "works", or what the failure message holds.
MATRIX = [
    ("bert-text-classification", {"text": "Hello world, this is modelexport."},
     {"top_k": None}, ORT_INVALID_SHAPE, "works"),
    ("roberta-token-classification", {"text": "Hugging Face is based in New York City."},
     {"aggregation_strategy": "simple"}, ORT_INVALID_SHAPE, "works"),
    ("bert-token-classification", {"text": "Hugging Face is based in New York City."},
     {}, ORT_INVALID_SHAPE, "works"),
    ("bert-question-answering", {"question": "Where does the fox jump?", "context": QA_CONTEXT},
     {"top_k": 2, "max_seq_len": 128}, ORT_INVALID_SHAPE, "works"),
    ("vit-image-classification", {"image": [48, 64, 0]}, {}, "works", "works"),
    ("detr-object-detection", {"image": [48, 64, 0]}, {"threshold": 0.0},
     "no ORTModel class", "no ORTModel class"),
    ("wavlm-audio-classification", {"audio": [1.5, 0]}, {}, ORT_INVALID_SHAPE, "works"),
    ("ast-audio-classification", {"audio": [1.5, 0]}, {}, "works", "works"),
    ("wav2vec2-automatic-speech-recognition", {"audio": [1.5, 0]}, {},
     "has no attribute 'main_input_name'", "attention_mask is required"),
    # Not in the seeds' matrix; Optimum has the class. Hypotheses padded to the longest, not 77.
    ("clip-zero-shot-image-classification", {"image": [48, 64, 0]},
     {"candidate_labels": ["a cat", "a photo of a dog in the snow", "car"]},
     ORT_INVALID_SHAPE, "works"),
]  # fmt: skip


def _task(package: Path) -> str:
    from modelexport import _native

    return _native.package_task(str(package))


def _compare_results(after: object, reference: object) -> float:
    """Equal structure, labels, words and offsets; scores within SCORE_ATOL. Returns the
    largest score difference."""
    if isinstance(reference, list):
        assert isinstance(after, list) and len(after) == len(reference)
        return max(
            (_compare_results(a, r) for a, r in zip(after, reference, strict=True)), default=0
        )
    if isinstance(reference, dict):
        assert isinstance(after, dict) and after.keys() == reference.keys()
        worst = 0.0
        for key, value in reference.items():
            if key == "score":
                worst = max(worst, abs(after[key] - value))
                assert abs(after[key] - value) <= SCORE_ATOL, (key, after[key], value)
            else:
                worst = max(worst, _compare_results(after[key], value))
        return worst
    assert after == reference
    return 0.0


@pytest.mark.skipif(not OPTIMUM_PYTHON.is_file(), reason="needs .venv-optimum (scripts/setup.sh)")
def test_create_pipeline_makes_optimum_pipelines_work_on_fixed_shapes(export_cache):

    jobs = []
    for fixture, given, options, _, _ in MATRIX:
        package = export_cache.get(fixture, "fixed").output_dir
        job = {
            "task": _task(package),
            "package": str(package),
            "fixture": str(fixture_path(fixture)),
        }
        jobs.append({**job, "input": given, "kwargs": options})
    rows = _run_worker(jobs)
    assert len(rows) == len(MATRIX)
    matrix = {}
    for (fixture, _, _, before, after), row in zip(MATRIX, rows, strict=True):
        for column, expected in (("before", before), ("after", after)):
            got = row[column]
            if expected == "works":
                assert not (isinstance(got, dict) and "error" in got), (fixture, column, got)
            else:
                assert isinstance(got, dict) and expected in got.get("error", ""), (fixture, got)
        assert not (isinstance(row["reference"], dict) and "error" in row["reference"]), row
        worst = _compare_results(row["after"], row["reference"]) if after == "works" else None
        if after == "works":
            assert row["after_ort_model"] == row["after"], fixture
        matrix[fixture] = {
            "task": row["task"],
            "before": "works" if before == "works" else row["before"]["error"],
            "after": "works" if after == "works" else row["after"]["error"],
            "max_score_diff_vs_pytorch": worst,
        }
    report = REPO_ROOT / "build" / "reports" / "hf_compat_matrix.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(matrix, indent=2) + "\n")


def _run_worker(jobs: list[dict]) -> list[dict]:
    import modelexport._native

    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT / "python"),
        "MODELEXPORT_NATIVE_DIR": str(Path(modelexport._native.__file__).parent),
    }
    completed = subprocess.run(
        [str(OPTIMUM_PYTHON), str(WORKER)],
        input=json.dumps({"jobs": jobs}),
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return [json.loads(line) for line in completed.stdout.splitlines()]


@pytest.mark.skipif(not OPTIMUM_PYTHON.is_file(), reason="needs .venv-optimum (scripts/setup.sh)")
def test_create_pipeline_and_processors_on_single_file_packages(export_cache, tmp_path):
    """A single .onnx with nothing beside it: ONNXAutoProcessor.from_model extracts its embedded
    processor files, create_pipeline gives Optimum the folder it reads."""
    from modelexport import ONNXAutoProcessor, _native

    jobs = []
    for fixture, given, options in (
        (
            "bert-text-classification",
            {"text": "Hello world, this is modelexport."},
            {"top_k": None},
        ),
        ("vit-image-classification", {"image": [48, 64, 0]}, {}),
    ):
        folder = export_cache.get(fixture, "fixed").output_dir
        alone = tmp_path / fixture
        alone.mkdir()
        _native.pack_package(str(folder), str(alone / "model.onnx"))
        assert sorted(p.name for p in alone.iterdir()) == ["model.onnx"]
        ours = ONNXAutoProcessor.from_model(alone / "model.onnx")
        reference = ONNXAutoProcessor.from_model(folder / "model.onnx")
        assert repr(ours) == repr(reference)
        jobs.append({
            "task": _task(folder), "package": str(alone / "model.onnx"),
            "processor_folder": str(folder), "fixture": str(fixture_path(fixture)),
            "input": given, "kwargs": options,
        })  # fmt: skip
    for row in _run_worker(jobs):
        assert not (isinstance(row["after"], dict) and "error" in row["after"]), row["after"]
        _compare_results(row["after"], row["reference"])


def test_onnx_tokenizer_gives_the_fixed_shape_and_pytorch_logits(export_cache):
    import onnxruntime
    import torch
    from transformers import AutoModelForSequenceClassification

    from modelexport import ONNXAutoProcessor, ONNXTokenizer

    package = export_cache.get("bert-text-classification", "fixed").output_dir
    tokenizer = ONNXAutoProcessor.from_model(package / "model.onnx")
    assert isinstance(tokenizer, ONNXTokenizer)
    assert (tokenizer.batch_size, tokenizer.sequence_length) == (1, 128)
    assert tokenizer.model_max_length == 128
    session = onnxruntime.InferenceSession(str(package / "model.onnx"))
    model = AutoModelForSequenceClassification.from_pretrained(
        fixture_path("bert-text-classification")
    ).eval()
    for text in ("Hello world!", "a very long text " * 100):
        encoded = tokenizer(text, return_tensors="np")
        assert {k: v.shape for k, v in encoded.items()} == {
            name: (1, 128) for name in ("input_ids", "token_type_ids", "attention_mask")
        }
        (logits,) = session.run(["logits"], dict(encoded))
        plain = tokenizer.wrapped(text, return_tensors="pt", truncation=True, max_length=128)
        with torch.no_grad():
            expected = model(**plain).logits.numpy()
        assert np.abs(logits - expected).max() <= LOGITS_ATOL
    # Everything else is the wrapped tokenizer's.
    assert tokenizer.is_fast and tokenizer.pad_token_id == tokenizer.wrapped.pad_token_id
    ids = tokenizer("Hello world!")["input_ids"]
    assert tokenizer.decode(ids, skip_special_tokens=True) == "hello world!"
    assert tokenizer.convert_ids_to_tokens(ids[:2]) == ["[CLS]", "hello"]
    # Offsets and word ids (token-classification, QA) come through with the padding.
    encoded = tokenizer("Hello world!", return_offsets_mapping=True)
    assert len(encoded["offset_mapping"]) == 128 and encoded.word_ids()[1] == 0
    tokenizer.padding_side = "left"  # settings go to the wrapped tokenizer
    assert tokenizer.wrapped.padding_side == "left"


def test_processors_from_hf_model_path_and_bad_paths(export_cache):
    from modelexport import ModelExportError, ONNXAutoProcessor

    package = export_cache.get("bert-text-classification", "fixed").output_dir
    elsewhere = ONNXAutoProcessor.from_model(
        package, hf_model_path=fixture_path("bert-text-classification")
    )
    assert (
        elsewhere("Hello")["input_ids"]
        == ONNXAutoProcessor.from_model(package)("Hello")["input_ids"]
    )
    with pytest.raises(ModelExportError, match="hf_model_path is not a folder"):
        ONNXAutoProcessor.from_model(package, hf_model_path=package / "missing")
    with pytest.raises(ModelExportError, match="no such package"):
        ONNXAutoProcessor.from_model(package / "missing.onnx")


def test_image_and_audio_processors_give_the_graph_shapes(export_cache):
    import onnxruntime
    import torch
    from transformers import AutoModelForAudioClassification

    from modelexport import (
        ONNXAutoProcessor,
        ONNXFeatureExtractor,
        ONNXImageProcessor,
        ONNXProcessor,
    )

    image = np.random.RandomState(0).randint(0, 256, (48, 64, 3), dtype=np.uint8)
    for fixture, size in (("vit-image-classification", 32), ("detr-object-detection", 96)):
        processor = ONNXAutoProcessor.from_model(export_cache.get(fixture, "fixed").output_dir)
        assert isinstance(processor, ONNXImageProcessor)
        encoded = processor(images=[image], return_tensors="np")
        assert encoded["pixel_values"].shape == (1, 3, size, size)
        if "pixel_mask" in encoded:  # DETR pads into the graph's canvas
            assert encoded["pixel_mask"].shape == (1, size, size)

    package = export_cache.get("wavlm-audio-classification", "fixed").output_dir
    extractor = ONNXAutoProcessor.from_model(package)
    assert isinstance(extractor, ONNXFeatureExtractor) and extractor.sequence_length == 160000
    model = AutoModelForAudioClassification.from_pretrained(
        fixture_path("wavlm-audio-classification")
    ).eval()
    session = onnxruntime.InferenceSession(str(package / "model.onnx"))
    clip = np.random.RandomState(1).randn(24000).astype(np.float32) * 0.1
    encoded = extractor(clip, sampling_rate=16000, return_tensors="np")
    assert encoded["input_values"].shape == encoded["attention_mask"].shape == (1, 160000)
    (logits,) = session.run(["logits"], dict(encoded))
    plain = extractor.wrapped(clip, sampling_rate=16000, return_tensors="pt")
    with torch.no_grad():
        expected = model(**plain).logits.numpy()
    assert np.abs(logits - expected).max() <= LOGITS_ATOL  # the mask hides the padding
    long = extractor(np.zeros(200000, np.float32), sampling_rate=16000, return_tensors="np")
    assert long["input_values"].shape == (1, 160000)

    ctc = ONNXAutoProcessor.from_model(
        export_cache.get("wav2vec2-automatic-speech-recognition", "fixed").output_dir
    )
    assert isinstance(ctc, ONNXProcessor)
    assert isinstance(ctc.feature_extractor, ONNXFeatureExtractor)
    assert type(ctc.tokenizer).__name__ == "Wav2Vec2CTCTokenizer"  # decodes; feeds no input
    assert ctc(clip, sampling_rate=16000, return_tensors="np")["input_values"].shape == (1, 160000)


def test_fixed_batch_pads_short_batches_and_create_pipeline_refuses_it(tmp_path):
    from modelexport import ModelExportError, ONNXAutoProcessor, create_pipeline
    from modelexport.export.exporter import export_with_config

    package = tmp_path / "batch2"
    export_with_config(fixture_path("bert-text-classification"), package, batch_size=2,
                       sequence_length=16, validate=False)  # fmt: skip
    tokenizer = ONNXAutoProcessor.from_model(package)
    one = tokenizer(["only one"], return_tensors="np")
    assert one["input_ids"].shape == (2, 16)
    assert (one["input_ids"][1] == one["input_ids"][0]).all()  # a copy of the last row
    assert tokenizer(["a", "b", "c"], return_tensors="np")["input_ids"].shape == (3, 16)
    assert len(tokenizer(["only one"])["input_ids"]) == 2  # lists too
    with pytest.raises(ModelExportError, match=r"batches of exactly 2.*modelexport\.pipeline"):
        create_pipeline("text-classification", package)


def test_create_pipeline_without_optimum_names_what_it_needs(export_cache):
    import importlib.util

    from modelexport import ModelExportError, create_pipeline

    if importlib.util.find_spec("optimum") is not None:
        pytest.skip("Optimum is installed here")
    package = export_cache.get("bert-text-classification", "fixed").output_dir
    with pytest.raises(ModelExportError) as caught:
        create_pipeline("text-classification", package)
    message = str(caught.value)
    assert "\n" not in message and "optimum-onnx" in message and "modelexport.pipeline" in message
