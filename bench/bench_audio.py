"""Benchmark (not a test): the audio pipelines side by side in one run, reported as ratios.

Per task (audio-classification, automatic-speech-recognition with CTC), on clips of 1 s, 10 s
and 60 s of real speech (Debian's asterisk prompts, one after another, at 16 kHz), on one
thread and on all cores:
  native    - modelexport.pipeline (C++ feature extraction, ONNX Runtime, post-processing)
  pytorch   - transformers.pipeline on the PyTorch model
  optimum   - transformers.pipeline over Optimum's ORTModelForAudioClassification /
              ORTModelForCTC (.venv-optimum; Optimum 2.1's ORTModelForCTC has no
              main_input_name, which that pipeline reads: the script sets it)
  ort       - raw ONNX Runtime on already extracted features (the floor: the model run only)
Speech recognition of clips longer than --chunk seconds (default 10) is chunked
(chunk_length_s) on every side, as a user would run long audio. Packages: --dynamic exports
(the clips differ in length). Models: the tiny data2vec-audio fixtures by default (a measure
of overheads), or with --size base random models of the real base configuration (95 M
parameters).

    .venv/bin/python bench/bench_audio.py [--calls 10] [--durations 1 10 60]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from audio_clips import MODEL_RATE, long_speech  # noqa: E402
from fixture_catalog import fixture_path  # noqa: E402

FIXTURES = {
    "audio-classification": "data2vec-audio-audio-classification",
    "automatic-speech-recognition": "data2vec-audio-automatic-speech-recognition",
}
OPTIMUM_PYTHON = REPO / ".venv-optimum" / "bin" / "python"

# Runs in .venv-optimum: times transformers.pipeline over ORTModelFor* on the given clips.
OPTIMUM_SCRIPT = r"""
import json, statistics, sys, time
import numpy as np
import onnxruntime, optimum.onnxruntime
from transformers import AutoFeatureExtractor, AutoTokenizer, pipeline
job = json.loads(sys.argv[1])
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = job["threads"]
model = getattr(optimum.onnxruntime, job["model_class"]).from_pretrained(
    job["package"], session_options=options)
if not hasattr(model, "main_input_name"):  # ORTModelForCTC lacks it; the 4.57 pipeline reads it
    model.main_input_name = "input_values"
extra = {"feature_extractor": AutoFeatureExtractor.from_pretrained(job["package"])}
if job["task"] == "automatic-speech-recognition":
    extra["tokenizer"] = AutoTokenizer.from_pretrained(job["package"])
pipe = pipeline(job["task"], model=model, **extra)
speech = np.load(job["speech"])
results = {}
for seconds in job["durations"]:
    clip = speech[: int(seconds * 16000)]
    kwargs = {"chunk_length_s": job["chunk"]} if job["chunked"] and seconds > job["chunk"] else {}
    try:
        pipe(clip, **kwargs)
        times = []
        for _ in range(job["calls"]):
            start = time.perf_counter()
            pipe(clip, **kwargs)
            times.append((time.perf_counter() - start) * 1000)
        results[str(seconds)] = statistics.median(times)
    except Exception as error:
        results[str(seconds)] = f"fails: {type(error).__name__}"
