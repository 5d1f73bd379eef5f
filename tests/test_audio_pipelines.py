"""The native audio pipelines (libsndfile decoding, libsoxr resampling, the C++ feature
extractors, ONNX Runtime, post-processing) against transformers' pipelines on the PyTorch
fixtures, on real speech (Debian's asterisk prompts at 8 kHz, alsa-utils' 48 kHz stereo-free
voice samples) and generated tones, noise, silence and clipped signals; given as file paths,
bytes, bare arrays at the model's rate and {"raw", "sampling_rate"} dicts at other rates.

Tolerances: scores within 1e-4 absolute, labels identical (ties closer than 1e-4 may swap
places); CTC texts and timestamps identical. The reference gets each input as the native side
prepares it (tests/audio_clips.py: libsndfile + python-soxr, bit-identical to ours), because
transformers decodes files with ffmpeg (not installed) and resamples with torchaudio (no build
for our torch).

Fixed-shape packages pad every clip to the graph's length. Models with an attention mask (and
AST/Whisper, whose extractors fix the length) give the unpadded results; group-norm models
without one compute on the zero-padded clip, as transformers does when it batches them, so
their fixed packages are checked against PyTorch on the padded features instead."""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

import modelexport
from audio_clips import (
    MODEL_RATE,
    SPEECH_FILES,
    as_model_input,
    generated_clips,
    long_speech,
    read_file,
)
from conftest import REPO_ROOT
from fixture_catalog import AUDIO_FIXTURES, fixture_path

RUN_BINARY = REPO_ROOT / "build" / "modelexport-run"
CLASSIFIERS = [name for name, _, head in AUDIO_FIXTURES if head == "audio-classification"]
RECOGNIZERS = [name for name, _, head in AUDIO_FIXTURES if head == "automatic-speech-recognition"]
TOLERANCE = 1e-4


def package(export_cache, name: str, mode: str) -> Path:
    return Path(export_cache.get(name, mode).output_dir)


def processor_config(package_dir: Path) -> dict:
    metadata = dict(modelexport._native.read_metadata(str(package_dir / "model.onnx")))
    return json.loads(metadata["hf_processor_config"])


def pads_unlike_reference(package_dir: Path, mode: str) -> bool:
    """A fixed raw-waveform graph: every clip is padded to its length, which changes results
    (without an attention mask; and with one for data2vec-audio, whose stacked positional
    convolutions read the padded frames, in PyTorch as much as in the graph)."""
    config = processor_config(package_dir)
    return mode == "fixed" and config["feature_extractor_type"] == "Wav2Vec2FeatureExtractor"


def inputs_and_references() -> tuple[list, list[np.ndarray]]:
    """Native inputs of every kind, and the same audio as the reference gets it."""
    ours: list = []
    theirs: list[np.ndarray] = []
    for path in SPEECH_FILES[:3]:
        samples, rate = read_file(path)
        ours.append(str(path))
        theirs.append(as_model_input(samples, rate))
    samples, rate = read_file(SPEECH_FILES[3])
    ours.append(SPEECH_FILES[3].read_bytes())
    theirs.append(as_model_input(samples, rate))
    samples, rate = read_file(SPEECH_FILES[1])
    ours.append({"raw": samples, "sampling_rate": rate})
    theirs.append(as_model_input(samples, rate))
    for clip in generated_clips().values():
        ours.append(clip)
        theirs.append(clip)
    return ours, theirs


def reference(task: str, name: str):
    from transformers import pipeline

    return pipeline(task, model=str(fixture_path(name)))


def assert_same_scores(ours: list[dict], theirs: list[dict]) -> None:
    assert [list(r) for r in ours] == [list(r) for r in theirs]  # key order: score, label
    mine = {r["label"]: r["score"] for r in ours}
    ref = {r["label"]: r["score"] for r in theirs}
    assert mine.keys() == ref.keys()
    for label, score in ref.items():
        assert abs(mine[label] - score) <= TOLERANCE, (label, mine[label], score)
    for a, b in zip(ours, theirs, strict=True):
        assert a["label"] == b["label"] or abs(a["score"] - b["score"]) <= TOLERANCE


