"""Optimum compatibility: a package loads with ORTModelFor*.from_pretrained and gives the same
outputs as our own ONNX Runtime run on the same inputs.

Optimum pins transformers 4.57, so it lives in a second virtual environment (.venv-optimum, made
by scripts/setup.sh); `_optimum_worker.py` runs there on inputs built here from each package's
own tokenizer and fixed shapes."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from modelexport import _native
from modelexport._native import metadata_keys as keys
from modelexport.errors import ModelExportError
from modelexport.export.tasks import task_spec
from modelexport.export.validation import max_abs_difference

OPTIMUM_ATOL = 1e-5
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
    # None when transformers 4.x loads the package's tokenizer and gives the same token ids
    # as ours; otherwise why not.
    tokenizer_problem: str | None
    atol: float

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
            inputs = load_inputs_for_package(package)
            session = onnxruntime.InferenceSession(
                str(model_path), providers=["CPUExecutionProvider"]
            )
            names = [o.name for o in session.get_outputs()]
            ours.append(dict(zip(names, session.run(names, inputs), strict=True)))
            job = {
                "texts": list(TOKENIZER_CHECK_TEXTS),
                "package": str(package),
                "model_class": task_spec(metadata[keys.PIPELINE_TASK]).ort_model_class,
                "output_names": list(task_spec(metadata[keys.PIPELINE_TASK]).output_names),
                "inputs": f"{scratch}/inputs-{index}.npz",
                "outputs": f"{scratch}/outputs-{index}.npz",
            }
            np.savez(job["inputs"], **inputs)
            jobs.append(job)
            expected_ids.append(_token_ids(package))
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


def _token_ids(package: Path) -> list[list[int]]:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(package)
    return [tokenizer(text)["input_ids"] for text in TOKENIZER_CHECK_TEXTS]


def _compare(
    job: dict, result: dict, expected: dict[str, np.ndarray], ids: list[list[int]], atol: float
) -> OptimumReport:
    if "error" in result:
        raise ModelExportError(f"Optimum could not load {job['package']}: {result['error']}")
    diffs = {}
    with np.load(job["outputs"]) as theirs:
        for name, value in expected.items():
            if name not in theirs:
                raise ModelExportError(f"Optimum returned no output '{name}' for {job['package']}")
            diffs[name] = max_abs_difference(theirs[name], value)
    if "tokenizer_error" in result:
        tokenizer_problem = f"does not load: {result['tokenizer_error']}"
    elif result["token_ids"] != ids:
        tokenizer_problem = "loads but gives different token ids"
    else:
        tokenizer_problem = None
    return OptimumReport(
        Path(job["package"]), result["model_class"], diffs, tokenizer_problem, atol
    )