print(json.dumps(results))
"""


def median_ms(function: Callable[[], Any], calls: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def base_model(task: str, fixture: Path, folder: Path) -> Path:
    """A random data2vec-audio model of the real base configuration with the fixture's
    feature extractor (and CTC tokenizer)."""
    import shutil

    import torch
    import transformers

    torch.manual_seed(0)
    config = transformers.Data2VecAudioConfig.from_pretrained(fixture)
    base = transformers.Data2VecAudioConfig(
        vocab_size=config.vocab_size, id2label=config.id2label, label2id=config.label2id
    )
    if task == "audio-classification":
        model = transformers.Data2VecAudioForSequenceClassification(base)
    else:
        model = transformers.Data2VecAudioForCTC(base)
    model.eval().save_pretrained(folder)
    for name in (
        "preprocessor_config.json",
        "vocab.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
    ):
        if (fixture / name).is_file():
            shutil.copy(fixture / name, folder / name)
    return folder


def cell(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def ratio(reference: Any, ours: float) -> str:
    return f"{reference / ours:.1f}x" if isinstance(reference, float) else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--tasks", nargs="+", choices=list(FIXTURES), default=list(FIXTURES))
    parser.add_argument("--durations", type=float, nargs="+", default=[1.0, 10.0, 60.0])
    parser.add_argument("--chunk", type=float, default=10.0, help="chunk_length_s for long ASR")
    parser.add_argument("--size", choices=["tiny", "base"], default="tiny")
    parser.add_argument("--no-optimum", action="store_true", help="skip the Optimum column")
    args = parser.parse_args()
    if args.calls < 1 or min(args.durations) <= 0:
        parser.error("--calls must be at least 1 and durations positive")

    import numpy as np
    import onnxruntime
    import torch
    from transformers import pipeline as hf_pipeline

    import modelexport
    from modelexport import _native
    from modelexport.export.exporter import export_with_config
    from modelexport.export.tasks import task_spec

    all_threads = os.cpu_count() or 1
    speech = long_speech(max(args.durations))
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        np.save(Path(scratch) / "speech.npy", speech)
        for task in args.tasks:
            source = fixture_path(FIXTURES[task])
            if args.size == "base":
                source = base_model(task, source, Path(scratch) / f"{task}-model")
            package = Path(scratch) / task
            export_with_config(source, package, dynamic=True, validate=False)
            extractor_json = (package / "preprocessor_config.json").read_text()
            chunked = task == "automatic-speech-recognition"
            for threads in sorted({1, all_threads}):
                torch.set_num_threads(threads)
                ours = modelexport.pipeline(model=str(package), threads=threads)
                theirs = hf_pipeline(task, model=str(source), device="cpu")
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = threads
                session = onnxruntime.InferenceSession(
                    str(package / "model.onnx"), options, providers=["CPUExecutionProvider"]
                )
                inputs = {i.name for i in session.get_inputs()}
                optimum: dict[str, Any] = {}
                spec = task_spec(task)
                if not args.no_optimum and OPTIMUM_PYTHON.exists():
                    job = {
                        "package": str(package),
                        "model_class": spec.ort_model_class,
                        "task": task,
                        "speech": str(Path(scratch) / "speech.npy"),
                        "durations": args.durations,
                        "calls": args.calls,
                        "threads": threads,
                        "chunk": args.chunk,
                        "chunked": chunked,
                    }
                    run = subprocess.run(
                        [str(OPTIMUM_PYTHON), "-c", OPTIMUM_SCRIPT, json.dumps(job)],
                        capture_output=True,
                        text=True,
                        check=False,
                    )
                    lines = run.stdout.strip().splitlines()
                    optimum = json.loads(lines[-1]) if run.returncode == 0 and lines else {}
                    if not optimum:
                        optimum = {str(d): "fails" for d in args.durations}
                for seconds in args.durations:
                    clip = speech[: int(seconds * MODEL_RATE)]
                    kwargs = (
                        {"chunk_length_s": args.chunk} if chunked and seconds > args.chunk else {}
                    )
                    native = median_ms(lambda c=clip, k=kwargs, o=ours: o(c, **k), args.calls)
                    pytorch = median_ms(lambda c=clip, k=kwargs, t=theirs: t(c, **k), args.calls)
                    features, _valid = _native.extract_audio_features(extractor_json, clip)
                    feeds = {"input_values": features[None]}
                    if "attention_mask" in inputs:
                        feeds["attention_mask"] = np.ones((1, features.shape[0]), dtype=np.int64)
                    ort = median_ms(lambda f=feeds, s=session: s.run(None, f), args.calls)
                    rows.append(
                        (
                            task,
                            threads,
                            seconds,
                            native,
                            pytorch,
                            optimum.get(str(seconds), "-"),
                            ort,
                            bool(kwargs),
                        )
                    )

    print(f"models: {args.size}; clips: asterisk speech at 16 kHz; median ms of {args.calls} calls")
    print(
        "| task | threads | seconds | native | transformers (PyTorch) | Optimum | raw ORT |"
        " PyTorch/native | Optimum/native | native/ORT |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for task, threads, seconds, native, pytorch, optimum_ms, ort, chunked in rows:
        mark = "*" if chunked else ""
        print(
            f"| {task} | {threads} | {seconds:g}{mark} | {native:.2f} | {pytorch:.2f} |"
            f" {cell(optimum_ms)} | {ort:.2f} | {ratio(pytorch, native)} |"
            f" {ratio(optimum_ms, native)} | {native / ort:.2f} |"
        )
    print(f"* chunked (chunk_length_s={args.chunk:g}); raw ORT runs the whole clip at once")


if __name__ == "__main__":
    main()
