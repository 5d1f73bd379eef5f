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

_TORCHSCRIPT_DEFAULT_OPSET = 17
# Parameters above this many bytes cannot live inside one protobuf (2 GB limit).
_EXTERNAL_DATA_THRESHOLD = 1_800_000_000
_OPERATOR_PATTERN = re.compile(r"\baten(?:::|\.)(\w+)")
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


# The attribute of TaskOutputs holding the model: exporter scopes start with it.
SCOPE_ROOT = "model"


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


class ImageTaskOutputs(TaskOutputs):
    """TaskOutputs for image models: pixel_values (+ pixel_mask for DETR-style models)."""

    def forward(  # type: ignore[override]
        self, pixel_values: torch.Tensor, pixel_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, ...]:
        kwargs = {"pixel_values": pixel_values}
        if pixel_mask is not None:
            kwargs["pixel_mask"] = pixel_mask
        outputs = self.model(**kwargs, return_dict=True)
        return tuple(outputs[name] for name in self.output_names)


class AudioTaskOutputs(TaskOutputs):
    """TaskOutputs for raw-waveform audio models: input_values (+ attention_mask)."""

    def forward(  # type: ignore[override]
        self, input_values: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, ...]:
        kwargs = {"input_values": input_values}
        if attention_mask is not None:
            kwargs["attention_mask"] = attention_mask
        outputs = self.model(**kwargs, return_dict=True)
        return tuple(outputs[name] for name in self.output_names)


class AudioFeaturesTaskOutputs(TaskOutputs):
    """TaskOutputs for audio models on log-mel features (Whisper's encoder): input_features."""

    def forward(  # type: ignore[override]
        self, input_features: torch.Tensor, attention_mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, ...]:
        kwargs = {"input_features": input_features}
        if attention_mask is not None:
            kwargs["attention_mask"] = attention_mask
        outputs = self.model(**kwargs, return_dict=True)
        return tuple(outputs[name] for name in self.output_names)


class ImageTextTaskOutputs(TaskOutputs):
    """TaskOutputs for dual encoders (CLIP, SigLIP): token ids and pixel_values."""

    def forward(  # type: ignore[override]
        self,
        input_ids: torch.Tensor,
        pixel_values: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, ...]:
        kwargs = {"input_ids": input_ids, "pixel_values": pixel_values}
        if attention_mask is not None:
            kwargs["attention_mask"] = attention_mask
        outputs = self.model(**kwargs, return_dict=True)
        return tuple(outputs[name] for name in self.output_names)


class DocumentTaskOutputs(TaskOutputs):
    """TaskOutputs for document models (LayoutLM): tokens with their word boxes (bbox), and the
    page image (pixel_values) for the models that read it (LayoutLMv3)."""

    def forward(  # type: ignore[override]
        self,
        input_ids: torch.Tensor,
        bbox: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        pixel_values: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, ...]:
        kwargs = {"input_ids": input_ids, "bbox": bbox}
        if attention_mask is not None:
            kwargs["attention_mask"] = attention_mask
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        if pixel_values is not None:
            kwargs["pixel_values"] = pixel_values
        outputs = self.model(**kwargs, return_dict=True)
        return tuple(outputs[name] for name in self.output_names)


@dataclass(frozen=True)
class ExportOutcome:
    exporter: str  # "dynamo" or "torchscript"
    opset: int
    input_names: list[str]  # the graph's inputs: an exporter drops inputs the model ignores
    seconds: float
    dynamo_error: str | None  # why the dynamo exporter was not used, when it was not


EXPORTERS = ("auto", "dynamo", "torchscript")


def export_onnx(
    module: TaskOutputs,
    inputs: dict[str, np.ndarray],
    output_path: Path,
    *,
    axes: dict[str, dict[int, str]] | None,
    opset: int | None,
    exporter: str = "auto",
    strict_axes: bool = False,
) -> ExportOutcome:
    """Export `module` on `inputs` to `output_path` with the dynamo exporter, falling back to
    TorchScript when `exporter` is "auto". `axes`: each input's dynamic axes {axis: name}
    (None: fixed shapes); `strict_axes`: fail rather than export any of them fixed. Raises
    ModelExportError naming the operator when the model cannot be
    converted."""
    if exporter not in EXPORTERS:
        raise ModelExportError(
            f"unknown exporter '{exporter}'; choose one of: {', '.join(EXPORTERS)}"
        )
    tensors = {name: torch.from_numpy(array) for name, array in inputs.items()}
    dynamo_message = None
    if exporter in ("auto", "dynamo"):
        start = time.perf_counter()
        try:
            _export_dynamo(
                module, tensors, output_path, axes=axes, opset=opset, strict_axes=strict_axes
            )
            return ExportOutcome(
                "dynamo", *_signature_of(output_path), time.perf_counter() - start, None
            )
        except Exception as dynamo_error:  # any exporter failure: try the other exporter
            dynamo_message = _one_line(dynamo_error)
        _remove_partial(output_path)
        if _use_eager_attention(module):
            # torch 2.13's decompositions fail on some models' SDPA attention (BEiT, Swin:
            # "Cannot view a tensor ... as a tensor with shape"); the same model with eager
            # attention (the same arithmetic, unfused) exports.
            try:
                _export_dynamo(
                    module, tensors, output_path, axes=axes, opset=opset, strict_axes=strict_axes
                )
                return ExportOutcome(
                    "dynamo",
                    *_signature_of(output_path),
                    time.perf_counter() - start,
                    f"with SDPA attention: {dynamo_message}; exported with eager attention",
                )
            except Exception as eager_error:
                dynamo_message = f"{dynamo_message}; with eager attention: {_one_line(eager_error)}"
            _remove_partial(output_path)
        if exporter == "dynamo":
            raise ModelExportError(_describe_failure(dynamo_message, None))
    start = time.perf_counter()
    try:
        _export_torchscript(module, tensors, output_path, axes=axes, opset=opset)
    except Exception as torchscript_error:
        _remove_partial(output_path)
        raise ModelExportError(_describe_failure(dynamo_message, torchscript_error)) from None
    # The dynamo exporter records every intermediate type; TorchScript does not, and module
    # extraction needs the types of the values crossing module boundaries.
    import onnx

    onnx.shape_inference.infer_shapes_path(str(output_path), str(output_path))
    return ExportOutcome(
        "torchscript", *_signature_of(output_path), time.perf_counter() - start, dynamo_message
    )


