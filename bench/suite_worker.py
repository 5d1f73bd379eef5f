"""Worker of bench/suite.py that runs in .venv-optimum (transformers 4.57 + Optimum): times
Optimum's pipeline (ORTModelFor* over a package) and, for question-answering (transformers 5
dropped that pipeline), the transformers pipeline on the PyTorch model.

stdin: {"jobs": [{"kind": "optimum" | "pytorch", "task", "package" (optimum) | "model"
(pytorch), "model_class" (optimum), "threads", "calls", "batch_size", "single": [input, ...],
"corpus": [input, ...]}]}. Inputs are JSON: a text, a {"question", "context"} pair, an image
path, {"audio": path of a .npy float32 clip}.
stdout: one JSON line per job: {"latency_ms": median | "fails: ...", "throughput": items/s |
"fails: ..."}. Progress goes to stderr."""

from __future__ import annotations

import json
import statistics
import sys
import time
from typing import Any

import numpy as np


def materialize(item: Any) -> Any:
    if isinstance(item, dict) and "audio" in item:
        return np.load(item["audio"])
    return item


def failure(error: Exception) -> str:
    lines = str(error).strip().splitlines()
    return f"fails: {type(error).__name__}: {lines[0] if lines else ''}"[:160]


def build(job: dict[str, Any]) -> Any:
    import onnxruntime
    import torch
    import transformers

    task = job["task"]
    if job["kind"] == "pytorch":
        torch.set_num_threads(job["threads"])
        auto = transformers.AutoModelForQuestionAnswering
        model = auto.from_pretrained(job["model"])
        tokenizer = transformers.AutoTokenizer.from_pretrained(job["model"])
        return transformers.pipeline(task, model=model, tokenizer=tokenizer, device="cpu")
    import optimum.onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = job["threads"]
    package = job["package"]
    model = getattr(optimum.onnxruntime, job["model_class"]).from_pretrained(
        package, session_options=options
    )
    processors: dict[str, Any] = {}
    modality = job["modality"]
    if modality == "text":
        processors["tokenizer"] = transformers.AutoTokenizer.from_pretrained(package)
    elif modality == "image":
        processors["image_processor"] = transformers.AutoImageProcessor.from_pretrained(package)
    elif modality == "audio":
        extractor = transformers.AutoFeatureExtractor.from_pretrained(package)
        processors["feature_extractor"] = extractor
    try:
        from optimum.pipelines import pipeline as optimum_pipeline

        return optimum_pipeline(task, model=model, accelerator="ort", **processors)
    except Exception:  # older Optimum: the transformers pipeline over the ORTModel
        return transformers.pipeline(task, model=model, **processors)


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        pipe = build(job)
    except Exception as error:
        message = failure(error)
        return {"latency_ms": message, "throughput": message}
    single = [materialize(x) for x in job["single"]]
    try:
        for item in single[:2]:
            pipe(item)
        times = []
        for i in range(job["calls"]):
            start = time.perf_counter()
            pipe(single[i % len(single)])
            times.append((time.perf_counter() - start) * 1000)
        out["latency_ms"] = statistics.median(times)
    except Exception as error:
        out["latency_ms"] = failure(error)
    corpus = [materialize(x) for x in job["corpus"]]
    if not corpus:
        out["throughput"] = "-"
        return out
    try:
        pipe(corpus[: job["batch_size"]], batch_size=job["batch_size"])
        start = time.perf_counter()
        pipe(corpus, batch_size=job["batch_size"])
        out["throughput"] = len(corpus) / (time.perf_counter() - start)
    except Exception as error:
        out["throughput"] = failure(error)
    return out


def main() -> None:
    jobs = json.load(sys.stdin)["jobs"]
    for n, job in enumerate(jobs, 1):
        name = job.get("package") or job.get("model")
        print(f"  [worker {n}/{len(jobs)}] {job['kind']} {name} x{job['threads']}", file=sys.stderr)
        print(json.dumps(run_job(job)), flush=True)


if __name__ == "__main__":
    main()