@functools.cache
def torch_reference(name: str) -> tuple:
    """The fixture's feature extractor and PyTorch model, loaded once per test run."""
    from transformers import AutoFeatureExtractor, AutoModelForAudioClassification, AutoModelForCTC

    folder = fixture_path(name)
    auto = (
        AutoModelForCTC if name.endswith("speech-recognition") else AutoModelForAudioClassification
    )
    return AutoFeatureExtractor.from_pretrained(folder), auto.from_pretrained(folder).eval()


def padded_logits(name: str, clip: np.ndarray, length: int, masked: bool) -> np.ndarray:
    """PyTorch logits of the clip's features zero-padded to the graph's length (with the
    attention mask over the clip when the graph takes one)."""
    import torch

    extractor, model = torch_reference(name)
    values = extractor(clip, sampling_rate=MODEL_RATE, return_tensors="np")["input_values"][0]
    padded = np.zeros(length, dtype=np.float32)
    padded[: values.size] = values
    mask = None
    if masked:
        mask = torch.zeros((1, length), dtype=torch.int64)
        mask[0, : values.size] = 1
    with torch.no_grad():
        return model(torch.from_numpy(padded[None]), attention_mask=mask).logits[0].numpy()


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("name", CLASSIFIERS)
def test_audio_classification_matches_transformers(export_cache, name, mode):
    package_dir = package(export_cache, name, mode)
    ours = modelexport.pipeline(model=str(package_dir))
    inputs, references = inputs_and_references()
    results = ours(inputs, top_k=10)
    assert len(results) == len(inputs)
    if pads_unlike_reference(package_dir, mode):
        length = processor_config(package_dir)["shapes"]["length"]
        masked = "attention_mask" in processor_config(package_dir)["model_input_names"]
        for result, clip in zip(results, references, strict=True):
            logits = padded_logits(name, clip, length, masked).astype(np.float64)
            scores = np.exp(logits - logits.max())
            scores /= scores.sum()
            labels = torch_reference(name)[1].config.id2label
            expected = {labels[i]: s for i, s in enumerate(scores)}
            for entry in result:
                assert abs(entry["score"] - expected[entry["label"]]) <= TOLERANCE
        return
    theirs = reference("audio-classification", name)
    for result, clip in zip(results, references, strict=True):
        assert_same_scores(result, theirs(clip, top_k=10))
    assert_same_scores(ours(inputs[0]), theirs(references[0]))  # top_k 5 by default
    for function in ("sigmoid", "none"):
        assert_same_scores(
            ours(inputs[1], function_to_apply=function),
            theirs(references[1], function_to_apply=function),
        )


def ctc_reference_text(name: str, clip: np.ndarray, length: int, masked: bool) -> str:
    """The tokenizer's decoding of the argmax over the frames the clip itself makes (the
    model's own length arithmetic), on PyTorch's logits of the padded clip."""
    import torch
    from transformers import AutoTokenizer

    logits = padded_logits(name, clip, length, masked)
    model = torch_reference(name)[1]
    frames = int(model._get_feat_extract_output_lengths(torch.tensor(clip.size)))
    ids = logits[:frames].argmax(axis=-1)
    return AutoTokenizer.from_pretrained(fixture_path(name)).decode(ids)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("name", RECOGNIZERS)
def test_ctc_speech_recognition_matches_transformers(export_cache, name, mode):
    package_dir = package(export_cache, name, mode)
    ours = modelexport.pipeline(model=str(package_dir))
    inputs, references = inputs_and_references()
    results = ours(inputs)
    if pads_unlike_reference(package_dir, mode):
        length = processor_config(package_dir)["shapes"]["length"]
        masked = "attention_mask" in processor_config(package_dir)["model_input_names"]
        for result, clip in zip(results, references, strict=True):
            assert result == {"text": ctc_reference_text(name, clip, length, masked)}
        return
    theirs = reference("automatic-speech-recognition", name)
    texts = 0
    for result, clip in zip(results, references, strict=True):
        expected = theirs(clip)
        assert result == expected
        texts += bool(expected["text"].strip())
    assert texts >= len(references) // 2, "the fixture should produce text on speech"
    for kind in ("char", "word"):
        for given, clip in zip(inputs[:3], references[:3], strict=True):
            assert ours(given, return_timestamps=kind) == theirs(clip, return_timestamps=kind)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
