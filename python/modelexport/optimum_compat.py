"""Optimum compatibility: a package loads with ORTModelFor*.from_pretrained and gives the same
outputs as our own ONNX Runtime run.

Optimum pins transformers 4.57, so it lives in a second virtual environment (.venv-optimum, made
by scripts/setup.sh); `_optimum_worker.py` runs there on inputs we build here."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from modelexport import _native
from modelexport.errors import ModelExportError

OPTIMUM_ATOL = 1e-5
_WORKER = Path(__file__).with_name("_optimum_worker.py")


@dataclass
class OptimumReport:
    model_class: str
    max_abs_diff: dict[str, float]
    tokenizer_loaded: bool
    atol: float

    @property
    def passed(self) -> bool:
        return all(d <= self.atol for d in self.max_abs_diff.values())


def optimum_python() -> Path:
    configured = os.environ.get("MODELEXPORT_OPTIMUM_PYTHON")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / ".venv-optimum" / "bin" / "python"


def validate_optimum_compatibility(
    package_dir: str | Path, atol: float = OPTIMUM_ATOL
) -> OptimumReport:
    """Load the package with Optimum in its own environment and compare its outputs with
    ONNX Runtime's on the same inputs. Raises ModelExportError when it cannot be loaded."""
    import onnxruntime

    from modelexport.export.exporter import load_inputs_for_package

    package_dir = Path(package_dir)
    model_path = Path(_native.resolve_model_path(str(package_dir)))
    package_dir = model_path.parent
    if not (package_dir / "config.json").is_file():
        raise ModelExportError(f"{package_dir}: no config.json (exported with --no-config?)")
    python = optimum_python()
    if not python.is_file():
        raise ModelExportError(
            f"Optimum environment not found at {python}: run scripts/setup.sh "
            "(or set MODELEXPORT_OPTIMUM_PYTHON)"
        )
    task = dict(_native.read_metadata(str(model_path)))["hf_pipeline_task"]
    inputs = load_inputs_for_package(package_dir)
    session = onnxruntime.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    output_names = [o.name for o in session.get_outputs()]
    ours = dict(zip(output_names, session.run(output_names, inputs), strict=True))

    with tempfile.TemporaryDirectory(prefix="modelexport-optimum-") as scratch:
        inputs_file = Path(scratch) / "inputs.npz"
        outputs_file = Path(scratch) / "outputs.npz"
        np.savez(inputs_file, **inputs)
        completed = subprocess.run(
            [
                str(python),
                str(_WORKER),
                str(package_dir),
                task,
                str(inputs_file),
                str(outputs_file),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            lines = (completed.stderr or completed.stdout).strip().splitlines()
            raise ModelExportError(
                f"Optimum could not load {package_dir}: {lines[-1] if lines else 'no output'}"
            )
        summary = json.loads(completed.stdout.strip().splitlines()[-1])
        with np.load(outputs_file) as theirs:
            diffs = {}
            for name, value in ours.items():
                if name not in theirs:
                    raise ModelExportError(f"Optimum returned no output '{name}' for {package_dir}")
                diffs[name] = float(np.max(np.abs(theirs[name] - value)))
    return OptimumReport(summary["model_class"], diffs, summary["tokenizer_loaded"], atol)
