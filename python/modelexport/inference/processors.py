"""Fixed-shape processors for the transformers ecosystem (the seeds' HF-compat layer).

`ONNXAutoProcessor.from_model(path)` loads the real transformers processor from the package's
files (AutoTokenizer, AutoImageProcessor, AutoFeatureExtractor or AutoProcessor) and wraps it
so that every call returns tensors of the graph's fixed shapes: text padded/truncated to the
sequence length, images sized to the graph's height x width, audio padded/truncated to its
length, and a short batch padded up to a fixed batch larger than 1 (with copies of its last
row; the outputs past the inputs are padding). The batch axis is never cut: pipelines feed one
row at a time (QA spans, token-classification chunks). Everything else is delegated to the
wrapped object, so the wrappers are drop-ins inside transformers pipelines.

The shapes and the task come from the package through the C++ core (`describe_package_json`);
nothing of the package format is parsed here."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from modelexport import _native, package_files
from modelexport.errors import ModelExportError

# Call arguments that leave a tokenizer free to skip truncation; the graph's length needs it.
_NO_TRUNCATION = (None, False, "do_not_truncate")


@dataclass(frozen=True)
class GraphShapes:
    """What the graph fixes: the batch, and per input its shape (None where an axis is
    dynamic). Read from the ONNX inputs, never guessed."""

    model_path: str
    task: str
    batch_size: int | None
    inputs: dict[str, tuple[int | None, ...]]
    types: dict[str, str]  # element type per input: "int64", "float32", ...

    def axis(self, name: str, axis: int) -> int | None:
        shape = self.inputs.get(name)
        return shape[axis] if shape is not None and len(shape) > axis else None


def read_graph_shapes(onnx_path: str | os.PathLike[str]) -> GraphShapes:
    """The fixed shapes of a package's graph (a package folder or its .onnx file)."""
    try:
        description = json.loads(_native.describe_package_json(os.fspath(onnx_path)))
    except ValueError as error:
        raise ModelExportError(str(error)) from None
    inputs = {
        tensor["name"]: tuple(d if isinstance(d, int) else None for d in tensor["shape"] or ())
        for tensor in description["inputs"]
    }
    types = {tensor["name"]: tensor["type"] for tensor in description["inputs"]}
    batches = {shape[0] for shape in inputs.values() if shape}
    batch = next(iter(batches)) if len(batches) == 1 else None
    task = description["task"] or _native.package_task(description["model_path"])
    return GraphShapes(description["model_path"], task, batch, inputs, types)


@contextmanager
def _processor_files(
    onnx_path: str, hf_model_path: str | os.PathLike[str] | None
) -> Iterator[Path]:
    """The folder holding the processor files: hf_model_path when given, else the package's
    (a single-file package's embedded files, extracted for the block). The one place that knows
    where they live."""
    if hf_model_path is not None:
        folder = Path(hf_model_path)
        if not folder.is_dir():
            raise ModelExportError(f"{folder}: hf_model_path is not a folder")
        yield folder
        return
    with package_files.extracted(onnx_path) as folder:
        yield folder


def _cast_numpy(encoded: Any, types: dict[str, str]) -> Any:
    """numpy arrays of graph inputs in the graph's element type (transformers 5's feature
    extractors give an int32 attention_mask; the graph takes int64)."""
    for name, element_type in types.items():
        value = encoded.get(name) if hasattr(encoded, "get") else None
        if isinstance(value, np.ndarray) and value.dtype != np.dtype(element_type):
            encoded[name] = value.astype(element_type)
    return encoded


def _pad_batch(encoded: Any, batch_size: int | None) -> Any:
    """Pads every array of a BatchEncoding/BatchFeature up to batch_size rows with copies of
    its last row (valid inputs, so no model sees an all-padding row)."""
    if batch_size is None or batch_size <= 1:
        return encoded
    for name in list(encoded.keys()):
        value = encoded[name]
        rows = len(value)
        if rows == 0 or rows >= batch_size:
            continue
        if isinstance(value, np.ndarray):
            padding = np.repeat(value[-1:], batch_size - rows, axis=0)
            encoded[name] = np.concatenate([value, padding])
        elif hasattr(value, "repeat") and hasattr(value, "shape"):  # torch.Tensor
            import torch

            padding = value[-1:].repeat(batch_size - rows, *([1] * (value.dim() - 1)))
            encoded[name] = torch.cat([value, padding])
        else:  # lists (no return_tensors)
            encoded[name] = list(value) + [value[-1]] * (batch_size - rows)
    return encoded


