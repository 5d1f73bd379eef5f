"""Every audio fixture (wav2vec2, HuBERT, WavLM, data2vec-audio x classification / CTC, AST and
Whisper classification) exports with fixed and with dynamic shapes, validates against PyTorch
within 1e-4 (the exporter's default --atol: these graphs need no more) on clips of other lengths
than the traced ones, tags every node with its module (root fallback at most 1%), carries the
audio processor contract in hf_processor_config and the extractor's (and CTC tokenizer's) files,
and loads in Optimum with outputs equal to ours within 1e-5 where Optimum supports the
architecture (one Optimum process for all of them)."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import onnx
import pytest

from fixture_catalog import AUDIO_FIXTURES, CTC_VOCAB, fixture_path
from modelexport import _native

MODES = ("fixed", "dynamic")
SAMPLING_RATE = 16_000
DEFAULT_SAMPLES = 10 * SAMPLING_RATE  # --audio-seconds 10
# Fixtures whose feature extractor returns an attention mask (the layer-norm regime of the
# large checkpoints and data2vec-audio); the others are group-norm base models without one.
WITH_MASK = {
    "wav2vec2-automatic-speech-recognition",
    "hubert-automatic-speech-recognition",
    "wavlm-audio-classification",
    "data2vec-audio-audio-classification",
    "data2vec-audio-automatic-speech-recognition",
}
# Extractors that fix the time axis: (feature input, time axis, its length, the other axis).
FIXED_LENGTH = {
    "ast-audio-classification": ("input_values", 1, 256, 128),
    "whisper-audio-classification": ("input_features", 2, 3000, 80),
}
PROCESSOR_CONTRACT = {
    "processor_type",
    "feature_extractor_type",
    "feature_extractor",
    "model_input_names",
    "sampling_rate",
    "shapes",
}
PACKAGE_FILES = (
    "model.onnx",
    "config.json",
    "preprocessor_config.json",
    "export_metadata.json",
    "model_hierarchy.json",
)
CTC_FILES = ("vocab.json", "tokenizer_config.json")
EXTRACTOR_CLASS = {
    "ast-audio-classification": "ASTFeatureExtractor",
    "whisper-audio-classification": "WhisperFeatureExtractor",
}
SPEECH = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
SPEECH_FILES = ("all-circuits-busy-now.wav", "agent-pass.wav")


def dims(value_info: onnx.ValueInfoProto) -> list:
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def expected_layout(name: str, mode: str) -> tuple[list[str], list, dict]:
    """The graph's inputs, the first input's dims and hf_processor_config "shapes"."""
    dynamic = mode == "dynamic"
    batch = "batch_size" if dynamic else 1
    if name in FIXED_LENGTH:
        feature, axis, length, bins = FIXED_LENGTH[name]
        shape = [batch, length, bins] if axis == 1 else [batch, bins, length]
        shapes = {"dynamic": dynamic, "batch_size": None if dynamic else 1}
        return [feature], shape, {**shapes, "time_axis": axis, "length": length}
    # Dynamic CTC graphs take no mask (as Optimum's CTC export; the runtime never pads them).
    masked = name in WITH_MASK and not (dynamic and name.endswith("speech-recognition"))
    inputs = ["input_values", "attention_mask"] if masked else ["input_values"]
    samples = "samples" if dynamic else DEFAULT_SAMPLES
    shapes = {
        "dynamic": dynamic,
        "batch_size": None if dynamic else 1,
        "time_axis": 1,
        "length": None if dynamic else DEFAULT_SAMPLES,
    }
    return inputs, [batch, samples], shapes


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("name", "arch", "head"), AUDIO_FIXTURES, ids=[f[0] for f in AUDIO_FIXTURES]
)
def test_audio_export_validates_against_pytorch(export_cache, report_rows, name, arch, head, mode):
    report = export_cache.get(name, mode)
    package = report.output_dir

    assert report.task == head
    assert report.validation["passed"]
    assert report.validation["max_abs_diff"] <= 1e-4
    stats = report.hierarchy
    assert stats["root_fallback"] <= 0.01 * stats["total_nodes"], stats
    for file_name in PACKAGE_FILES:
        assert (package / file_name).is_file(), file_name

    metadata = dict(_native.read_metadata(str(package)))
    assert metadata["hf_pipeline_task"] == head
    assert json.loads(metadata["hf_model_config"])["model_type"] == arch
    export_config = json.loads(metadata["hf_export_config"])
    processor = json.loads(metadata["hf_processor_config"])
    assert set(processor) == PROCESSOR_CONTRACT
    assert processor["processor_type"] == "audio"
    saved = json.loads((package / "preprocessor_config.json").read_text())
    assert processor["feature_extractor"] == saved
    assert saved == json.loads((fixture_path(name) / "preprocessor_config.json").read_text())
    extractor_class = EXTRACTOR_CLASS.get(name, "Wav2Vec2FeatureExtractor")
    assert processor["feature_extractor_type"] == saved["feature_extractor_type"] == extractor_class
    assert processor["sampling_rate"] == SAMPLING_RATE

    inputs, first_dims, shapes = expected_layout(name, mode)
    assert processor["model_input_names"] == export_config["input_names"] == inputs
    assert processor["shapes"] == shapes
    assert {k: export_config[k] for k in shapes} == shapes
    assert not export_config.get("notes")

    cases = report.validation["cases"]
    if mode == "dynamic":  # validated on another batch (and clip length) than the traced one
        assert cases[0]["input_shape"][0] != cases[1]["input_shape"][0]
        if name not in FIXED_LENGTH:
            assert cases[0]["input_shape"][1] != cases[1]["input_shape"][1]

    model = onnx.load(str(package / "model.onnx"))
    onnx.checker.check_model(model)
    graph_inputs = {i.name: i for i in model.graph.input}
    assert list(graph_inputs) == inputs
    assert dims(graph_inputs[inputs[0]]) == first_dims
    assert graph_inputs[inputs[0]].type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    if "attention_mask" in graph_inputs:
        assert dims(graph_inputs["attention_mask"]) == first_dims
        assert graph_inputs["attention_mask"].type.tensor_type.elem_type == onnx.TensorProto.INT64
    assert [o.name for o in model.graph.output] == export_config["output_names"] == ["logits"]

    if head == "automatic-speech-recognition":
        for file_name in CTC_FILES:
            assert (package / file_name).is_file(), file_name
        assert json.loads((package / "vocab.json").read_text()) == {
            token: index for index, token in enumerate(CTC_VOCAB)
        }

    report_rows[f"{name}/{mode}"] = {
        "architecture": arch,
        "head": head,
        "mode": mode,
        "exporter": report.exporter,
        "opset": report.opset,
        "max_abs_diff": report.validation["max_abs_diff"],
        "export_seconds": report.export_seconds,
        "root_fallback": stats["root_fallback"],
        "total_nodes": stats["total_nodes"],
    }


def test_ctc_packages_load_with_auto_processor(export_cache):
    """transformers finds the package's processor (feature extractor + CTC tokenizer)."""
    import transformers

    for name, _, head in AUDIO_FIXTURES:
        if head != "automatic-speech-recognition":
            continue
        package = export_cache.get(name, "fixed").output_dir
        processor = transformers.AutoProcessor.from_pretrained(package)
        assert type(processor).__name__ == "Wav2Vec2Processor", name
        assert processor.tokenizer.convert_ids_to_tokens([0, 4, 5]) == ["<pad>", "|", "E"]
        assert processor.batch_decode(np.array([[0, 11, 11, 0, 5, 4, 18, 0]])) == ["HE W"]


