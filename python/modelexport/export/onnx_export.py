"""torch.onnx.export with the dynamo exporter, falling back to TorchScript per model."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from modelexport.errors import ModelExportError

# Parameters above this many bytes cannot live inside one protobuf (2 GB limit).
_EXTERNAL_DATA_THRESHOLD = 1_800_000_000
_OPERATOR_PATTERN = re.compile(r"\baten(?:::|\.)(\w+)")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class TaskOutputs(torch.nn.Module):
    """Runs a transformers model and returns the task's outputs as a tuple in a fixed order,
    so the graph's outputs get Optimum's names (last_hidden_state, logits, ...)."""

    def __init__(self, model: torch.nn.Module, output_names: tuple[str, ...]) -> None:
        super().__init__()
        self.model = model
        self.output_names = output_names

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, ...]:
        kwargs = {"input_ids": input_ids}
        if attention_mask is not None:
            kwargs["attention_mask"] = attention_mask
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        outputs = self.model(**kwargs, return_dict=True)
        return tuple(outputs[name] for name in self.output_names)


@dataclass(frozen=True)
class ExportOutcome:
    exporter: str  # "dynamo" or "torchscript"
    opset: int
    seconds: float
    dynamo_error: str | None  # why the dynamo exporter was not used, when it was not


def export_onnx(
    module: TaskOutputs,
    inputs: dict[str, np.ndarray],
    output_path: Path,
    *,
    dynamic: bool,
    opset: int | None,
) -> ExportOutcome:
    """Export `module` on `inputs` to `output_path`; raises ModelExportError naming the operator
    when neither exporter can convert the model."""
    tensors = {name: torch.from_numpy(array) for name, array in inputs.items()}
    input_names = list(tensors)
    output_names = list(module.output_names)
    external_data = _parameter_bytes(module) > _EXTERNAL_DATA_THRESHOLD
    start = time.perf_counter()
    try:
        with _quiet():
            batch = torch.export.Dim("batch_size")
            sequence = torch.export.Dim("sequence_length")
            torch.onnx.export(
                module,
                (),
                str(output_path),
                kwargs=tensors,
                input_names=input_names,
                output_names=output_names,
                opset_version=opset,
                dynamo=True,
                external_data=external_data,
                dynamic_shapes={n: {0: batch, 1: sequence} for n in input_names}
                if dynamic
                else None,
            )
        return ExportOutcome("dynamo", _opset_of(output_path), time.perf_counter() - start, None)
    except Exception as dynamo_error:  # any exporter failure: try the other exporter
        dynamo_message = _one_line(dynamo_error)
    _remove_partial(output_path)
    start = time.perf_counter()
    try:
        with _quiet():
            torch.onnx.export(
                module,
                tuple(tensors[n] for n in input_names),
                str(output_path),
                input_names=input_names,
                output_names=output_names,
                opset_version=opset or 17,
                dynamo=False,
                dynamic_axes={n: {0: "batch_size", 1: "sequence_length"} for n in input_names}
                if dynamic
                else None,
            )
    except Exception as torchscript_error:
        _remove_partial(output_path)
        raise ModelExportError(_describe_failure(dynamo_message, torchscript_error)) from None
    return ExportOutcome(
        "torchscript", _opset_of(output_path), time.perf_counter() - start, dynamo_message
    )


def _describe_failure(dynamo_message: str, torchscript_error: Exception) -> str:
    torchscript_message = _one_line(torchscript_error)
    # TorchScript names the operator as users know it (aten::linalg_svd); dynamo may name an
    # internal variant (aten._linalg_svd.default) or none at all.
    operator = _OPERATOR_PATTERN.search(torchscript_message) or _OPERATOR_PATTERN.search(
        dynamo_message
    )
    if operator:
        return (
            f"operator aten::{operator.group(1)} cannot be exported to ONNX "
            f"(dynamo: {dynamo_message[:300]}; torchscript: {torchscript_message[:300]})"
        )
    return (
        f"ONNX export failed (dynamo: {dynamo_message[:300]}; "
        f"torchscript: {torchscript_message[:300]})"
    )


def _one_line(error: Exception) -> str:
    text = " ".join(_ANSI_ESCAPE.sub("", str(error)).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _parameter_bytes(module: torch.nn.Module) -> int:
    return sum(p.numel() * p.element_size() for p in module.parameters())


def _opset_of(path: Path) -> int:
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    return next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))


def _remove_partial(path: Path) -> None:
    for leftover in path.parent.glob(path.name + "*"):
        leftover.unlink()


@contextlib.contextmanager
def _quiet() -> Any:
    """The exporters print progress, warnings and (from C++) whole graphs meant for their
    developers; keep them out of the user's terminal. Failures still surface as exceptions."""
    with _silenced_file_descriptors(), _silenced_python_output():
        yield


@contextlib.contextmanager
def _silenced_file_descriptors() -> Any:
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


@contextlib.contextmanager
def _silenced_python_output() -> Any:
    loggers = [logging.getLogger(name) for name in ("torch", "onnxscript", "torch.onnx")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
        ):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