class _Wrapper:
    """Delegates every attribute it does not define to the wrapped transformers object."""

    def __init__(self, wrapped: Any, batch_size: int | None) -> None:
        self.__dict__["_wrapped"] = wrapped
        self.__dict__["batch_size"] = batch_size
        self.__dict__["input_types"] = {}

    def set_input_types(self, types: dict[str, str]) -> None:
        """The graph's element type per input: numpy results are cast to them."""
        self.__dict__["input_types"] = dict(types)

    def _finish(self, encoded: Any) -> Any:
        return _cast_numpy(_pad_batch(encoded, self.batch_size), self.input_types)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_wrapped"], name)

    def __setattr__(self, name: str, value: Any) -> None:
        # Pipelines and users configure the processor; the wrapped object holds the settings.
        if hasattr(type(self), name) or name in self.__dict__:
            object.__setattr__(self, name, value)
        else:
            setattr(self._wrapped, name, value)

    @property
    def wrapped(self) -> Any:
        """The transformers processor inside."""
        return self._wrapped

    def __repr__(self) -> str:
        return f"{type(self).__name__}({type(self._wrapped).__name__}, {self._shape_text()})"

    def _shape_text(self) -> str:
        return f"batch_size={self.batch_size}"


_W = TypeVar("_W", bound=_Wrapper)


