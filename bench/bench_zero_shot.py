"""Benchmark (not a test): zero-shot image classification side by side in one run, as ratios.

One image against N candidate labels (default 8), batch 1, on one thread and on all cores:
  native        - modelexport.pipeline; the labels' text embeddings are cached after the first
                  call (the towers run apart), so a repeated label set costs one image run
  native-cold   - the same with a new label set every call (both towers run)
  pytorch       - transformers.pipeline on the PyTorch model (both towers every call)
Model: the tiny CLIP fixture (a measure of overheads), or with --size base a random model of
openai/clip-vit-base-patch32's configuration (151 M parameters; exported once into a temporary
folder, a couple of minutes).

    .venv/bin/python bench/bench_zero_shot.py [--calls 20] [--labels 8] [--size tiny|base]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from fixture_catalog import fixture_path  # noqa: E402

FIXTURE = "clip-zero-shot-image-classification"


def median_ms(call: Callable[[int], Any], calls: int) -> float:
    call(-1)  # warm-up
    times = []
    for i in range(calls):
        start = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(
    ours: Any, theirs: Any, image: Any, labels: list[str], calls: int
) -> tuple[float, float, float]:
    """Medians of the native pipeline (labels cached), the native pipeline with new labels
    every call, and the transformers pipeline."""
    native = median_ms(lambda i: ours(image, candidate_labels=labels), calls)
    cold = median_ms(lambda i: ours(image, candidate_labels=[f"{x} {i}" for x in labels]), calls)
    reference = median_ms(lambda i: theirs(image, candidate_labels=labels), calls)
    return native, cold, reference


def base_model(folder: Path) -> Path:
    """A random CLIP with the real base configuration, the fixture's tokenizer and processor
    settings at 224 pixels."""
    import torch
    import transformers

    source = fixture_path(FIXTURE)
    tokenizer = transformers.AutoTokenizer.from_pretrained(source)
    text_config = {
        "vocab_size": len(tokenizer),
        "eos_token_id": tokenizer.eos_token_id,
        "bos_token_id": tokenizer.bos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    config = transformers.CLIPConfig(text_config=text_config, vision_config={"patch_size": 32})
    config.architectures = ["CLIPModel"]
    torch.manual_seed(0)
    transformers.CLIPModel(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    transformers.CLIPImageProcessorPil().save_pretrained(folder)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--labels", type=int, default=8)
    parser.add_argument("--size", choices=("tiny", "base"), default="tiny")
    args = parser.parse_args()

    import skimage.data
    import torch
    from PIL import Image
    from transformers import pipeline

    import modelexport
    from modelexport.export.exporter import export_with_config

    image = Image.fromarray(skimage.data.chelsea())
    labels = [f"a photo of thing number {i}" for i in range(args.labels)]
    with tempfile.TemporaryDirectory() as scratch:
        source = fixture_path(FIXTURE)
        if args.size == "base":
            source = base_model(Path(scratch) / "clip-base")
        package = export_with_config(source, Path(scratch) / "package").output_dir
        print(f"zero-shot-image-classification, {args.size} CLIP, 1 image x {args.labels} labels, "
              f"median of {args.calls} calls (ms)")  # fmt: skip
        print(f"{'threads':>8} {'native':>9} {'cold':>9} {'pytorch':>9} {'pytorch/native':>15}")
        for threads in (1, os.cpu_count() or 1):
            torch.set_num_threads(threads)
            ours = modelexport.pipeline(model=str(package), threads=threads)
            theirs = pipeline("zero-shot-image-classification", model=str(source))
            native, cold, reference = measure(ours, theirs, image, labels, args.calls)
            print(f"{threads:>8} {native:>9.2f} {cold:>9.2f} {reference:>9.2f} "
                  f"{reference / native:>14.1f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