# Optimum's ORTModelForCTC feeds input_values only (its own exporter leaves attention_mask out
# of CTC graphs, and so do our dynamic CTC exports): the fixed CTC packages whose extractor
# returns a mask (the layer-norm regime; fixed graphs pad, so they keep it) do not run there.
# Its ORTModelForAudioClassification feeds the mask, and Whisper's features.
OPTIMUM_CTC_WITHOUT_MASK = {
    (name, "fixed")
    for name, _, head in AUDIO_FIXTURES
    if head == "automatic-speech-recognition" and name in WITH_MASK
}


def test_audio_packages_load_in_optimum_with_equal_outputs(export_cache, report_rows):
    from modelexport.optimum_compat import validate_optimum_compatibility_many

    keys = [
        (name, mode)
        for name, _, _ in AUDIO_FIXTURES
        for mode in MODES
        if (name, mode) not in OPTIMUM_CTC_WITHOUT_MASK
    ]
    packages = [export_cache.get(name, mode).output_dir for name, mode in keys]
    reports = validate_optimum_compatibility_many(packages, atol=1e-5)
    failures = [r for r in reports if not r.passed or r.processor_problem]
    assert not failures, [(str(r.package), r.max_abs_diff, r.processor_problem) for r in failures]
    heads = {name: head for name, _, head in AUDIO_FIXTURES}
    for (name, mode), optimum_report in zip(keys, reports, strict=True):
        ctc = heads[name] == "automatic-speech-recognition"
        expected = "ORTModelForCTC" if ctc else "ORTModelForAudioClassification"
        assert optimum_report.model_class == expected
        assert "logits" in optimum_report.max_abs_diff
        row = report_rows.setdefault(f"{name}/{mode}", {})
        row["optimum_class"] = optimum_report.model_class
        row["optimum_max_abs_diff"] = optimum_report.max_abs_diff["logits"]