def _use_eager_attention(module: TaskOutputs) -> bool:
    """Switch the model from SDPA to eager attention; False when it does not use SDPA."""
    model = module.model
    config = getattr(model, "config", None)
    if getattr(config, "_attn_implementation", None) != "sdpa":
        return False
    try:
        model.set_attn_implementation("eager")
    except Exception:  # a model that supports SDPA only
        return False
    return getattr(model.config, "_attn_implementation", None) == "eager"


def _export_dynamo(
    module: TaskOutputs,
    tensors: dict[str, torch.Tensor],
    output_path: Path,
    *,
    axes: dict[str, dict[int, str]] | None,
    opset: int | None,
    strict_axes: bool = False,
) -> None:
    input_names = list(tensors)
    dims: dict[str, Any] = {}  # one Dim per axis name, shared by the inputs that use it
    dynamic_shapes = None
    if axes is not None:
        dynamic_shapes = {
            name: {
                axis: dims.setdefault(dim, torch.export.Dim(dim))
                for axis, dim in axes.get(name, {}).items()
            }
            for name in input_names
        }
    with _quiet():
        if strict_axes and axes is not None:
            # torch.onnx.export retries a failed torch.export with laxer capture strategies
            # (strict, draft export), which are slow and may make the dynamic axes fixed. One
            # non-strict torch.export first fails fast when the model fixes an axis; the range
            # and divisibility conditions it puts on them (DETR: at least 33 pixels) are
            # accepted (Dim.DYNAMIC), and so are they by the export proper (axes by name).
            torch.export.export(
                module,
                (),
                kwargs=tensors,
                dynamic_shapes={
                    name: {axis: torch.export.Dim.DYNAMIC for axis in axes.get(name, {})}
                    for name in input_names
                },
                strict=False,
            )
            dynamic_shapes = {name: dict(axes.get(name, {})) for name in input_names}
        torch.onnx.export(
            module,
            (),
            str(output_path),
            kwargs=tensors,
            input_names=input_names,
            output_names=list(module.output_names),
            opset_version=opset,
            dynamo=True,
            external_data=_parameter_bytes(module) > _EXTERNAL_DATA_THRESHOLD,
            dynamic_shapes=dynamic_shapes,
        )


def _export_torchscript(
    module: TaskOutputs,
    tensors: dict[str, torch.Tensor],
    output_path: Path,
    *,
    axes: dict[str, dict[int, str]] | None,
    opset: int | None,
) -> None:
    input_names = list(tensors)
    with _quiet():
        # By keyword: a graph without attention_mask must not feed token_type_ids as the mask.
        first, *rest = input_names
        torch.onnx.export(
            module,
            (tensors[first], {name: tensors[name] for name in rest}),
            str(output_path),
            input_names=input_names,
            output_names=list(module.output_names),
            opset_version=opset or _TORCHSCRIPT_DEFAULT_OPSET,
            dynamo=False,
            dynamic_axes={n: axes[n] for n in input_names if n in axes} if axes else None,
        )


def _describe_failure(dynamo_message: str | None, torchscript_error: Exception | None) -> str:
    messages = []
    if dynamo_message is not None:
        messages.append(f"dynamo: {dynamo_message[:300]}")
    if torchscript_error is not None:
        messages.append(f"torchscript: {_one_line(torchscript_error)[:300]}")
    detail = "; ".join(messages)
    # TorchScript names the operator as users know it (aten::linalg_svd); dynamo may name an
    # internal variant (aten._linalg_svd.default) or none at all.
    operator = next(
        (m for m in (_OPERATOR_PATTERN.search(text) for text in reversed(messages)) if m), None
    )
    if operator:
        return f"operator aten::{operator.group(1)} cannot be exported to ONNX ({detail})"
    return f"ONNX export failed ({detail})"


def _one_line(error: Exception) -> str:
    text = " ".join(_ANSI_ESCAPE.sub("", str(error)).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _parameter_bytes(module: torch.nn.Module) -> int:
    return sum(p.numel() * p.element_size() for p in module.parameters())


def _signature_of(path: Path) -> tuple[int, list[str]]:
    """The default-domain opset and the graph input names of an exported file."""
    import onnx

    model = onnx.load(str(path), load_external_data=False)
    initializers = {init.name for init in model.graph.initializer}
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    return opset, [i.name for i in model.graph.input if i.name not in initializers]


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
