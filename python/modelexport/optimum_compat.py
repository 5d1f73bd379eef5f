"""Optimum compatibility: a package loads with ORTModelFor*.from_pretrained and gives the same
outputs as our own ONNX Runtime run on the same inputs.

Optimum pins transformers 4.57, so it lives in a second virtual environment (.venv-optimum, made
by scripts/setup.sh); `_optimum_worker.py` runs there on inputs built here from each package's
own processor (tokenizer, image processor, feature extractor) and fixed shapes. It also checks
that transformers 4.57 reads the package's processor files the same way: equal token ids for
text (and the tokenizer of CTC speech recognition), pixel_values within PIXEL_ATOL for images,
audio features within FEATURE_ATOL for audio."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from modelexport import _native
from modelexport._native import metadata_keys as keys
from modelexport.errors import ModelExportError
from modelexport.export.tasks import task_spec
from modelexport.export.validation import max_abs_difference

OPTIMUM_ATOL = 1e-5
# transformers 4.57's and 5.x's image processors on the same images: the same PIL resize and
# the same float32 arithmetic, up to rounding.
PIXEL_ATOL = 1e-5
# transformers 4.57's and 5.x's feature extractors on the same clips (numpy float32/float64
# spectrograms and normalization), up to rounding.
FEATURE_ATOL = 1e-4
# Text for the CTC tokenizers of speech-recognition packages (upper case, as their vocabularies).
CTC_CHECK_TEXTS = ("HELLO WORLD", "IT'S A QUICK TEST OF THE VOCABULARY")
TOKENIZER_CHECK_TEXTS = (
    "Hello world, this is modelexport.",
    "Zürich, naïve café; 東京 🙂 <mask> [MASK] done.",
)
_WORKER = Path(__file__).with_name("_optimum_worker.py")


@dataclass
class OptimumReport:
    package: Path
    model_class: str
    max_abs_diff: dict[str, float]
    # None when transformers 4.x loads the package's processor and prepares the same inputs as
    # ours (text: the same token ids; images: pixel_values within PIXEL_ATOL); otherwise why not.
    processor_problem: str | None
    atol: float
    # Graph outputs Optimum's class does not return (ORTModelForFeatureExtraction returns
    # last_hidden_state only, not an image model's pooler_output).
    not_returned: list[str] = field(default_factory=list)
    # Why the processor could not be compared (no Pillow in the Optimum environment).
    processor_unchecked: str | None = None

    @property
    def tokenizer_problem(self) -> str | None:  # the name before image packages existed
        return self.processor_problem

    @property
    def passed(self) -> bool:
        return all(d <= self.atol for d in self.max_abs_diff.values())  # NaN fails


def optimum_python() -> Path:
    configured = os.environ.get("MODELEXPORT_OPTIMUM_PYTHON")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / ".venv-optimum" / "bin" / "python"


def validate_optimum_compatibility(
    package_dir: str | Path, atol: float = OPTIMUM_ATOL
) -> OptimumReport:
    """Load the package with Optimum in its own environment and compare its outputs with
    ONNX Runtime's. Raises ModelExportError when Optimum cannot load or run it."""
    return validate_optimum_compatibility_many([package_dir], atol)[0]


