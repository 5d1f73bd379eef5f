"""Benchmark suite (not a test): every task of the seeds' matrix that exists, native against the
Python stack, in one command that writes a markdown table and a JSON file.

Per task (fixture model), package variant and thread count (1 and all cores; ONNX Runtime's
intra_op_num_threads and torch.set_num_threads always equal):
  native      - modelexport.pipeline (the C++ pipeline through the bindings)
  native C++  - the same pipeline in a C++ process (build/modelexport-bench-pipeline)
  PyTorch     - transformers.pipeline on the PyTorch model (question-answering: transformers
                4.57 in .venv-optimum, transformers 5 has no such pipeline)
  Optimum     - Optimum's pipeline over ORTModelFor*.from_pretrained(package) (.venv-optimum)
  raw ORT     - onnxruntime.InferenceSession.run on already pre-processed inputs (the floor:
                the model run only, on the graph the package holds for that input's length)
Metrics: batch-1 latency (median of --calls calls cycling through a few inputs) and corpus
throughput (items/s over one pass: --corpus deterministic English sentences for the text rows,
made from the pinned texts of tests/tokenizer_corpus.py; a smaller corpus of images, clips and
pages otherwise; batches of 16). Native and sentence-transformers get the corpus as it comes
(they sort by length themselves); transformers, Optimum and raw ORT get it sorted by length,
their best case. Package variants: fixed (sequence_length=128, one graph), dynamic, default
(whatever the exporter does by default) and int8 (optimize=True, quantize="int8" where the
exporter has them, else n/a). all-MiniLM-L6-v2 also runs against sentence-transformers'
encode (PyTorch) with the cosine of the embeddings. Exports are cached in --cache, keyed by
model, options and the exporter's source. The issue's goals are checked from the numbers.

    .venv/bin/python bench/suite.py --out bench/results [--quick] [--tasks ...]
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import inspect
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from fixture_catalog import fixture_path  # noqa: E402

OPTIMUM_PYTHON = REPO / ".venv-optimum" / "bin" / "python"
WORKER = Path(__file__).resolve().parent / "suite_worker.py"
CORPUS_SEED = 20261202
BATCH = 16
QUESTIONS = (
    "What does it say?",
    "Who is responsible?",
    "What is not allowed?",
    "When does it apply?",
)
PAGE_QUESTIONS = ("What is the invoice number?", "When is the total due?", "Who sent it?")


@dataclass(frozen=True)
class Row:
    task: str
    fixture: str
    modality: str

    @property
    def text(self) -> bool:
        return self.modality == "text"


ROWS = (
    Row("feature-extraction", "minilm", "text"),
    Row("text-classification", "bert-text-classification", "text"),
    Row("token-classification", "bert-token-classification", "text"),
    Row("question-answering", "bert-question-answering", "text"),
    Row("image-classification", "vit-image-classification", "image"),
    Row("object-detection", "detr-object-detection", "image"),
    Row("audio-classification", "wav2vec2-audio-classification", "audio"),
    Row("document-question-answering", "layoutlm-document-question-answering", "document"),
)

TEXT_TASKS = {r.task for r in ROWS if r.text}
VARIANT_LABELS = {"fixed": "fixed [1,128]", "int8": "int8 (optimized)"}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- inputs ------------------------------------------------------------------------------------


def sentence_corpus(size: int) -> list[str]:
    """`size` English sentences of varied length (1 to 4 sentences of the pinned licence texts
    and Django's English UI strings, at most 400 characters: under 128 tokens), deterministic."""
    from tokenizer_corpus import natural_text

    pool: set[str] = set()
    for line in natural_text(random.Random(CORPUS_SEED)):
        for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
            sentence = sentence.strip()
            letters = sum(c.isalpha() or c == " " for c in sentence)
            if (
                len(sentence.split()) >= 3
                and len(sentence) <= 300
                and sentence[:1].isupper()
                and sentence.isascii()
                and letters >= 0.85 * len(sentence)
            ):
                pool.add(sentence)
    ordered = sorted(pool)
    rng = random.Random(CORPUS_SEED)
    corpus = []
    while len(corpus) < size:
        parts = rng.sample(ordered, rng.choice((1, 1, 1, 2, 2, 3, 4)))
        text = " ".join(parts)
        corpus.append(text if len(text) <= 400 else parts[0])
    return corpus


def text_inputs(task: str, corpus: list[str]) -> list[Any]:
    if task == "question-answering":
        return [
            {"question": QUESTIONS[i % len(QUESTIONS)], "context": c} for i, c in enumerate(corpus)
        ]
    return corpus


def render_pages(folder: Path) -> list[dict[str, Any]]:
    """Rendered invoice-like pages with their words and boxes (Tesseract through the native OCR,
    once, so every side gets the same word_boxes), one question each."""
    from PIL import Image, ImageDraw, ImageFont

    from modelexport import _native

    pages = (
        ("Invoice number: 12345", "Total due: $99.50 on 2024-01-02", "From ACME Corporation"),
        ("ACME Corporation", "Ship to: Jane Doe, 42 Main Street", "Amount 1,250.00 EUR"),
        ("Quarterly report", "Revenue grew 17 percent", "Signed by the board"),
        ("Receipt 2024-88", "Paid by card on 3 March", "Thank you for your order"),
    )
    items = []
    for i, lines in enumerate(pages):
        path = folder / f"page-{i}.png"
        page = Image.new("RGB", (600, 300), "white")
        draw = ImageDraw.Draw(page)
        font = ImageFont.load_default(size=24)
        for row, line in enumerate(lines):
            draw.text((20, 20 + row * 48), line, fill="black", font=font)
        page.save(path)
        import numpy as np

        ocr = _native.ocr_words(np.asarray(page), "", "")
        boxes = [_native.normalize_box(b, 600, 300) for b in ocr.boxes]
        words = [[w, b] for w, b in zip(ocr.words, boxes, strict=True)]
        items.append(
            {
                "image": str(path),
                "question": PAGE_QUESTIONS[i % len(PAGE_QUESTIONS)],
                "word_boxes": words,
            }
        )
    return items


def audio_clips(folder: Path, count: int) -> list[dict[str, str]]:
    """`count` clips of 1 s of real speech (tests/audio_clips.py), saved as .npy."""
    import numpy as np

    from audio_clips import MODEL_RATE, long_speech

    speech = long_speech(float(count))
    clips = []
    for i in range(count):
        path = folder / f"clip-{i}.npy"
        np.save(path, speech[i * MODEL_RATE : (i + 1) * MODEL_RATE].astype(np.float32))
        clips.append({"audio": str(path)})
    return clips


def materialize(item: Any) -> Any:
    if isinstance(item, dict) and "audio" in item:
        import numpy as np

        return np.load(item["audio"])
    return item


def call(pipe: Any, item: Any, **kwargs: Any) -> Any:
    """A pipeline call on one input (documents and QA pairs as keyword arguments)."""
    if isinstance(item, dict) and "word_boxes" in item:
        return pipe(**item, **kwargs)
    return pipe(item, **kwargs)


# --- timing ------------------------------------------------------------------------------------


def median_ms(function: Callable[[Any], Any], inputs: Sequence[Any], calls: int) -> float:
    for item in inputs[:2]:
        function(item)  # warm-up
    times = []
    for i in range(calls):
        item = inputs[i % len(inputs)]
        start = time.perf_counter()
        function(item)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def per_second(run: Callable[[], Any], warm: Callable[[], Any], items: int) -> float:
    warm()
    start = time.perf_counter()
    run()
    return items / (time.perf_counter() - start)


def attempt(function: Callable[[], Any]) -> Any:
    try:
        return function()
    except Exception as error:  # a failing side is a cell of the table, not the end of the run
        lines = str(error).strip().splitlines()
        return f"fails: {type(error).__name__}: {lines[0] if lines else ''}"[:160]


# --- packages ----------------------------------------------------------------------------------


def exporter_fingerprint() -> str:
    """A hash of the exporter's Python sources and the native module: a cached package is
    reused only while the code that made it is unchanged."""
    import modelexport
    from modelexport import _native

    root = Path(modelexport.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.read_bytes())
    digest.update(Path(_native.__file__).read_bytes())
    return digest.hexdigest()[:16]


def variant_options(row: Row, int8: bool) -> dict[str, dict[str, Any] | None]:
    """Variant name -> export_with_config keyword arguments (None: the exporter lacks them)."""
    variants: dict[str, dict[str, Any] | None] = {}
    if row.text:
        variants["fixed"] = {"sequence_length": 128}
    variants["dynamic"] = {"dynamic": True}
    variants["default"] = {}
    variants["int8"] = {"optimize": True, "quantize": "int8"} if int8 else None
    return variants


def export(row: Row, options: dict[str, Any], cache: Path, fingerprint: str) -> Path:
    from modelexport.export.exporter import export_with_config

    key = hashlib.sha256(
        json.dumps([row.fixture, options, fingerprint], sort_keys=True).encode()
    ).hexdigest()[:12]
    folder = cache / f"{row.fixture}-{key}"
    done = folder / ".bench-complete"
    if done.is_file():
        return folder
    for stale in cache.glob(f"{row.fixture}-*/.bench-complete"):
        # The same export made by other code: replaced by this one.
        if json.loads(stale.read_text()).get("options") == options:
            shutil.rmtree(stale.parent, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    log(f"export {row.fixture} {options or '(default)'}")
    export_with_config(fixture_path(row.fixture), folder, validate=False, force=True, **options)
    done.write_text(json.dumps({"options": options, "fingerprint": fingerprint}))
    return folder


# --- raw ONNX Runtime ----------------------------------------------------------------------------


class Graphs:
    """The package's graphs (model.onnx and any shape-bucket graphs model_seq*.onnx beside it)
    as ONNX Runtime sessions, and the one a given sequence length runs on."""

    def __init__(self, package: Path, threads: int) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        # model.onnx first, then the shape buckets the lead's exporter writes beside it.
        paths = [package / "model.onnx", *sorted(package.glob("model_seq*.onnx"))]
        self.sessions = [
            onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
            for path in paths
        ]
        self.main = self.sessions[0]
        self.by_length: list[tuple[int, Any]] = []
        for session in self.sessions:
            ids = next((i for i in session.get_inputs() if i.name == "input_ids"), None)
            if ids is not None and len(ids.shape) > 1 and isinstance(ids.shape[1], int):
                self.by_length.append((ids.shape[1], session))
        self.by_length.sort(key=lambda pair: pair[0])

    def batch_size(self, session: Any = None) -> int | None:
        first = (session or self.main).get_inputs()[0].shape[0]
        return first if isinstance(first, int) else None

    def for_length(self, length: int) -> tuple[Any, int | None]:
        """(session, its fixed sequence length or None when dynamic)."""
        if not self.by_length:
            return self.main, None
        for size, session in self.by_length:
            if size >= length:
                return session, size
        return self.by_length[-1][1], self.by_length[-1][0]


def cast_feeds(session: Any, arrays: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    feeds = {}
    for info in session.get_inputs():
        if info.name not in arrays:
            raise KeyError(f"no pre-processed input for {info.name}")
        array = np.asarray(arrays[info.name])
        dtype = {"tensor(int64)": np.int64, "tensor(int32)": np.int32}.get(info.type, np.float32)
        feeds[info.name] = fit(array.astype(dtype), info.shape)
    return feeds


def fit(array: Any, shape: Sequence[Any]) -> Any:
    """Zero-pads or cuts the array to the graph's fixed dimensions (the batch axis aside)."""
    import numpy as np

    for axis, dim in enumerate(shape):
        if axis == 0 or not isinstance(dim, int) or axis >= array.ndim:
            continue
        if array.shape[axis] > dim:
            array = np.take(array, range(dim), axis=axis)
        elif array.shape[axis] < dim:
            pad = [(0, 0)] * array.ndim
            pad[axis] = (0, dim - array.shape[axis])
            array = np.pad(array, pad)
    return array


def chunks(items: list[Any], size: int | None) -> list[list[Any]]:
    size = size or BATCH
    return [items[i : i + size] for i in range(0, len(items), size)]


def text_runs(
    row: Row, graphs: Graphs, tokenizer: Any, batch: list[Any]
) -> list[tuple[Any, dict[str, Any]]]:
    """Pre-processed (session, feeds) for a batch of text inputs: the smallest graph that holds
    the longest input, padded to it (fixed graphs) or to the longest input (dynamic)."""

    def encode(items: list[Any], **kwargs: Any) -> Any:
        if row.task == "question-answering":
            return tokenizer(
                [x["question"] for x in items],
                [x["context"] for x in items],
                truncation="only_second",
                **kwargs,
            )
        return tokenizer(items, truncation=True, **kwargs)

    longest = graphs.by_length[-1][0] if graphs.by_length else 512
    lengths = [len(ids) for ids in encode(batch, max_length=longest)["input_ids"]]
    session, size = graphs.for_length(max(lengths))
    fixed_batch = graphs.batch_size(session)
    runs = []
    for part in chunks(batch, fixed_batch):
        padding: dict[str, Any] = (
            {"padding": "max_length", "max_length": size}
            if size
            else {"padding": True, "max_length": longest}
        )
        arrays = dict(encode(part, return_tensors="np", **padding))
        feeds = cast_feeds(session, arrays)
        if fixed_batch and len(part) < fixed_batch:
            continue  # the floor runs full fixed batches only
        runs.append((session, feeds))
    return runs


def media_runs(
    row: Row, graphs: Graphs, package: Path, batch: list[Any], reference: Any
) -> list[tuple[Any, dict[str, Any]]]:
    """Pre-processed (session, feeds) for images (the native image processor), clips (the
    native feature extractor) and pages (transformers' document QA pre-processing)."""
    import numpy as np
    from PIL import Image

    from modelexport import _native

    session = graphs.main
    shapes = {i.name: i.shape for i in session.get_inputs()}
    runs = []
    for part in chunks(batch, graphs.batch_size()):
        if row.modality == "image":
            processor = (package / "preprocessor_config.json").read_text()
            fixed = shapes["pixel_values"][2:]
            height, width = (v if isinstance(v, int) else None for v in fixed)
            arrays = [np.asarray(Image.open(p).convert("RGB")) for p in part]
            prepared = _native.preprocess_images(processor, arrays, height, width)
        elif row.modality == "audio":
            extractor = (package / "preprocessor_config.json").read_text()
            features = [_native.extract_audio_features(extractor, materialize(c))[0] for c in part]
            longest = max(f.shape[0] for f in features)
            prepared = {
                "input_values": np.stack([np.pad(f, (0, longest - f.shape[0])) for f in features]),
                "attention_mask": np.ones((len(part), longest), np.int64),
            }
        else:
            rows = [next(iter(reference.preprocess(dict(item)))) for item in part]
            prepared = {}
            for name in shapes:
                tensors = [r[name].numpy() for r in rows]
                longest = max(t.shape[1] for t in tensors)
                prepared[name] = np.concatenate([fit(t, [1, longest, 4]) for t in tensors])
        runs.append((session, cast_feeds(session, prepared)))
    return runs


# --- the measurements ----------------------------------------------------------------------------


@dataclass
class Inputs:
    single: list[Any]  # batch-1 latency inputs (cycled)
    corpus: list[Any]  # throughput inputs, as they come
    by_length: list[Any] = field(default_factory=list)  # the same, sorted by length
    key: Callable[[Any], int] | None = None  # the length that sorts them (None: keep order)

    def share(self, count: int) -> tuple[list[Any], list[Any]]:
        """The first `count` items (the corpus is shuffled: a fair sample), as they come and
        sorted by length."""
        part = self.corpus[:count]
        return part, sorted(part, key=self.key) if self.key else part


def make_inputs(row: Row, args: argparse.Namespace, sentences: list[str], scratch: Path) -> Inputs:
    from vision_images import skimage_images

    if row.text:
        corpus = text_inputs(row.task, sentences)
        single = text_inputs(row.task, sentences[: max(8, 1)])
        key = (lambda x: len(x["context"])) if row.task == "question-answering" else len
        return Inputs(single, corpus, sorted(corpus, key=key), key)
    if row.modality == "image":
        paths = [str(p) for p in skimage_images()[:8]]
        corpus = (paths * args.media)[: args.media]
        return Inputs(paths[:4], corpus, corpus)
    if row.modality == "audio":
        clips = audio_clips(scratch, max(args.media, 4))
        return Inputs(clips[:4], clips[: args.media], clips[: args.media])
    pages = render_pages(scratch)
    corpus = (pages * args.media)[: args.media]
    return Inputs(pages, corpus, corpus)


def worker_jobs(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Runs the .venv-optimum worker on the jobs; every job gets an answer."""
    if not jobs:
        return []
    if not OPTIMUM_PYTHON.exists():
        return [{"latency_ms": "n/a (.venv-optimum missing)", "throughput": "n/a"}] * len(jobs)
    run = subprocess.run(
        [str(OPTIMUM_PYTHON), str(WORKER)],
        input=json.dumps({"jobs": jobs}),
        stdout=subprocess.PIPE,
        stderr=None,  # the worker's progress goes to our stderr
        text=True,
        check=False,
    )
    answers = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    missing = {"latency_ms": f"fails: worker exit {run.returncode}", "throughput": "fails"}
    return answers + [missing] * (len(jobs) - len(answers))


def native_cpp_ms(package: Path, inputs: list[Any], threads: int, calls: int, build: Path) -> Any:
    binary = build / "modelexport-bench-pipeline"
    if not binary.is_file():
        return "n/a (not built)"
    if any(isinstance(x, dict) and ("audio" in x or "word_boxes" in x) for x in inputs):
        return "-"  # the bench binary reads texts, QA pairs and image paths
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.write("".join(json.dumps(x) + "\n" for x in inputs))
    try:
        run = subprocess.run(
            [
                str(binary),
                str(package),
                handle.name,
                "--calls",
                str(calls),
                "--threads",
                str(threads),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if run.returncode != 0:
        return f"fails: {run.stderr.strip().splitlines()[-1][:120] if run.stderr.strip() else ''}"
    return json.loads(run.stdout)["median_ms"]


def share_size(args: argparse.Namespace, latency_ms: Any, total: int) -> int:
    """How much of the corpus a throughput cell runs: all of it, unless the batch-1 latency
    says one pass would take more than --budget seconds (a fixed [1,128] MiniLM on one busy
    core); then a sample that fits, at least 4 batches. Rates over a sample of the shuffled
    corpus compare with rates over all of it."""
    ms = number(latency_ms)
    if ms is None or ms <= 0:
        return total
    return max(min(total, 4 * BATCH), min(total, int(args.budget * 1000 / ms)))


def pytorch_pipeline(row: Row) -> Any:
    from transformers import pipeline as hf_pipeline

    return hf_pipeline(row.task, model=str(fixture_path(row.fixture)), device="cpu")


def measure_row(
    row: Row,
    args: argparse.Namespace,
    inputs: Inputs,
    packages: dict[str, Path | None],
    thread_counts: list[int],
    optimum_class: str,
) -> list[dict[str, Any]]:
    import torch

    import modelexport

    records: list[dict[str, Any]] = []
    single = [materialize(x) for x in inputs.single]
    corpus = [materialize(x) for x in inputs.corpus]
    reference = None
    if row.task != "question-answering":
        reference = pytorch_pipeline(row)
    jobs: list[dict[str, Any]] = []
    # Per job: the (latency, throughput) record pairs its two answers fill.
    targets: list[list[tuple[dict[str, Any], dict[str, Any]]]] = []
    for threads in thread_counts:
        torch.set_num_threads(threads)
        base = {"task": row.task, "model": row.fixture, "threads": threads}
        # The PyTorch reference does not depend on the package: once per thread count.
        torch_lat: Any
        torch_tp: Any
        torch_targets: list[tuple[dict[str, Any], dict[str, Any]]] = []
        if reference is not None:
            log(f"{row.task} x{threads}: transformers (PyTorch)")
            torch_lat = attempt(
                lambda r=reference: median_ms(lambda item: call(r, item), single, args.calls)
            )
            batch_size = BATCH if row.modality in ("text", "image") else 1
            torch_items = share_size(args, torch_lat, len(corpus))
            ordered = [materialize(x) for x in inputs.share(torch_items)[1]]
            torch_tp = attempt(
                lambda r=reference, b=batch_size, o=ordered: per_second(
                    lambda: r(o, batch_size=b), lambda: r(o[:b], batch_size=b), len(o)
                )
            )
            if isinstance(torch_tp, str) and batch_size > 1:  # mixed sizes do not collate
                torch_tp = attempt(
                    lambda r=reference, o=ordered: per_second(
                        lambda: r(o, batch_size=1), lambda: r(o[:1]), len(o)
                    )
                )
        else:
            torch_lat = torch_tp = None  # from the worker (transformers 4.57)
            job = {
                "kind": "pytorch", "task": row.task, "model": str(fixture_path(row.fixture)),
                "threads": threads, "calls": args.calls, "batch_size": BATCH,
                "single": inputs.single, "corpus": inputs.by_length,
            }  # fmt: skip
            jobs.append(job)
            targets.append(torch_targets)
        for variant, package in packages.items():
            latency = {**base, "variant": variant, "metric": "latency_ms"}
            throughput = {**base, "variant": variant, "metric": "items_per_s"}
            records += [latency, throughput]
            latency["pytorch"], throughput["pytorch"] = torch_lat, torch_tp
            if reference is not None:
                throughput["pytorch_items"] = torch_items
            torch_targets.append((latency, throughput))
            if package is None:
                for record in (latency, throughput):
                    for side in ("native", "native_cpp", "optimum", "ort"):
                        record[side] = "n/a"
                continue
            log(f"{row.task} {variant} x{threads}: native")
            ours = modelexport.pipeline(model=str(package), threads=threads)
            latency["native"] = attempt(
                lambda o=ours: median_ms(lambda item: call(o, item), single, args.calls)
            )
            if row.modality == "document":
                ours_corpus = lambda p, o=ours: [call(o, x) for x in p]  # noqa: E731
                warm = lambda o=ours: call(o, corpus[0])  # noqa: E731
            else:
                ours_corpus = lambda p, o=ours: o(p)  # noqa: E731
                warm = lambda o=ours: o(corpus[:BATCH])  # noqa: E731
            count = share_size(args, latency["native"], len(corpus))
            raw_part, raw_sorted = inputs.share(count)
            part = [materialize(x) for x in raw_part]
            part_sorted = [materialize(x) for x in raw_sorted]
            throughput["items"] = count
            throughput["native"] = attempt(
                lambda r=ours_corpus, w=warm, p=part: per_second(lambda: r(p), w, len(p))
            )
            latency["native_cpp"] = native_cpp_ms(
                package, inputs.single, threads, args.calls, args.build
            )
            throughput["native_cpp"] = "-"
            log(f"{row.task} {variant} x{threads}: raw ONNX Runtime")
            latency["ort"], throughput["ort"] = raw_ort(
                row, package, threads, single, part_sorted, args.calls, reference
            )
            if optimum_class and not args.no_optimum:
                job = {
                    "kind": "optimum", "task": row.task, "package": str(package),
                    "model_class": optimum_class, "modality": row.modality,
                    "threads": threads, "calls": args.calls, "batch_size": BATCH,
                    "single": inputs.single, "corpus": raw_sorted,
                }  # fmt: skip
                jobs.append(job)
                targets.append([(latency, throughput)])
            else:
                latency["optimum"] = throughput["optimum"] = (
                    "skipped" if args.no_optimum else "n/a (no ORTModel)"
                )
    if jobs:
        log(f"{row.task}: {len(jobs)} job(s) in .venv-optimum")
        for job, answer, pairs in zip(jobs, worker_jobs(jobs), targets, strict=True):
            for latency, throughput in pairs:
                latency[job["kind"]] = answer["latency_ms"]
                throughput[job["kind"]] = answer["throughput"]
    return records


def raw_ort(
    row: Row,
    package: Path,
    threads: int,
    single: list[Any],
    by_length: list[Any],
    calls: int,
    reference: Any,
) -> tuple[Any, Any]:
    def prepare() -> tuple[Graphs, Callable[[list[Any]], list[tuple[Any, dict[str, Any]]]]]:
        graphs = Graphs(package, threads)
        if row.text:
            from transformers import AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(str(package))
            return graphs, lambda batch: text_runs(row, graphs, tokenizer, batch)
        return graphs, lambda batch: media_runs(row, graphs, package, batch, reference)

    prepared = attempt(prepare)
    if isinstance(prepared, str):
        return prepared, prepared
    _graphs, runs_for = prepared

    def latency() -> float:
        feeds = [runs_for([x])[0] for x in single]
        return median_ms(lambda run: run[0].run(None, run[1]), feeds, calls)

    def throughput() -> float:
        runs = [run for batch in chunks(by_length, BATCH) for run in runs_for(batch)]
        done = sum(next(iter(f.values())).shape[0] for _, f in runs)

        def all_runs() -> None:
            for session, feeds in runs:
                session.run(None, feeds)

        return per_second(all_runs, lambda: runs[0][0].run(None, runs[0][1]), done)

    return attempt(latency), attempt(throughput)


def sentence_embeddings(
    args: argparse.Namespace,
    sentences: list[str],
    packages: dict[str, Path | None],
    thread_counts: list[int],
) -> list[dict[str, Any]]:
    """all-MiniLM-L6-v2 on all cores, the issue's goal: native sentence_embeddings of the
    default (and int8) package against sentence-transformers' encode (PyTorch) on the whole
    corpus, with the cosine of the embeddings; int8 against fp32 (the default package) on every
    sentence of the corpus (min and mean) and on the first 200 (the issue's set)."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    import modelexport

    model = SentenceTransformer(str(fixture_path("minilm")), device="cpu")
    model.max_seq_length = 128  # the fixed packages' length; the corpus stays below it
    records = []
    st_embeddings = None
    fp32 = None
    for threads in thread_counts[-1:]:  # the goal is on all cores
        torch.set_num_threads(threads)
        log(f"sentence-transformers encode x{threads}")
        start = time.perf_counter()
        encoded = model.encode(sentences, batch_size=32, convert_to_numpy=True)
        st_rate = len(sentences) / (time.perf_counter() - start)
        st_embeddings = encoded
        for variant, package in packages.items():
            if variant in ("fixed", "dynamic"):
                continue  # the goal's packages only; the others are in the main table
            record: dict[str, Any] = {"variant": variant, "threads": threads, "st": st_rate}
            records.append(record)
            if package is None:
                record.update(native="n/a", cosine_min="n/a", cosine_mean="n/a")
                continue
            log(f"sentence embeddings {variant} x{threads}")
            ours = modelexport.pipeline(model=str(package), threads=threads)
            ours.sentence_embeddings(sentences[:BATCH])
            start = time.perf_counter()
            embeddings = attempt(lambda o=ours: o.sentence_embeddings(sentences))
            if isinstance(embeddings, str):
                record.update(native=embeddings, cosine_min="-", cosine_mean="-")
                continue
            record["native"] = len(sentences) / (time.perf_counter() - start)
            cosines = cosine(embeddings, st_embeddings)
            record["cosine_min"] = float(cosines.min())
            record["cosine_mean"] = float(cosines.mean())
            if variant == "default":
                fp32 = embeddings
            if variant == "int8" and fp32 is not None:
                to_fp32 = cosine(embeddings, fp32)
                record["cosine_to_fp32_min"] = float(to_fp32.min())
                record["cosine_to_fp32_mean"] = float(to_fp32.mean())
                record["cosine_to_fp32_min_200"] = float(to_fp32[:200].min())
    del np
    return records


BUCKET_LENGTHS = (8, 16, 17, 24, 25, 32, 33, 48, 49, 64, 65, 96, 97, 128)
BUCKET_PACKAGES = ("default", "dynamic", "fixed")  # bucketed, dynamic, one fixed [1,128] graph
RSS_PROBES = 3


def exact_token_texts(tokenizer: Any, lengths: Sequence[int], sentences: list[str]) -> list[str]:
    """One English text per length whose tokenization (special tokens included: what the graph
    sees) is exactly that many tokens, from the corpus' words."""
    words = [w for s in sentences for w in s.split()]
    specials = len(tokenizer("")["input_ids"])

    def size(text: str) -> int:
        return len(tokenizer(text)["input_ids"])

    texts = []
    for length in lengths:
        target = length - specials
        chosen: list[str] = []
        count = 0
        for word in words:
            pieces = len(tokenizer(word, add_special_tokens=False)["input_ids"])
            if count + pieces <= target:
                chosen.append(word)
                count += pieces
            if count >= target:
                break
        for _ in range(64):  # one-token fill words (tokenization of joined words can differ)
            found = size(" ".join(chosen))
            if found == length:
                break
            if found < length:
                chosen.append("the")
            else:
                chosen.pop()
        text = " ".join(chosen)
        if size(text) != length:
            raise RuntimeError(f"no text of exactly {length} tokens")
        texts.append(text)
    return texts


def rss_probe(package: str) -> None:
    """--rss-probe: in a fresh process, load the native pipeline, run each text of stdin (a JSON
    list) once, print {"rss_mib", "baseline_mib"} (psutil; baseline: after importing
    modelexport, before loading the package)."""
    import psutil

    import modelexport

    process = psutil.Process()
    baseline = process.memory_info().rss
    pipe = modelexport.pipeline(model=package, threads=1)
    for text in json.loads(sys.stdin.read()):
        pipe(text)
    rss = process.memory_info().rss
    print(json.dumps({"rss_mib": rss / 2**20, "baseline_mib": baseline / 2**20}))


def bucket_sizes(package: Path) -> list[int]:
    """The fixed sequence lengths of the package's graphs (model_seq*.onnx and model.onnx)."""
    import onnx

    sizes = set()
    for path in package.glob("model*.onnx"):
        graph = onnx.load(str(path), load_external_data=False).graph
        for value in graph.input:
            if value.name == "input_ids":
                dims = value.type.tensor_type.shape.dim
                if len(dims) > 1 and dims[1].HasField("dim_value"):
                    sizes.add(dims[1].dim_value)
    return sorted(sizes)


def bucket_section(
    args: argparse.Namespace, row: Row, packages: dict[str, Path], sentences: list[str]
) -> dict[str, Any]:
    """Shape buckets (issue 16): batch-1 latency of the native pipeline on one thread at exact
    input lengths around every bucket edge, bucketed (default) vs dynamic vs one fixed [1,128]
    graph, the three interleaved per length; then each package's RSS in a fresh process that
    ran one input of every length."""
    from transformers import AutoTokenizer

    import modelexport

    tokenizer = AutoTokenizer.from_pretrained(str(packages["dynamic"]))
    texts = exact_token_texts(tokenizer, args.bucket_lengths, sentences)
    pipes = {k: modelexport.pipeline(model=str(packages[k]), threads=1) for k in BUCKET_PACKAGES}
    latency: dict[str, dict[str, Any]] = {k: {} for k in BUCKET_PACKAGES}
    for length, text in zip(args.bucket_lengths, texts, strict=True):
        log(f"shape buckets {row.fixture}: {length} tokens")
        for kind in BUCKET_PACKAGES:
            latency[kind][str(length)] = attempt(
                lambda p=pipes[kind], t=text: median_ms(p, [t], args.bucket_calls)
            )
    del pipes
    # RSS (mapped weights included) varies from one process to the next on a shared machine:
    # the median of RSS_PROBES fresh processes per package, the packages interleaved.
    probes: dict[str, list[Any]] = {kind: [] for kind in BUCKET_PACKAGES}
    for _ in range(RSS_PROBES):
        for kind in BUCKET_PACKAGES:
            log(f"shape buckets {row.fixture}: RSS of {kind} in a fresh process")
            run = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--rss-probe", str(packages[kind])],
                input=json.dumps(texts),
                capture_output=True,
                text=True,
                check=False,
            )
            lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
            tail = run.stderr.strip().splitlines()[-1:] or [""]
            probes[kind].append(
                json.loads(lines[-1]) if lines else f"fails: exit {run.returncode} {tail[0]}"
            )
    memory: dict[str, Any] = {}
    for kind, found in probes.items():
        failed = [f for f in found if isinstance(f, str)]
        memory[kind] = failed[0] if failed else {
            "rss_mib": statistics.median(f["rss_mib"] for f in found),
            "baseline_mib": statistics.median(f["baseline_mib"] for f in found),
            "rss_mib_all": [f["rss_mib"] for f in found],
            "graphs": len(list(packages[kind].glob("model*.onnx"))),
        }  # fmt: skip
    return {
        "model": row.fixture,
        "buckets": bucket_sizes(packages["default"]),
        "lengths": list(args.bucket_lengths),
        "calls": args.bucket_calls,
        "latency_ms": latency,
        "rss": memory,
    }


def cosine(a: Any, b: Any) -> Any:
    import numpy as np

    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


# --- the report ---------------------------------------------------------------------------------


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def cell(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if number(value) is not None:
        v = float(value)
        return f"{v:.{digits}f}" if v < 1000 else f"{v:.0f}"
    text = str(value)
    if text.startswith("fails: "):  # the full message is in the JSON file
        text = f"fails ({text[7:].split(':')[0]})"
    return text.replace("|", "/")


def ratio(competitor: Any, ours: Any, metric: str) -> str:
    """How many times faster we are: competitor time / our time."""
    c, o = number(competitor), number(ours)
    if c is None or o is None or c <= 0 or o <= 0:
        return "-"
    return f"{(c / o if metric == 'latency_ms' else o / c):.1f}x"


def find(records: list[dict[str, Any]], **keys: Any) -> dict[str, Any] | None:
    return next((r for r in records if all(r.get(k) == v for k, v in keys.items())), None)


def goals(
    records: list[dict[str, Any]],
    embeddings: list[dict[str, Any]],
    all_threads: int,
    buckets: dict[str, Any] | None = None,
) -> list[str]:
    lines = []

    def verdict(ok: bool | None) -> str:
        return "PASS" if ok else ("FAIL" if ok is not None else "NOT MEASURED")

    def best_optimum(task: str, threads: int) -> float | None:
        """Optimum's fastest fp32 package (what a user of Optimum exports by default)."""
        values = [
            number(r.get("optimum"))
            for r in records
            if r["task"] == task and r["threads"] == threads and r["metric"] == "latency_ms"
            and r["variant"] != "int8"
        ]  # fmt: skip
        values = [v for v in values if v is not None]
        return min(values) if values else None

    for variant in ("default", "int8"):
        rec = find(records, task="feature-extraction", variant=variant, threads=1,
                   metric="latency_ms")  # fmt: skip
        ours = number(rec.get("native")) if rec else None
        torch_ms = number(rec.get("pytorch")) if rec else None
        optimum = best_optimum("feature-extraction", 1)
        ok = None
        if ours and torch_ms and optimum:
            ok = torch_ms / ours >= 3 and optimum / ours >= 2
        extra = ""
        if variant == "int8":
            emb = next((e for e in embeddings if e["variant"] == "int8"), None)
            cos = number(emb.get("cosine_to_fp32_min")) if emb else None
            mean = number(emb.get("cosine_to_fp32_mean")) if emb else None
            extra = (
                f", int8 cosine to fp32 >= 0.99 over the corpus (min {cell(cos, 5)},"
                f" mean {cell(mean, 5)})"
            )
            if ok and (cos is None or cos < 0.99):
                ok = False
        label = "int8 (--optimize --quantize int8)" if variant == "int8" else "fp32"
        lines.append(
            f"- MiniLM batch 1, 1 thread, default package {label}: >= 3x transformers"
            f" ({cell(torch_ms)} ms / {cell(ours)} ms = {ratio(torch_ms, ours, 'latency_ms')})"
            f" and >= 2x Optimum's best fp32 package ({cell(optimum)} ms ="
            f" {ratio(optimum, ours, 'latency_ms')}){extra}: {verdict(ok)}"
        )
    emb = next(
        (e for e in embeddings if e["variant"] == "default" and e["threads"] == all_threads), None
    )
    if emb:
        speed = (
            number(emb["native"]) / number(emb["st"])
            if number(emb.get("native")) and number(emb.get("st"))
            else None
        )
        cos = number(emb.get("cosine_min"))
        ok = None if speed is None or cos is None else speed >= 3 and cos >= 0.9999
        lines.append(
            f"- MiniLM corpus throughput, {all_threads} threads, default package: >= 3x"
            f" sentence-transformers encode ({cell(speed, 1)}x) at cosine >= 0.9999"
            f" (min {cell(cos, 6)}): {verdict(ok)}"
        )
    else:
        lines.append("- MiniLM corpus throughput vs sentence-transformers: NOT MEASURED")
    rec = find(records, task="text-classification", variant="default", threads=1,
               metric="latency_ms")  # fmt: skip
    if rec:
        ours, torch_ms = number(rec.get("native")), number(rec.get("pytorch"))
        floors = [
            number(r.get("ort"))
            for r in records
            if r["task"] == "text-classification" and r["threads"] == 1
            and r["metric"] == "latency_ms"
        ]  # fmt: skip
        floor = min((f for f in floors if f), default=None)
        ok = None if not ours or not torch_ms else torch_ms / ours >= 10
        lines.append(
            f"- tiny BERT classifier batch 1, 1 thread, default package: >= 10x transformers"
            f" ({ratio(torch_ms, ours, 'latency_ms')}; the seeds claim 40x; the floor, raw ORT"
            f" on the fastest graph, would give {ratio(torch_ms, floor, 'latency_ms')}):"
            f" {verdict(ok)}"
        )
    worst: tuple[float, str] | None = None
    for r in records:
        if r["metric"] != "latency_ms" or r["task"] not in TEXT_TASKS:
            continue
        ours = number(r.get("native_cpp")) or number(r.get("native"))
        floor = number(r.get("ort"))
        if ours and floor and r["variant"] != "int8":
            name = f"{r['task']} {r['variant']} x{r['threads']}"
            if worst is None or ours / floor > worst[0]:
                worst = (ours / floor, name)
    if worst:
        lines.append(
            f"- native pipeline vs raw ORT on the same graph <= 1.1x (batch 1, every text row,"
            f" fp32; C++ pipeline where measured): worst {worst[0]:.2f}x ({worst[1]}):"
            f" {verdict(worst[0] <= 1.1)}"
        )
    lines += bucket_goals(buckets)
    return lines


def bucket_goals(buckets: dict[str, Any] | None) -> list[str]:
    """The shape-bucket goals: latency within 1.2x of dynamic at every length, RSS within 1.15x
    of one fixed graph."""
    if not buckets:
        return [
            "- shape buckets: bucketed within 1.2x of dynamic at every length: NOT MEASURED",
            "- shape buckets: bucketed RSS <= 1.15x one fixed graph: NOT MEASURED",
        ]
    latency = buckets["latency_ms"]
    ratios = []
    for length in buckets["lengths"]:
        ours = number(latency["default"].get(str(length)))
        dynamic = number(latency["dynamic"].get(str(length)))
        ratios.append((ours / dynamic if ours and dynamic else None, length))
    measured = [(r, n) for r, n in ratios if r is not None]
    name = buckets["model"]
    if measured and len(measured) == len(ratios):
        worst = max(measured)
        ok = worst[0] <= 1.2
        text = f"worst {worst[0]:.2f}x at {worst[1]} tokens: {'PASS' if ok else 'FAIL'}"
    else:
        text = "NOT MEASURED (a length failed)"
    lines = [
        f"- shape buckets, {name} batch 1, 1 thread: bucketed package within 1.2x of the dynamic"
        f" package at every length ({', '.join(str(n) for n in buckets['lengths'])} tokens):"
        f" {text}"
    ]
    rss = buckets["rss"]
    ours = rss["default"].get("rss_mib") if isinstance(rss["default"], dict) else None
    single = rss["fixed"].get("rss_mib") if isinstance(rss["fixed"], dict) else None
    if ours and single:
        value = ours / single
        verdict = "PASS" if value <= 1.15 else "FAIL"
        text = f"{ours:.0f} MiB vs {single:.0f} MiB = {value:.2f}x: {verdict}"
    else:
        text = "NOT MEASURED"
    lines.append(
        f"- shape buckets, {name}: RSS of the bucketed package <= 1.15x the single fixed [1,128]"
        f" graph (fresh process, one input of every length): {text}"
    )
    return lines


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("modelexport", "onnxruntime", "torch", "transformers", "sentence-transformers"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in out.splitlines() if "Model name" in line),
            model,
        )
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


def metric_label(record: dict[str, Any], corpus: int, media: int) -> str:
    if record["metric"] == "latency_ms":
        return "latency ms"
    total = corpus if record["task"] in TEXT_TASKS else media
    items = record.get("items", total)
    return "items/s" if items >= total else f"items/s ({items} of {total})"


def load_note(load: list[float] | None, cores: int) -> str:
    """The machine's 1-minute load average at the start and end: above the core count, other
    work shared the cores and the numbers are noisy."""
    if not load:
        return ""
    busy = max(load) > cores + 0.5
    return f" Load average {load[0]:.1f} at start, {load[1]:.1f} at end" + (
        f": the {cores} cores were shared with other work, numbers are noisy." if busy else "."
    )


def markdown(report: dict[str, Any]) -> str:
    meta = report["meta"]
    out = [
        f"Benchmark suite, {meta['date']}; {meta['machine']}; calls per latency cell"
        f" N={meta['calls']} (median); text corpus {meta['corpus']} sentences, media corpus"
        f" {meta['media']} items; batch {BATCH}; threads {meta['threads']}"
        f" ({meta['runtime_s']:.0f} s{', quick run' if meta['quick'] else ''})."
        + load_note(meta.get("load_average"), meta.get("cores") or max(meta["threads"])),
        *(
            [
                "",
                "Versions: "
                + ", ".join(f"{k} {v}" for k, v in meta["versions"].items())
                + "; Optimum's pipeline and question answering's transformers run in"
                " .venv-optimum.",
            ]
            if meta.get("versions")
            else []
        ),
        "",
        "Latency: median ms per call, batch 1 (lower is better). Throughput: items/s over the"
        " corpus (higher is better). Ratios: competitor time / ours (above 1: we are faster)."
        " native/ORT: our time over the floor (raw ONNX Runtime on pre-processed input).",
        "",
        "| task | package | threads | metric | native | native C++ | PyTorch | Optimum | raw ORT"
        " | PyTorch/native | Optimum/native | native/ORT |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    absent = sorted({r["variant"] for r in report["rows"] if r.get("native") == "n/a"})
    for r in report["rows"]:
        if r["variant"] in absent:
            continue  # a variant the exporter cannot make: one note below, not rows of n/a
        metric = r["metric"]
        ours = r.get("native_cpp") if metric == "latency_ms" else None
        ours = ours if number(ours) is not None else r.get("native")
        floor = ""
        if number(ours) is not None and number(r.get("ort")) is not None:
            value = (
                number(ours) / number(r["ort"])
                if metric == "latency_ms"
                else number(r["ort"]) / number(ours)
            )
            floor = f"{value:.2f}"
        out.append(
            f"| {r['task']} | {VARIANT_LABELS.get(r['variant'], r['variant'])} | {r['threads']} |"
            f" {metric_label(r, meta['corpus'], meta['media'])} | {cell(r.get('native'))}"
            f" | {cell(r.get('native_cpp'))} | {cell(r.get('pytorch'))} | {cell(r.get('optimum'))}"
            f" | {cell(r.get('ort'))} | {ratio(r.get('pytorch'), r.get('native'), metric)}"
            f" | {ratio(r.get('optimum'), r.get('native'), metric)} | {floor} |"
        )
    if report["embeddings"]:
        out += [
            "",
            "all-MiniLM-L6-v2 sentence embeddings over the corpus: native `sentence_embeddings`"
            " vs sentence-transformers `encode` (PyTorch, batch 32), sentences/s; cosine of"
            " the embeddings per sentence.",
            "",
            "| package | threads | native | sentence-transformers | native/ST | cosine min |"
            " cosine mean | int8 vs fp32 cosine min (200) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for e in report["embeddings"]:
            out.append(
                f"| {e['variant']} | {e['threads']} | {cell(e['native'], 1)} | {cell(e['st'], 1)}"
                f" | {ratio(e['st'], e['native'], 'items_per_s')} | {cell(e['cosine_min'], 6)}"
                f" | {cell(e['cosine_mean'], 6)} | {cell(e.get('cosine_to_fp32_min_200'), 5)} |"
            )
    out += int8_table(report["rows"])
    out += bucket_table(report.get("buckets"))
    if absent:
        names = ", ".join(VARIANT_LABELS.get(v, v) for v in absent)
        out += ["", f"Not measured: {names} (this exporter has no optimize/quantize)."]
    out += ["", "Goals (issue 16):", "", *report["goals"], ""]
    out.append(
        "Notes: PyTorch is the same for every package row of a task (fp32, its own shapes)."
        " Optimum fails on fixed-shape graphs when the input is not padded to their length."
        " Native and sentence-transformers get the corpus unsorted (they sort by length"
        " themselves); transformers, Optimum and raw ORT get it sorted. Object detection and"
        " document QA have no Optimum ORTModel class; the native C++ bench binary reads texts, QA"
        " pairs and image paths only. Image, audio and document rows: native and PyTorch"
        " decode the files and pre-process (the tiny models make that most of the time), raw"
        " ORT runs the model on pre-processed input only."
    )
    return "\n".join(out) + "\n"


def int8_table(rows: list[dict[str, Any]]) -> list[str]:
    """fp32 (default package) and int8 (optimized, on the default package) side by side."""
    pairs = []
    for r in rows:
        if r["variant"] != "default":
            continue
        keys = {k: r[k] for k in ("task", "threads", "metric")}
        other = find(rows, variant="int8", **keys)
        if other and other.get("native") != "n/a":
            pairs.append((r, other))
    if not pairs:
        return []
    out = [
        "",
        "fp32 and int8 side by side: the default package (shape buckets, fp32) and the same with"
        " `--optimize --quantize int8`; int8/fp32 speed above 1: int8 is faster.",
        "",
        "| task | threads | metric | native fp32 | native int8 | int8 speed-up | raw ORT fp32"
        " | raw ORT int8 | PyTorch |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for fp32, int8 in pairs:
        metric = fp32["metric"]
        out.append(
            f"| {fp32['task']} | {fp32['threads']} | {metric_label(fp32, 0, 0).split(' (')[0]}"
            f" | {cell(fp32.get('native'))} | {cell(int8.get('native'))}"
            f" | {ratio(fp32.get('native'), int8.get('native'), metric)}"
            f" | {cell(fp32.get('ort'))} | {cell(int8.get('ort'))} | {cell(fp32.get('pytorch'))} |"
        )
    return out


def times(value: Any, base: Any) -> str:
    v, b = number(value), number(base)
    return f"{v / b:.2f}x" if v and b else "-"


def bucket_table(buckets: dict[str, Any] | None) -> list[str]:
    if not buckets:
        return []
    latency = buckets["latency_ms"]
    out = [
        "",
        f"Shape buckets ({buckets['model']}, native pipeline, batch 1, 1 thread, median of"
        f" {buckets['calls']} calls; input length in tokens, special tokens included): the"
        f" default package (buckets {'/'.join(map(str, buckets.get('buckets') or []))} sharing"
        " one weights file) vs `--dynamic`"
        " vs one fixed [1,128] graph (`--sequence-length 128`).",
        "",
        "| tokens | bucket | bucketed ms | dynamic ms | fixed [1,128] ms | bucketed/dynamic |"
        " fixed/dynamic |",
        "|---|---|---|---|---|---|---|",
    ]
    sizes = buckets.get("buckets") or []
    for length in buckets["lengths"]:
        b, d, f = (latency[k].get(str(length)) for k in BUCKET_PACKAGES)
        bucket = next((size for size in sizes if size >= length), "-")
        out.append(
            f"| {length} | {bucket} | {cell(b)} | {cell(d)} | {cell(f)} | {times(b, d)}"
            f" | {times(f, d)} |"
        )
    out += [
        "",
        f"RSS after loading the native pipeline and running one input of every length (fresh"
        f" process, psutil, median of {RSS_PROBES} processes; baseline: the process after"
        " `import modelexport`).",
        "",
        "| package | graphs | RSS MiB | over baseline MiB |",
        "|---|---|---|---|",
    ]
    labels = {"default": "bucketed (default)", "dynamic": "dynamic", "fixed": "fixed [1,128]"}
    for kind in BUCKET_PACKAGES:
        m = buckets["rss"][kind]
        if isinstance(m, dict):
            out.append(
                f"| {labels[kind]} | {m['graphs']} | {m['rss_mib']:.0f}"
                f" | {m['rss_mib'] - m['baseline_mib']:.0f} |"
            )
        else:
            out.append(f"| {labels[kind]} | - | {cell(m)} | - |")
    return out


README_BEGIN = "<!-- bench/suite.py results: begin -->"
README_END = "<!-- bench/suite.py results: end -->"


def update_readme(readme: Path, table: str) -> None:
    """Replaces the block between the README's markers with the table."""
    text = readme.read_text()
    if README_BEGIN not in text or README_END not in text:
        raise SystemExit(f"{readme}: no {README_BEGIN} ... {README_END} block to replace")
    head, rest = text.split(README_BEGIN, 1)
    tail = rest.split(README_END, 1)[1]
    readme.write_text(f"{head}{README_BEGIN}\n{table}{README_END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results")
    parser.add_argument("--cache", type=Path, default=REPO / ".cache" / "bench")
    parser.add_argument("--build", type=Path, default=REPO / "build", help="C++ build folder")
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny sizes")
    parser.add_argument("--tasks", nargs="+", choices=[r.task for r in ROWS])
    parser.add_argument("--calls", type=int, help="calls per latency cell (default 50)")
    parser.add_argument("--corpus", type=int, help="text corpus sentences (default 2000)")
    parser.add_argument("--media", type=int, help="images/clips/pages (default 32)")
    parser.add_argument(
        "--budget",
        type=float,
        default=10.0,
        help="seconds a throughput cell may take: slower packages run a sample of the corpus",
    )
    parser.add_argument("--threads", type=int, nargs="+", help="thread counts (1 and all)")
    parser.add_argument("--variants", nargs="+", choices=["fixed", "dynamic", "default", "int8"])
    parser.add_argument("--no-optimum", action="store_true", help="skip .venv-optimum")
    parser.add_argument(
        "--readme",
        type=Path,
        help="also put the table into this README's results block (the repository's README.md)",
    )
    parser.add_argument("--from-json", type=Path, help="write the tables of an earlier run")
    parser.add_argument("--no-buckets", action="store_true", help="skip the shape-bucket section")
    parser.add_argument(
        "--bucket-lengths", type=int, nargs="+", help="input lengths in tokens (default: 8 ... 128)"
    )
    parser.add_argument("--bucket-calls", type=int, help="calls per length (default 30)")
    parser.add_argument("--rss-probe", type=Path, help=argparse.SUPPRESS)  # bucket_section's child
    args = parser.parse_args()
    if args.rss_probe:
        rss_probe(str(args.rss_probe))
        return
    args.bucket_calls = args.bucket_calls or (3 if args.quick else 30)
    args.bucket_lengths = args.bucket_lengths or ([8, 17, 128] if args.quick else BUCKET_LENGTHS)
    all_threads = os.cpu_count() or 1
    args.calls = args.calls or (3 if args.quick else 50)
    args.corpus = args.corpus or (32 if args.quick else 2000)
    args.media = args.media or (4 if args.quick else 32)
    thread_counts = sorted(set(args.threads or ([1] if args.quick else [1, all_threads])))
    if min(args.calls, args.corpus, args.media, *thread_counts) < 1:
        parser.error("--calls, --corpus, --media and --threads must be at least 1")
    tasks = args.tasks or (["text-classification"] if args.quick else [r.task for r in ROWS])
    wanted = args.variants or (["default", "dynamic"] if args.quick else None)

    if args.from_json:
        report = json.loads(args.from_json.read_text())
        write_report(report, args)
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    started = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    from modelexport import _native
    from modelexport.export.exporter import export_with_config

    parameters = inspect.signature(export_with_config).parameters
    int8 = "quantize" in parameters and "optimize" in parameters
    registry = {t["name"]: t for t in _native.task_registry()}
    fingerprint = exporter_fingerprint()
    args.cache.mkdir(parents=True, exist_ok=True)
    sentences = sentence_corpus(args.corpus)
    log(
        f"{len(tasks)} task(s), threads {thread_counts}, N={args.calls}, corpus {args.corpus},"
        f" int8 {'available' if int8 else 'n/a (exporter has no quantize)'}"
    )
    rows: list[dict[str, Any]] = []
    embeddings: list[dict[str, Any]] = []
    buckets: dict[str, Any] | None = None
    # The shape-bucket section runs on MiniLM, or on the first text task of a partial run.
    bucket_row = (
        None if args.no_buckets else next((r for r in ROWS if r.task in tasks and r.text), None)
    )
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        for row in (r for r in ROWS if r.task in tasks):
            packages: dict[str, Path | None] = {}
            for variant, options in variant_options(row, int8).items():
                if wanted and variant not in wanted:
                    continue
                if options is None:
                    packages[variant] = None
                    continue
                result = attempt(lambda o=options, r=row: export(r, o, args.cache, fingerprint))
                packages[variant] = result if isinstance(result, Path) else None
                if not isinstance(result, Path):
                    log(f"{row.fixture} {variant}: {result}")
            inputs = make_inputs(row, args, sentences, scratch)
            optimum_class = registry[row.task]["ort_model_class"]
            rows += measure_row(row, args, inputs, packages, thread_counts, optimum_class)
            if row.fixture == "minilm":
                embeddings = sentence_embeddings(args, sentences, packages, thread_counts)
            if row == bucket_row:
                options = variant_options(row, int8)
                made = {
                    v: packages.get(v) or export(row, options[v] or {}, args.cache, fingerprint)
                    for v in BUCKET_PACKAGES
                }
                buckets = attempt(lambda r=row, m=made: bucket_section(args, r, m, sentences))
                if isinstance(buckets, str):
                    log(f"shape buckets: {buckets}")
                    buckets = None
    report: dict[str, Any] = {
        "meta": {
            "date": datetime.date.today().isoformat(),
            "machine": machine(),
            "cores": all_threads,
            "calls": args.calls,
            "corpus": args.corpus,
            "media": args.media,
            "threads": thread_counts,
            "quick": args.quick,
            "int8": int8,
            "runtime_s": time.perf_counter() - started,
            "load_average": [load_at_start, os.getloadavg()[0]],
            "versions": versions(),
        },
        "rows": rows,
        "embeddings": embeddings,
        "buckets": buckets,
    }
    report["goals"] = goals(rows, embeddings, max(thread_counts), buckets)
    write_report(report, args)


def write_report(report: dict[str, Any], args: argparse.Namespace) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(report, indent=1) + "\n")
    table = markdown(report)
    (args.out / "results.md").write_text(table)
    if args.readme:
        update_readme(args.readme, table)
    print(table)
    log(f"done in {report['meta']['runtime_s']:.0f} s: {args.out}/results.md, results.json")


if __name__ == "__main__":
    main()
