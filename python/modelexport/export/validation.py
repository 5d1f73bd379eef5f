"""Validation of an export: ONNX Runtime versus the PyTorch model on the same inputs."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch


def max_abs_difference(actual: np.ndarray, expected: np.ndarray) -> float:
    """Largest absolute difference; NaN when shapes differ or any value is not finite (no
    broadcasting, and NaN never passes a tolerance)."""
    if actual.shape != expected.shape:
        return float("nan")
    difference = np.abs(actual.astype(np.float64) - expected.astype(np.float64))
    if not np.all(np.isfinite(difference)):
        return float("nan")
    return float(difference.max(initial=0.0))


@dataclass
class ValidationCase:
    name: str
    input_shape: list[int]
    max_abs_diff: dict[str, float]


@dataclass
class ValidationReport:
    atol: float
    cases: list[ValidationCase] = field(default_factory=list)

    @property
    def max_abs_diff(self) -> float:
        diffs = [d for c in self.cases for d in c.max_abs_diff.values()]
        return float("nan") if any(np.isnan(diffs)) else max(diffs, default=0.0)

    @property
    def passed(self) -> bool:
        # NaN compares false, so a non-finite difference fails.
        return bool(self.cases) and self.max_abs_diff <= self.atol

    def to_json(self) -> dict[str, Any]:
        return {
            "atol": self.atol,
            "passed": self.passed,
            "max_abs_diff": self.max_abs_diff,
            "cases": [asdict(c) for c in self.cases],
        }


def validate_against_torch(
    onnx_path: Path,
    module: torch.nn.Module,
    output_names: tuple[str, ...],
    cases: list[tuple[str, dict[str, np.ndarray]]],
    atol: float,
) -> ValidationReport:
    import onnxruntime

    from modelexport.errors import ModelExportError

    try:
        session = onnxruntime.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    except Exception as error:
        raise ModelExportError(f"ONNX Runtime cannot load the export: {error}") from None
    graph_inputs = [i.name for i in session.get_inputs()]
    report = ValidationReport(atol=atol)
    for name, inputs in cases:
        try:
            onnx_outputs = session.run(list(output_names), {n: inputs[n] for n in graph_inputs})
        except Exception as error:
            raise ModelExportError(f"ONNX Runtime cannot run the export: {error}") from None
        with torch.no_grad():
            torch_outputs = module(**{k: torch.from_numpy(v) for k, v in inputs.items()})
        diffs = {
            output: max_abs_difference(onnx_value, torch_value.numpy())
            for output, onnx_value, torch_value in zip(
                output_names, onnx_outputs, torch_outputs, strict=True
            )
        }
        # The shape of the first graph input (input_ids, pixel_values).
        report.cases.append(ValidationCase(name, list(inputs[graph_inputs[0]].shape), diffs))
    return report
