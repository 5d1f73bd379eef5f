"""Benchmark (not a test): the vision pipelines side by side in one run, reported as ratios.

Per task (image-classification, object-detection, image-segmentation,
image-feature-extraction), batch 1 and batch 16, on one thread and on all cores:
  native    - modelexport.pipeline (C++ decoding, preprocessing, ONNX Runtime, post-processing)
  pytorch   - transformers.pipeline on the PyTorch model (its default, PIL-backend processor)
  optimum   - transformers.pipeline over Optimum's ORTModelFor* (.venv-optimum; object detection
              has no Optimum class)
  ort       - raw ONNX Runtime on already preprocessed pixel_values (the floor: model run only)
and preprocessing alone (decoded image -> pixel_values): the native image processor vs the
transformers image processor. The fast (torchvision) processors are not installed in this
environment, so only the PIL backend, which transformers uses by default here, is compared.

Models: the tiny fixtures by default (a measure of overheads), or with --size base random
models of the real configurations (ViT-base, DETR-ResNet-50, SegFormer-b0, DINOv2-small).
Images: scikit-image's photographs, decoded from their files on every call.

    .venv/bin/python bench/bench_vision.py [--calls 20] [--tasks image-classification ...]
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

from fixture_catalog import fixture_path  # noqa: E402
from vision_images import skimage_images  # noqa: E402

FIXTURES = {
    "image-classification": "vit-image-classification",
    "object-detection": "detr-object-detection",
    "image-segmentation": "segformer-image-segmentation",
    "image-feature-extraction": "dinov2-image-feature-extraction",
}
OPTIMUM_PYTHON = REPO / ".venv-optimum" / "bin" / "python"

# Runs in .venv-optimum: times transformers.pipeline over ORTModelFor* on the given images.
OPTIMUM_SCRIPT = r"""
import json, statistics, sys, time
import onnxruntime, optimum.onnxruntime
from transformers import AutoImageProcessor, pipeline
job = json.loads(sys.argv[1])
options = onnxruntime.SessionOptions()
options.intra_op_num_threads = job["threads"]
model = getattr(optimum.onnxruntime, job["model_class"]).from_pretrained(
    job["package"], session_options=options)
processor = AutoImageProcessor.from_pretrained(job["package"])
pipe = pipeline(job["task"], model=model, image_processor=processor)
results = {}
for batch in job["batches"]:
    images = (job["images"] * batch)[:batch]
    try:
        pipe(images, batch_size=1)
        times = []
        for _ in range(job["calls"]):
            start = time.perf_counter()
            pipe(images, batch_size=1)
            times.append((time.perf_counter() - start) * 1000)
        results[str(batch)] = statistics.median(times)
    except Exception as error:
        results[str(batch)] = f"fails: {type(error).__name__}"
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


def reference_ms(pipe: Any, images: list[str], batch: int, calls: int) -> float | str:
    """transformers' median ms for a list at batch_size=batch; its collate cannot batch
    detection images of different sizes, so where batching fails the list runs one by one
    (marked with *)."""
    try:
        return median_ms(lambda: pipe(images, batch_size=batch), calls)
    except RuntimeError:
        return f"{median_ms(lambda: pipe(images, batch_size=1), calls):.2f}*"


def base_model(task: str, folder: Path) -> Path:
    """A random model of the real configuration of the task's reference model, in `folder`,
    with the fixture's preprocessor settings scaled back up to the real sizes."""
    import torch
    import transformers

    torch.manual_seed(0)
    if task == "image-classification":
        config = transformers.ViTConfig(num_labels=1000)
        model = transformers.ViTForImageClassification(config)
        processor = transformers.ViTImageProcessor()
    elif task == "object-detection":
        backbone = transformers.ResNetConfig(
            depths=[3, 4, 6, 3], layer_type="bottleneck", out_features=["stage4"]
        )
        config = transformers.DetrConfig(
            use_timm_backbone=False, backbone_config=backbone, num_labels=91
        )
        model = transformers.DetrForObjectDetection(config)
        processor = transformers.DetrImageProcessor()
    elif task == "image-segmentation":
        config = transformers.SegformerConfig(num_labels=150)
        model = transformers.SegformerForSemanticSegmentation(config)
        processor = transformers.SegformerImageProcessor()
    else:
        config = transformers.Dinov2Config(hidden_size=384, num_attention_heads=6)
        model = transformers.Dinov2Model(config)
        processor = transformers.BitImageProcessor(
            size={"shortest_edge": 256}, crop_size={"height": 224, "width": 224}
        )
    model.eval().save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def ratio(reference: Any, ours: float) -> str:
    if isinstance(reference, str) and reference.endswith("*"):
        reference = float(reference[:-1])
    return f"{reference / ours:.1f}x" if isinstance(reference, float) else "-"