def validate_optimum_compatibility_many(
    package_dirs: list[str | Path], atol: float = OPTIMUM_ATOL
) -> list[OptimumReport]:
    """validate_optimum_compatibility for several packages with one Optimum process."""
    import onnxruntime

    from modelexport.export.exporter import load_inputs_for_package

    python = optimum_python()
    if not python.is_file():
        raise ModelExportError(
            f"Optimum environment not found at {python}: run scripts/setup.sh "
            "(or set MODELEXPORT_OPTIMUM_PYTHON)"
        )
    with tempfile.TemporaryDirectory(prefix="modelexport-optimum-") as scratch:
        jobs = []
        ours = []
        expected_ids = []
        for index, given in enumerate(package_dirs):
            model_path = Path(_native.resolve_model_path(str(given)))
            package = model_path.parent
            if not (package / "config.json").is_file():
                raise ModelExportError(f"{package}: no config.json (exported with --no-config?)")
            metadata = dict(_native.read_metadata(str(model_path)))
            spec = task_spec(metadata[keys.PIPELINE_TASK])
            if not spec.ort_model_class:
                raise ModelExportError(
                    f"{package}: Optimum has no ORTModel class for task '{spec.name}'"
                )
            inputs = load_inputs_for_package(package)
            session = onnxruntime.InferenceSession(
                str(model_path), providers=["CPUExecutionProvider"]
            )
            names = [o.name for o in session.get_outputs()]
            ours.append(dict(zip(names, session.run(names, inputs), strict=True)))
            job = {
                "package": str(package),
                "model_class": spec.ort_model_class,
                "output_names": list(spec.output_names),
                "inputs": f"{scratch}/inputs-{index}.npz",
                "outputs": f"{scratch}/outputs-{index}.npz",
            }
            np.savez(job["inputs"], **inputs)
            if spec.modality == "image":
                images, kwargs = _package_images(package, metadata)
                job["images"] = f"{scratch}/images-{index}.npz"
                job["processor_kwargs"] = kwargs
                np.savez(job["images"], **{f"image_{i}": image for i, image in enumerate(images)})
                expected_ids.append([])
            elif spec.modality == "audio":
                clips, rate, length = _package_clips(package, metadata)
                job["clips"] = f"{scratch}/clips-{index}.npz"
                job["sampling_rate"] = rate
                job["length"] = length
                job["feature_name"] = next(iter(inputs))
                np.savez(job["clips"], **{f"clip_{i}": clip for i, clip in enumerate(clips)})
                if (package / "tokenizer_config.json").is_file():
                    job["texts"] = list(CTC_CHECK_TEXTS)
                    expected_ids.append(_token_ids(package, CTC_CHECK_TEXTS))
                else:
                    expected_ids.append([])
            else:
                job["texts"] = list(TOKENIZER_CHECK_TEXTS)
                expected_ids.append(_token_ids(package))
            jobs.append(job)
        jobs_file = Path(scratch) / "jobs.json"
        jobs_file.write_text(json.dumps(jobs))
        completed = subprocess.run(
            [str(python), str(_WORKER), str(jobs_file)], capture_output=True, text=True, check=False
        )
        lines = completed.stdout.splitlines()
        results = [json.loads(line) for line in lines if line.startswith("{")]
        if completed.returncode != 0 or len(results) != len(jobs):
            lines = completed.stderr.strip().splitlines()
            raise ModelExportError(f"Optimum worker failed: {lines[-1] if lines else 'no output'}")
        return [
            _compare(job, result, expected, ids, atol)
            for job, result, expected, ids in zip(jobs, results, ours, expected_ids, strict=True)
        ]


def _package_images(package: Path, metadata: dict[str, str]) -> tuple[list, dict]:
    from modelexport.export.image_inputs import package_images

    return package_images(package, json.loads(metadata[keys.EXPORT_CONFIG]))


def _package_clips(package: Path, metadata: dict[str, str]) -> tuple[list, int, int | None]:
    from modelexport.export.audio_inputs import package_clips

    return package_clips(package, json.loads(metadata[keys.EXPORT_CONFIG]))


def _token_ids(package: Path, texts: tuple[str, ...] = TOKENIZER_CHECK_TEXTS) -> list[list[int]]:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(package)
    return [tokenizer(text)["input_ids"] for text in texts]


def _audio_processor_problem(result: dict, ids: list[list[int]]) -> str | None:
    if "processor_error" in result:
        return f"feature extractor: {result['processor_error']}"
    if not result["feature_max_abs_diff"] <= FEATURE_ATOL:
        return (
            f"feature extractor gives other features (max abs diff "
            f"{result['feature_max_abs_diff']:.3g})"
        )
    if ids and "tokenizer_error" in result:
        return f"CTC tokenizer does not load: {result['tokenizer_error']}"
    if ids and result.get("token_ids") != ids:
        return "CTC tokenizer loads but gives different token ids"
    return None


def _compare(
    job: dict, result: dict, expected: dict[str, np.ndarray], ids: list[list[int]], atol: float
) -> OptimumReport:
    if "error" in result:
        raise ModelExportError(f"Optimum could not load {job['package']}: {result['error']}")
    diffs = {}
    not_returned = []
    with np.load(job["outputs"]) as theirs:
        for name, value in expected.items():
            if name not in theirs:
                not_returned.append(name)
                continue
            diffs[name] = max_abs_difference(theirs[name], value)
    if not diffs:
        raise ModelExportError(f"Optimum returned none of {list(expected)} for {job['package']}")
    unchecked = result.get("processor_unchecked")
    if "images" in job:
        if unchecked:
            processor_problem = None
        elif "processor_error" in result:
            processor_problem = f"image processor: {result['processor_error']}"
        elif not result["pixel_max_abs_diff"] <= PIXEL_ATOL:
            processor_problem = (
                f"image processor gives other pixel_values (max abs diff "
                f"{result['pixel_max_abs_diff']:.3g})"
            )
        else:
            processor_problem = None
    elif "clips" in job:
        processor_problem = _audio_processor_problem(result, ids)
    elif "tokenizer_error" in result:
        processor_problem = f"does not load: {result['tokenizer_error']}"
    elif result["token_ids"] != ids:
        processor_problem = "loads but gives different token ids"
    else:
        processor_problem = None
    return OptimumReport(
        Path(job["package"]),
        result["model_class"],
        diffs,
        processor_problem,
        atol,
        not_returned,
        unchecked,
    )
