"""Benchmark (not a test): end-to-end latency per call, batch 1, side by side in one run.

For the real MiniLM (feature-extraction) and a tiny BERT classifier (text-classification):
  native   - the C++ pipeline in process (build/modelexport-bench-pipeline)
  python   - modelexport.pipeline (the same C++ pipeline through the bindings)
  pytorch  - transformers.pipeline on the PyTorch model
All on one intra-op thread (ORT and torch) so the comparison is per core. Each model is
exported twice: fixed shapes [1, 128] (every call runs 128 tokens, as the graph demands) and
dynamic (only the tokens of the text, like PyTorch). Prints median milliseconds and the ratios
pytorch/native and pytorch/python.

    .venv/bin/python bench/bench_pipeline_latency.py [--calls 300] [--models minilm ...]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from fixture_catalog import fixture_path  # noqa: E402

TEXTS = [
    "A man is eating food.",
    "The quick brown fox jumps over the lazy dog near the river bank this morning.",
    "Zürich is a city in Switzerland; its lake is large and clean.",
    "modelexport runs exported Hugging Face models without Python.",
]


MODELS = {"minilm": "feature-extraction", "bert-text-classification": "text-classification"}


def median_ms(function: object, calls: int) -> float:
    for text in TEXTS:  # warm-up
        function(text)  # type: ignore[operator]
    times = []
    for i in range(calls):
        start = time.perf_counter()
        function(TEXTS[i % len(TEXTS)])  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--models", nargs="+", choices=list(MODELS), default=list(MODELS))
    args = parser.parse_args()
    if args.calls < 1:
        parser.error("--calls must be at least 1")

    import torch
    from transformers import pipeline as hf_pipeline

    import modelexport
    from modelexport.export.exporter import export_with_config

    torch.set_num_threads(1)
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        texts_file = Path(scratch) / "texts.jsonl"
        texts_file.write_text("".join(json.dumps(text) + "\n" for text in TEXTS))
        for name, dynamic in ((n, d) for n in args.models for d in (False, True)):
            task = MODELS[name]
            package = Path(scratch) / f"{name}-{dynamic}"
            export_with_config(fixture_path(name), package, validate=False, dynamic=dynamic)
            native = json.loads(
                subprocess.run(
                    [
                        str(REPO / "build" / "modelexport-bench-pipeline"),
                        str(package),
                        str(texts_file),
                        "--calls",
                        str(args.calls),
                        "--threads",
                        "1",
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )["median_ms"]
            ours = modelexport.pipeline(model=str(package), threads=1)
            python = median_ms(ours, args.calls)
            reference = hf_pipeline(task, model=str(fixture_path(name)), device="cpu")
            pytorch = median_ms(
                lambda t, r=reference: r(t, truncation=True, max_length=128), args.calls
            )
            rows.append((name, "dynamic" if dynamic else "fixed [1, 128]", native, python, pytorch))

    print(
        "| model | shapes | native C++ ms | modelexport.pipeline ms | transformers (PyTorch) ms |"
        " PyTorch/native | PyTorch/python |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, shapes, native, python, pytorch in rows:
        print(
            f"| {name} | {shapes} | {native:.2f} | {python:.2f} | {pytorch:.2f} |"
            f" {pytorch / native:.1f}x | {pytorch / python:.1f}x |"
        )


if __name__ == "__main__":
    main()