def cell(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--tasks", nargs="+", choices=list(FIXTURES), default=list(FIXTURES))
    parser.add_argument("--size", choices=["tiny", "base"], default="tiny")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--no-optimum", action="store_true", help="skip the Optimum column")
    args = parser.parse_args()
    if args.calls < 1:
        parser.error("--calls must be at least 1")

    import numpy as np
    import onnxruntime
    import torch
    from PIL import Image
    from transformers import AutoImageProcessor
    from transformers import pipeline as hf_pipeline

    import modelexport
    from modelexport import _native
    from modelexport.export.exporter import export_with_config
    from modelexport.export.tasks import task_spec

    all_threads = os.cpu_count() or 1
    paths = [str(p) for p in skimage_images()[:4]]
    rows, prep_rows = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for task in args.tasks:
            source = fixture_path(FIXTURES[task])
            if args.size == "base":
                source = base_model(task, Path(scratch) / f"{task}-model")
            package = Path(scratch) / task
            export_with_config(source, package, validate=False)
            processor_json = (package / "preprocessor_config.json").read_text()
            reference_processor = AutoImageProcessor.from_pretrained(source)
            arrays = [np.asarray(Image.open(p).convert("RGB")) for p in paths]
            for threads in sorted({1, all_threads}):
                torch.set_num_threads(threads)
                ours = modelexport.pipeline(model=str(package), threads=threads)
                theirs = hf_pipeline(task, model=str(source), device="cpu")
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = threads
                session = onnxruntime.InferenceSession(
                    str(package / "model.onnx"), options, providers=["CPUExecutionProvider"]
                )
                graph = {i.name: i.shape for i in session.get_inputs()}
                fixed = graph["pixel_values"][2:]
                height, width = (v if isinstance(v, int) else None for v in fixed)
                optimum: dict[str, Any] = {}
                spec = task_spec(task)
                if not args.no_optimum and spec.ort_model_class and OPTIMUM_PYTHON.exists():
                    job = {
                        "package": str(package),
                        "model_class": spec.ort_model_class,
                        "task": task,
                        "images": paths,
                        "batches": args.batches,
                        "calls": args.calls,
                        "threads": threads,
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
                        optimum = {str(b): "fails" for b in args.batches}
                for batch in args.batches:
                    images = (paths * batch)[:batch]
                    decoded = (arrays * batch)[:batch]
                    native = median_ms(lambda i=images, o=ours: o(i), args.calls)
                    pytorch = reference_ms(theirs, images, batch, args.calls)
                    fed = _native.preprocess_images(processor_json, decoded, height, width)
                    feeds = {k: v for k, v in fed.items() if k in graph}
                    fixed_batch = graph["pixel_values"][0]
                    if isinstance(fixed_batch, int):
                        chunks = [
                            {k: v[i : i + fixed_batch] for k, v in feeds.items()}
                            for i in range(0, batch, fixed_batch)
                        ]
                    else:
                        chunks = [feeds]
                    ort = median_ms(
                        lambda c=chunks, s=session: [s.run(None, f) for f in c], args.calls
                    )
                    rows.append(
                        (task, threads, batch, native, pytorch, optimum.get(str(batch), "-"), ort)
                    )
                    prep_native = median_ms(
                        lambda d=decoded, j=processor_json: _native.preprocess_images(j, d),
                        args.calls,
                    )
                    pil = [Image.fromarray(a) for a in decoded]
                    prep_hf = median_ms(
                        lambda p=pil, r=reference_processor: r(p, return_tensors="np"),
                        args.calls,
                    )
                    prep_rows.append((task, threads, batch, prep_native, prep_hf))

    print(f"models: {args.size}; images: {len(paths)} scikit-image photographs; median ms")
    print(
        "| task | threads | batch | native | transformers (PyTorch) | Optimum | raw ORT |"
        " PyTorch/native | Optimum/native | native/ORT |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for task, threads, batch, native, pytorch, optimum_ms, ort in rows:
        print(
            f"| {task} | {threads} | {batch} | {native:.2f} | {cell(pytorch)} | {cell(optimum_ms)}"
            f" | {ort:.2f} | {ratio(pytorch, native)} | {ratio(optimum_ms, native)}"
            f" | {native / ort:.2f} |"
        )
    print("* transformers cannot batch these images (its collate fails on mixed sizes): one by one")
    print()
    print("preprocessing alone (decoded RGB -> pixel_values)")
    print("| task | threads | batch | native | transformers (PIL backend) | ratio |")
    print("|---|---|---|---|---|---|")
    for task, threads, batch, prep_native, prep_hf in prep_rows:
        print(
            f"| {task} | {threads} | {batch} | {prep_native:.2f} | {prep_hf:.2f} |"
            f" {prep_hf / prep_native:.1f}x |"
        )


if __name__ == "__main__":
    main()
