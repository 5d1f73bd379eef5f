"""The Python face of the native pipelines. Every task is the same class: inputs, options and
results cross into the C++ runtime (create_pipeline) as plain values, and the task's C++ code
checks the options against its schema and shapes the results as transformers does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modelexport import _native
from modelexport.errors import ModelExportError

PipelineError = _native.PipelineError


class Pipeline:
    """A package's pipeline, called like transformers' pipeline for its task:
    `pipe(inputs, **options)`; options given here become the defaults of every call."""

    def __init__(
        self,
        model: str | Path,
        task: str | None = None,
        threads: int = 0,
        max_image_pixels: int | None = None,
        max_audio_seconds: float | None = None,
        **defaults: Any,
    ) -> None:
        self.model = str(model)
        self._native = _native.Pipeline(
            self.model, task or "", threads, max_image_pixels, max_audio_seconds
        )
        self.task: str = self._native.task
        self._defaults = dict(defaults)
        self._native.check_options(self._defaults)

    def __call__(self, inputs: Any = None, **options: Any) -> Any:
        return self._native(inputs, {**self._defaults, **options})

    def sentence_embeddings(self, inputs: str | list[str]) -> Any:
        """feature-extraction: pooled (and normalized, when the package says so)
        sentence-transformers embeddings as a float32 array [inputs, hidden]."""
        import numpy as np

        if self.task != "feature-extraction":
            raise PipelineError(
                f"sentence_embeddings needs a feature-extraction package, not {self.task}"
            )
        texts = [inputs] if isinstance(inputs, str | dict) else list(inputs)
        return np.asarray(self(texts, sentence_embedding=True), dtype=np.float32)

    def __repr__(self) -> str:
        return f"Pipeline(task={self.task!r}, model={self.model!r})"


def pipeline(task: str | None = None, model: str | Path | None = None, **options: Any) -> Any:
    """A native pipeline over an exported package; the task comes from the package when not
    given. Options: threads (ONNX Runtime intra-op threads), max_image_pixels (images above it
    are refused, like Pillow's MAX_IMAGE_PIXELS), max_audio_seconds (longer audio is refused;
    default one hour) and any call option of the task, used as its default. Image tasks take
    file paths, bytes, PIL images and uint8 arrays (H x W x 3); audio tasks file paths, bytes,
    float arrays at the model's rate and {"raw": array, "sampling_rate": Hz}."""
    if model is None:
        raise ModelExportError("pipeline() needs model=PACKAGE_DIR or model=PATH/model.onnx")
    return Pipeline(model, task, **options)