def test_optimum_ctc_does_not_feed_the_attention_mask(export_cache):
    """Recorded so a change in Optimum shows: ORTModelForCTC loads a masked CTC package but
    runs it without its attention_mask."""
    from modelexport.errors import ModelExportError
    from modelexport.optimum_compat import validate_optimum_compatibility

    assert OPTIMUM_CTC_WITHOUT_MASK
    package = export_cache.get("wav2vec2-automatic-speech-recognition", "fixed").output_dir
    with pytest.raises(ModelExportError, match="attention_mask is required by model"):
        validate_optimum_compatibility(package)


def read_speech(name: str) -> np.ndarray:
    """A real 8 kHz speech recording, as 16 kHz float32 (scipy's polyphase resampling)."""
    from scipy.signal import resample_poly

    with wave.open(str(SPEECH / name)) as recording:
        assert recording.getframerate() == 8000 and recording.getsampwidth() == 2
        samples = np.frombuffer(recording.readframes(recording.getnframes()), dtype=np.int16)
    return resample_poly(samples.astype(np.float32) / 32768.0, 2, 1).astype(np.float32)


def test_ctc_fixtures_transcribe_speech_into_words():
    """The random CTC heads are tuned (make_fixtures.make_ctc_head_talk) so transformers'
    pipeline turns real speech into varied words, not blanks or one repeated letter."""
    import transformers

    if not (SPEECH / SPEECH_FILES[0]).is_file():
        pytest.skip(f"{SPEECH} missing (asterisk-core-sounds-en-wav, scripts/setup.sh)")
    clips = [read_speech(file_name) for file_name in SPEECH_FILES]
    for name, _, head in AUDIO_FIXTURES:
        if head != "automatic-speech-recognition":
            continue
        asr = transformers.pipeline("automatic-speech-recognition", model=str(fixture_path(name)))
        for clip in clips:
            text = asr(clip)["text"]
            words = text.split()
            assert len(words) >= 3 and len(set(words)) >= 3, (name, text)
            assert len(set(text.replace(" ", ""))) >= 5, (name, text)
            assert not {"<s>", "</s>", "<unk>", "<pad>"} & set(words), (name, text)


def test_validate_reruns_against_the_source_model(export_cache):
    from modelexport.export.exporter import validate_package_against_source

    for name, mode in (
        ("wav2vec2-automatic-speech-recognition", "dynamic"),
        ("whisper-audio-classification", "fixed"),
    ):
        result = validate_package_against_source(export_cache.get(name, mode).output_dir)
        assert result.passed, (name, mode, result.to_json())


def test_audio_seconds_option_fixes_the_clip_length(tmp_path):
    from modelexport.export.exporter import export_with_config

    report = export_with_config(
        fixture_path("hubert-audio-classification"), tmp_path / "out", audio_seconds=2.5
    )
    assert report.validation["passed"]
    metadata = dict(_native.read_metadata(str(report.output_dir)))
    processor = json.loads(metadata["hf_processor_config"])
    assert processor["shapes"] == {
        "dynamic": False,
        "batch_size": 1,
        "time_axis": 1,
        "length": 40_000,
    }
    assert json.loads(metadata["hf_export_config"])["audio_seconds"] == 2.5
    model = onnx.load(str(report.output_dir / "model.onnx"), load_external_data=False)
    assert dims(model.graph.input[0]) == [1, 40_000]


@pytest.mark.parametrize(
    ("fixture", "options", "message"),
    [
        ("bert-text-classification", {"audio_seconds": 5.0}, "--audio-seconds applies to audio"),
        ("vit-image-classification", {"audio_seconds": 5.0}, "--audio-seconds applies to audio"),
        ("wav2vec2-audio-classification", {"sequence_length": 64}, "--sequence-length applies"),
        ("wav2vec2-audio-classification", {"image_size": (32, 32)}, "--image-size applies"),
        ("ast-audio-classification", {"audio_seconds": 5.0}, "raw-waveform audio models only"),
        ("whisper-audio-classification", {"audio_seconds": 5.0}, "raw-waveform audio models only"),
        ("hubert-audio-classification", {"audio_seconds": 0.0}, "must be positive"),
    ],
)
def test_shape_options_of_another_modality_are_bad_usage(tmp_path, fixture, options, message):
    from modelexport.errors import ModelExportError
    from modelexport.export.exporter import export_with_config

    with pytest.raises(ModelExportError, match=message):
        export_with_config(fixture_path(fixture), tmp_path / "out", **options)
    assert not (tmp_path / "out").exists()


def test_rebuilding_an_audio_fixture_gives_the_same_hash(tmp_path):
    import subprocess
    import sys

    import fixture_hashes
    from fixture_catalog import REPO_ROOT

    name = "wav2vec2-automatic-speech-recognition"
    script = REPO_ROOT / "scripts" / "make_fixtures.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path), "--only", name],
        check=True,
        capture_output=True,
    )
    rebuilt = json.loads((tmp_path / fixture_hashes.REPORT_FILE).read_text())
    assert rebuilt[f"model:{name}"] == fixture_hashes.committed("models")[f"model:{name}"]
