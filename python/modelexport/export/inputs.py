"""What the exporter asks of a modality: its processor, the graph inputs built with it (example
inputs to trace, other inputs to validate on), the shapes to try, the processor's metadata and
files. The exporter picks the modality's builder here, once (`inputs_for`), from the task
registry's modality; everything modality-specific lives in text_inputs.py / image_inputs.py /
audio_inputs.py."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modelexport.errors import ModelExportError

if TYPE_CHECKING:
    from modelexport.export.source import ModelSource
    from modelexport.export.tasks import TaskSpec

Inputs = dict[str, np.ndarray]


@dataclass
class ShapePlan:
    """One way to shape the graph: its axes, the inputs to trace it with and to validate it on.

    `axes` maps each input to {axis: name} of its dynamic axes (None: all fixed). `shapes` is
    what the package records (hf_processor_config "shapes", hf_export_config). A plan with a
    `fallback_note` is tried first and, when it does not export or validate, replaced by the
    next plan; the note (with the reason) is recorded in the package."""

    shapes: dict[str, Any]
    axes: dict[str, dict[int, str]] | None
    example: Inputs
    cases: list[tuple[str, Inputs]]
    fallback_note: str | None = None
    notes: list[str] = field(default_factory=list)


class ModalityInputs(ABC):
    """The processor of one source model and the inputs built with it."""

    #: The model's processor (tokenizer, image processor).
    processor: Any
    #: What its files are called in messages.
    files_description: str = "processor files"

    @abstractmethod
    def prepare_model(self, model: Any) -> None:
        """Adjust the loaded model to the processor (pad token ids) and check the requested
        shapes against the model's configuration, before export."""

    @abstractmethod
    def graph_input_names(self, forward_parameters: set[str], *, dynamic: bool) -> list[str]:
        """The inputs the processor produces and the model's forward takes, in graph order
        (`dynamic`: for a graph with dynamic axes)."""

    @abstractmethod
    def plans(
        self, input_names: list[str], *, batch_size: int, dynamic: bool
    ) -> Iterator[ShapePlan]:
        """The shape plans to try, in order (built lazily: a fallback's inputs only when it is
        needed)."""

    @abstractmethod
    def processor_config(self, plan: ShapePlan, input_names: list[str]) -> dict[str, Any]:
        """hf_processor_config of the package."""

    @abstractmethod
    def save_files(self, staging: Path) -> None:
        """Write the processor's files (tokenizer / preprocessor_config.json) into the package."""

    def use_shape_buckets(self, requested: list[int] | None, *, automatic: bool) -> list[int]:
        """Choose the shape buckets (sequence lengths, ascending, the export length last) the
        package gets: `requested` (the --shape-buckets lengths below the export length), or
        the default ladder when `automatic`; [] for one graph. Modalities without a sequence
        axis refuse a request."""
        if requested:
            raise ModelExportError("--shape-buckets applies to models that read text only")
        return []

    def bucket_cases(self, length: int, input_names: list[str]) -> list[tuple[str, Inputs]]:
        """Inputs to validate the shape bucket of `length` on (shorter texts, padded to it)."""
        raise NotImplementedError

    def graph_slices(self) -> dict[str, list[str]]:
        """Graphs to cut from model.onnx, sharing its weights: file name -> the outputs it
        computes (a dual encoder's towers). None by default."""
        return {}


def inputs_for(
    spec: TaskSpec,
    source: ModelSource,
    *,
    trust_remote_code: bool,
    sequence_length: int | None = None,
    image_size: tuple[int, int] | None = None,
    audio_seconds: float | None = None,
) -> ModalityInputs:
    """The input builder of the task's modality, with the source's processor loaded."""
    if sequence_length is not None and spec.modality not in ("text", "document", "image-text"):
        raise ModelExportError("--sequence-length applies to models that read text only")
    if image_size is not None and spec.modality not in ("image", "image-text"):
        raise ModelExportError("--image-size applies to image models only")
    if audio_seconds is not None and spec.modality != "audio":
        raise ModelExportError("--audio-seconds applies to audio models only")
    if spec.modality == "audio":
        from modelexport.export.audio_inputs import AudioInputs

        return AudioInputs(source, spec, trust_remote_code, audio_seconds=audio_seconds)
    if spec.modality == "image":
        from modelexport.export.image_inputs import ImageInputs

        return ImageInputs(source, spec, trust_remote_code, image_size=image_size)
    if spec.modality == "image-text":
        from modelexport.export.image_text_inputs import ImageTextInputs

        return ImageTextInputs(
            source, spec, trust_remote_code, sequence_length=sequence_length, image_size=image_size
        )
    if spec.modality == "document":
        from modelexport.export.document_inputs import DocumentInputs

        return DocumentInputs(source, spec, trust_remote_code, sequence_length=sequence_length)
    if spec.modality == "text":
        from modelexport.export.text_inputs import TextInputs

        return TextInputs(source, spec, trust_remote_code, sequence_length=sequence_length)
    raise ModelExportError(f"task '{spec.name}': {spec.modality} models cannot be exported yet")


def task_module(spec: TaskSpec, model: Any, output_names: tuple[str, ...]) -> Any:
    """The module torch.onnx.export traces: the model with the graph's inputs of the task's
    modality as its forward parameters and `output_names` as a tuple."""
    from modelexport.export.onnx_export import (
        AudioFeaturesTaskOutputs,
        AudioTaskOutputs,
        DocumentTaskOutputs,
        ImageTaskOutputs,
        ImageTextTaskOutputs,
        TaskOutputs,
    )

    wrapper: type[TaskOutputs] = TaskOutputs
    if spec.modality == "document":
        wrapper = DocumentTaskOutputs
    elif spec.modality == "image":
        wrapper = ImageTaskOutputs
    elif spec.modality == "image-text":
        wrapper = ImageTextTaskOutputs
    elif spec.modality == "audio":
        # Whisper's encoder takes log-mel `input_features`; the others `input_values`.
        features = getattr(model, "main_input_name", "input_values") == "input_features"
        wrapper = AudioFeaturesTaskOutputs if features else AudioTaskOutputs
    return wrapper(model, output_names).eval()


def package_inputs(package_dir: Path, spec: TaskSpec, export_config: dict[str, Any]) -> Inputs:
    """Inputs for an exported package (validate, --optimum), built with its own processor."""
    if spec.modality == "audio":
        from modelexport.export.audio_inputs import package_inputs as audio_package_inputs

        return audio_package_inputs(package_dir, export_config)
    if spec.modality == "image-text":
        from modelexport.export.image_text_inputs import package_inputs as pair_package_inputs

        return pair_package_inputs(package_dir, export_config)
    if spec.modality == "document":
        from modelexport.export.document_inputs import package_inputs as document_package_inputs

        return document_package_inputs(package_dir, export_config)
    if spec.modality == "image":
        from modelexport.export.image_inputs import package_inputs as image_package_inputs

        return image_package_inputs(package_dir, export_config)
    from modelexport.export.text_inputs import package_inputs as text_package_inputs

    return text_package_inputs(package_dir, spec, export_config)


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