class ONNXTokenizer(_Wrapper):
    """A transformers tokenizer whose calls give the graph's fixed sequence length: padded to
    it and truncated at it, whatever max_length/padding the caller asks for (the caller's
    truncation strategy is kept, e.g. QA's "only_second"; none becomes True)."""

    def __init__(self, tokenizer: Any, batch_size: int | None, sequence_length: int | None) -> None:
        super().__init__(tokenizer, batch_size)
        self.__dict__["sequence_length"] = sequence_length

    @property
    def model_max_length(self) -> int:
        # What pipelines size their windows by (QA's max_seq_len and doc_stride).
        if self.sequence_length is None:
            return int(self._wrapped.model_max_length)
        return self.sequence_length

    def fixed_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The call's keyword arguments with the graph's sequence length imposed."""
        length = self.sequence_length
        if length is None:
            return kwargs
        fixed = {**kwargs, "max_length": length, "padding": "max_length"}
        fixed.pop("pad_to_multiple_of", None)
        if fixed.get("truncation") in _NO_TRUNCATION:
            fixed["truncation"] = True
        return fixed

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._finish(self._wrapped(*args, **self.fixed_kwargs(kwargs)))

    def _shape_text(self) -> str:
        return f"batch_size={self.batch_size}, sequence_length={self.sequence_length}"


class ONNXImageProcessor(_Wrapper):
    """A transformers image processor whose calls give the graph's height x width: processors
    that pad (DETR, YOLOS) pad into that canvas; the others already resize/crop to it (the
    export saved their sizes so). A processor that gives another size is an error naming both."""

    def __init__(
        self, processor: Any, batch_size: int | None, height: int | None, width: int | None
    ) -> None:
        super().__init__(processor, batch_size)
        self.__dict__["height"] = height
        self.__dict__["width"] = width

    def fixed_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        fixed = dict(kwargs)
        pads = getattr(self._wrapped, "do_pad", False) and hasattr(self._wrapped, "pad_size")
        if pads and self.height is not None and self.width is not None:
            fixed.setdefault("pad_size", {"height": self.height, "width": self.width})
        return fixed

    def __call__(self, images: Any = None, *args: Any, **kwargs: Any) -> Any:
        result = self._wrapped(images, *args, **self.fixed_kwargs(kwargs))
        pixels = result.get("pixel_values")
        if pixels is not None and len(pixels) and hasattr(pixels[0], "shape"):
            got = tuple(pixels[0].shape[-2:])
            want = (self.height, self.width)
            if all(w is not None for w in want) and got != want:
                raise ModelExportError(
                    f"{type(self._wrapped).__name__} gives {got[0]}x{got[1]} images, the graph "
                    f"takes {want[0]}x{want[1]}: use the package's own processor files"
                )
        return self._finish(result)

    def preprocess(self, images: Any, *args: Any, **kwargs: Any) -> Any:
        return self(images, *args, **kwargs)

    def _shape_text(self) -> str:
        return f"batch_size={self.batch_size}, height={self.height}, width={self.width}"


class ONNXFeatureExtractor(_Wrapper):
    """A transformers feature extractor whose calls give the graph's length: raw waveforms
    (wav2vec2-style `input_values` [B, samples]) padded/truncated to the graph's samples;
    spectrogram extractors (AST, Whisper) fix their frames themselves and are checked. The
    attention mask is returned exactly when the graph takes one."""

    def __init__(
        self,
        extractor: Any,
        batch_size: int | None,
        sequence_length: int | None,
        *,
        raw_waveform: bool = True,
        attention_mask: bool | None = None,
        input_name: str = "input_values",
        time_axis: int = 1,
    ) -> None:
        super().__init__(extractor, batch_size)
        self.__dict__.update(
            sequence_length=sequence_length,
            raw_waveform=raw_waveform,
            attention_mask=attention_mask,
            input_name=input_name,
            time_axis=time_axis,
        )

    def fixed_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        fixed = dict(kwargs)
        if self.raw_waveform and self.sequence_length is not None:
            fixed.update(padding="max_length", max_length=self.sequence_length, truncation=True)
        if self.attention_mask is not None:
            fixed["return_attention_mask"] = self.attention_mask
        return fixed

    def __call__(self, raw_speech: Any = None, *args: Any, **kwargs: Any) -> Any:
        result = self._wrapped(raw_speech, *args, **self.fixed_kwargs(kwargs))
        features = result.get(self.input_name)
        if self.sequence_length is not None and features is not None and len(features):
            got = features[0].shape[self.time_axis - 1] if hasattr(features[0], "shape") else None
            if got is not None and got != self.sequence_length:
                raise ModelExportError(
                    f"{type(self._wrapped).__name__} gives {self.input_name} of length {got}, "
                    f"the graph takes {self.sequence_length}: use the package's own processor files"
                )
        return self._finish(result)

    def _shape_text(self) -> str:
        return f"batch_size={self.batch_size}, sequence_length={self.sequence_length}"


class ONNXProcessor(_Wrapper):
    """A multimodal transformers processor (AutoProcessor: e.g. Wav2Vec2Processor = feature
    extractor + CTC tokenizer) with its components that feed the graph wrapped as above; its
    `tokenizer`, `feature_extractor` and `image_processor` attributes are those wrappers, which
    transformers pipelines take from a processor."""

    def __init__(
        self, processor: Any, batch_size: int | None, components: dict[str, _Wrapper]
    ) -> None:
        super().__init__(processor, batch_size)
        self.__dict__["components"] = components

    def __getattr__(self, name: str) -> Any:
        components = self.__dict__["components"]
        if name in components:
            return components[name]
        return getattr(self.__dict__["_wrapped"], name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        fixed: dict[str, Any] = {}
        for component in self.components.values():
            fixed.update(component.fixed_kwargs({}))
        return self._finish(self._wrapped(*args, **{**kwargs, **fixed}))

    def _shape_text(self) -> str:
        return ", ".join(repr(c) for c in self.components.values())


class ONNXAutoProcessor:
    """The factory of the fixed-shape processors (the seeds' ONNX-first name: from_model)."""

    @classmethod
    def from_model(
        cls,
        onnx_model_path: str | os.PathLike[str],
        hf_model_path: str | os.PathLike[str] | None = None,
    ) -> ONNXTokenizer | ONNXImageProcessor | ONNXFeatureExtractor | ONNXProcessor:
        """The package's processor (from its files, or hf_model_path's) with the fixed shapes
        of its graph: an ONNXTokenizer, ONNXImageProcessor, ONNXFeatureExtractor, or an
        ONNXProcessor when its files make a multimodal processor."""
        shapes = read_graph_shapes(onnx_model_path)
        modality = _task_modality(shapes.task)
        from transformers import ProcessorMixin

        with _processor_files(shapes.model_path, hf_model_path) as folder:
            loaded = _load_processor(folder, modality)
        if modality == "text":
            return _tokenizer(loaded, shapes)
        if isinstance(loaded, ProcessorMixin):
            components: dict[str, _Wrapper] = {}
            for name in ("image_processor", "feature_extractor", "tokenizer"):
                part = getattr(loaded, name, None)
                wrapped = None if part is None else _wrap_component(name, part, shapes)
                if wrapped is not None:
                    components[name] = wrapped
            return _typed(ONNXProcessor(loaded, shapes.batch_size, components), shapes)
        if modality == "image":
            return _image_processor(loaded, shapes)
        return _feature_extractor(loaded, shapes)


def _load_processor(folder: Path, modality: str) -> Any:
    """The transformers processor of `folder`: a tokenizer for text models, a multimodal
    processor when a tokenizer sits beside an image or audio processor, else the image
    processor or feature extractor."""
    from transformers import (
        AutoFeatureExtractor,
        AutoImageProcessor,
        AutoProcessor,
        AutoTokenizer,
    )

    try:
        if modality == "text":
            return AutoTokenizer.from_pretrained(folder)
        if (folder / "tokenizer_config.json").is_file():  # a tokenizer beside: multimodal
            return AutoProcessor.from_pretrained(folder)
        if modality == "image":
            return AutoImageProcessor.from_pretrained(folder)
        return AutoFeatureExtractor.from_pretrained(folder)
    except (OSError, ValueError) as error:
        first = str(error).strip().splitlines()
        raise ModelExportError(
            f"{folder}: no processor loads from it ({first[0] if first else type(error)})"
        ) from None


def _task_modality(task: str) -> str:
    for spec in _native.task_registry():
        if spec["name"] == task:
            return str(spec["modality"])
    raise ModelExportError(f"unknown task '{task}'")


def _typed(wrapper: _W, shapes: GraphShapes) -> _W:
    wrapper.set_input_types(shapes.types)
    return wrapper


def _tokenizer(tokenizer: Any, shapes: GraphShapes) -> ONNXTokenizer:
    return _typed(ONNXTokenizer(tokenizer, shapes.batch_size, shapes.axis("input_ids", 1)), shapes)


def _image_processor(processor: Any, shapes: GraphShapes) -> ONNXImageProcessor:
    height, width = shapes.axis("pixel_values", 2), shapes.axis("pixel_values", 3)
    return _typed(ONNXImageProcessor(processor, shapes.batch_size, height, width), shapes)


def _feature_extractor(extractor: Any, shapes: GraphShapes) -> ONNXFeatureExtractor:
    name = "input_features" if "input_features" in shapes.inputs else "input_values"
    rank = len(shapes.inputs.get(name, ()))
    # Raw waveforms are [B, samples]; AST is [B, frames, mel_bins], Whisper [B, mel_bins, frames].
    time_axis = 2 if name == "input_features" else 1
    wrapper = ONNXFeatureExtractor(
        extractor,
        shapes.batch_size,
        shapes.axis(name, time_axis),
        raw_waveform=rank == 2,
        attention_mask="attention_mask" in shapes.inputs,
        input_name=name,
        time_axis=time_axis,
    )
    return _typed(wrapper, shapes)


def _wrap_component(name: str, part: Any, shapes: GraphShapes) -> _Wrapper | None:
    """A multimodal processor's component wrapped when the graph takes its output."""
    if name == "tokenizer":
        return _tokenizer(part, shapes) if "input_ids" in shapes.inputs else None
    if name == "image_processor":
        return _image_processor(part, shapes) if "pixel_values" in shapes.inputs else None
    return _feature_extractor(part, shapes)


__all__ = [
    "ONNXAutoProcessor",
    "ONNXFeatureExtractor",
    "ONNXImageProcessor",
    "ONNXProcessor",
    "ONNXTokenizer",
]