def test_ctc_chunking_stitches_as_transformers(export_cache, mode):
    # wav2vec2's CTC fixture has an attention mask that makes padding exact (one positional
    # convolution over zeroed frames): its fixed package pads each chunk to 10 s and still
    # gives transformers' unpadded results.
    name = "wav2vec2-automatic-speech-recognition"
    ours = modelexport.pipeline(model=str(package(export_cache, name, mode)))
    theirs = reference("automatic-speech-recognition", name)
    speech = long_speech(14.0)
    for chunk, stride in ((4.0, None), (2.5, 0.5), (6.0, 1.0)):
        options = {"chunk_length_s": chunk}
        if stride is not None:
            options["stride_length_s"] = stride
        expected = theirs(speech, **options)
        assert ours(speech, **options) == expected, options
        assert expected["text"]
        timed = {**options, "return_timestamps": "word"}
        assert ours(speech, **timed) == theirs(speech, **timed)


def test_clip_longer_than_a_fixed_graph_is_a_clear_error(export_cache):
    name = next(n for n in RECOGNIZERS if n.startswith("data2vec"))
    ours = modelexport.pipeline(model=str(package(export_cache, name, "fixed")))
    with pytest.raises(modelexport.PipelineError, match="chunk_length_s") as error:
        ours(long_speech(14.0))
    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (np.zeros(0, dtype=np.float32), "empty"),
        (np.array([0.1, np.nan, 0.2], dtype=np.float32), "NaN or infinite"),
        ({"raw": np.zeros(100, dtype=np.float32), "sampling_rate": 5}, "sampling rate"),
        ({"raw": np.zeros(100, dtype=np.float32)}, "sampling_rate"),
        (b"RIFF....garbage", "not a supported audio file"),
        ("/nonexistent/speech.wav", "speech.wav"),
        (np.zeros((3, 4, 5), dtype=np.float32), "uint8"),  # not audio: read as pixels
    ],
    ids=["empty", "nan", "absurd-rate", "no-rate", "corrupt", "missing", "3-d"],
)
def test_bad_audio_is_a_one_line_error(export_cache, given, message):
    ours = modelexport.pipeline(model=str(package(export_cache, CLASSIFIERS[0], "dynamic")))
    with pytest.raises((modelexport.PipelineError, ValueError), match=message) as error:
        ours(given)
    assert "\n" not in str(error.value)


def test_native_cli_reads_audio_files(export_cache, cli, tmp_path):
    name = RECOGNIZERS[0]
    package_dir = package(export_cache, name, "dynamic")
    listing = tmp_path / "files.txt"
    listing.write_text("\n".join(str(p) for p in SPEECH_FILES[:2]) + "\n")
    run = subprocess.run(
        [
            str(RUN_BINARY),
            str(package_dir),
            "--input-file",
            str(listing),
            "--return-timestamps",
            "word",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    python_cli = cli(
        "run", str(package_dir), "--input-file", str(listing), "--return-timestamps", "word"
    )
    assert python_cli.returncode == 0, python_cli.stderr
    assert python_cli.stdout == run.stdout  # one command, two front ends
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    python = modelexport.pipeline(model=str(package_dir))
    expected = python([str(p) for p in SPEECH_FILES[:2]], return_timestamps="word")
    for line, result in zip(lines, expected, strict=True):
        assert line["text"] == result["text"]
        assert [c["timestamp"] for c in line["chunks"]] == [
            list(c["timestamp"]) for c in result["chunks"]
        ]
    bad = subprocess.run(
        [str(RUN_BINARY), str(package_dir), str(tmp_path / "missing.wav")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "missing.wav" in bad.stderr and bad.stderr.count("\n") == 1
