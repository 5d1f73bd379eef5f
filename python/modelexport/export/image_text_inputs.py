"""Dual encoders (CLIP, SigLIP) for zero-shot image classification: the tokenizer and the image
processor together, example hypotheses and images, and the towers cut from the graph.

model.onnx is the whole model, as Optimum's ORTModelForZeroShotImageClassification loads it
(input_ids, pixel_values, attention_mask -> logits_per_image, logits_per_text, text_embeds,
image_embeds). Beside it, text_model.onnx (-> text_embeds) and vision_model.onnx
(-> image_embeds) are cut from it sharing its weights (model.onnx_data), so the runtime embeds
each hypothesis once and caches it. hf_processor_config records the head's logit_scale (before
its exp) and logit_bias, which turn the embeddings' cosine into logits.

Shapes: the number of candidate labels varies per call, so the text batch is dynamic in every
export; the token length is fixed at the tokenizer's maximum (CLIP: 77) unless --dynamic, and
SigLIP's is always 64, the length transformers pads its hypotheses to (its text tower pools the
last position). Images are fixed at the processor's size, one per run unless --dynamic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modelexport.errors import ModelExportError
from modelexport.export.image_inputs import (
    EXAMPLE_IMAGE_SIZES,
    OTHER_IMAGE_SIZES,
    ImageInputs,
    synthetic_images,
)
from modelexport.export.inputs import ModalityInputs, ShapePlan
from modelexport.export.text_inputs import TextInputs

if TYPE_CHECKING:
    from modelexport.export.source import ModelSource
    from modelexport.export.tasks import TaskSpec

# transformers pads SigLIP hypotheses to this length (zero_shot_image_classification.py).
SIGLIP_TEXT_LENGTH = 64
EXAMPLE_HYPOTHESES = (
    "This is a photo of a cat.",
    "This is a photo of a golden retriever playing in the park.",
    "This is a photo of an airliner.",
)
OTHER_HYPOTHESES = (
    "a diagram",
    "A long description of a quiet street in Zürich at night, with café lights and rain.",
    "This is a photo of 2 dogs!",
    "a sketch",
)
TEXT_INPUT_NAMES = ("input_ids", "attention_mask")
_SLICES = {"text_model.onnx": ["text_embeds"], "vision_model.onnx": ["image_embeds"]}


class ImageTextInputs(ModalityInputs):
    """A dual encoder's tokenizer and image processor and the inputs built with both."""

    files_description = "tokenizer and preprocessor_config.json"

    def __init__(
        self,
        source: ModelSource,
        spec: TaskSpec,
        trust_remote_code: bool,
        *,
        sequence_length: int | None,
        image_size: tuple[int, int] | None,
    ) -> None:
        self.text = TextInputs(source, spec, trust_remote_code, sequence_length=sequence_length)
        self.image = ImageInputs(source, spec, trust_remote_code, image_size=image_size)
        self.processor = self.text.processor
        self.requested_length = sequence_length
        self.siglip = False
        self.logit_scale = 0.0
        self.logit_bias: float | None = None

    def prepare_model(self, model: Any) -> None:
        self.siglip = "siglip" in model.config.model_type
        if self.siglip:
            if self.requested_length not in (None, SIGLIP_TEXT_LENGTH):
                raise ModelExportError(
                    f"SigLIP hypotheses are always {SIGLIP_TEXT_LENGTH} tokens (transformers pads "
                    f"them so); --sequence-length {self.requested_length} cannot apply"
                )
            self.text.sequence_length = SIGLIP_TEXT_LENGTH
        else:
            text_config = model.config.text_config
            self.text.prepare_model(model)
            limit = getattr(text_config, "max_position_embeddings", None)
            if self.requested_length is None and limit:
                self.text.sequence_length = min(self.text.processor.model_max_length, limit)
            elif limit and self.text.sequence_length > limit:
                raise ModelExportError(
                    f"--sequence-length {self.text.sequence_length} exceeds the text tower's "
                    f"maximum of {limit}"
                )
        self.image.prepare_model(model)
        self.logit_scale = float(model.logit_scale.detach().reshape(-1)[0])
        bias = getattr(model, "logit_bias", None)
        self.logit_bias = None if bias is None else float(bias.detach().reshape(-1)[0])

    def graph_input_names(self, forward_parameters: set[str], *, dynamic: bool) -> list[str]:
        produced = set(self.processor.model_input_names) | {"input_ids"}
        names = [n for n in TEXT_INPUT_NAMES if n in produced and n in forward_parameters]
        return [*names, "pixel_values"]

    def _encode(
        self,
        texts: tuple[str, ...],
        images: list[Any],
        input_names: list[str],
        *,
        text_count: int,
        fixed_length: bool,
    ) -> dict[str, np.ndarray]:
        batch = [texts[i % len(texts)] for i in range(text_count)]
        kwargs: dict[str, Any] = {"return_tensors": "np", "truncation": True}
        if fixed_length:
            kwargs.update(padding="max_length", max_length=self.text.sequence_length)
        else:
            kwargs["padding"] = "longest"
        encoded = self.processor(batch, **kwargs)
        arrays = {
            name: np.asarray(encoded[name], dtype=np.int64)
            for name in input_names
            if name != "pixel_values"
        }
        size = (self.image.height, self.image.width)
        arrays["pixel_values"] = self.image._process(images, ["pixel_values"], size)["pixel_values"]
        return arrays

    def plans(
        self, input_names: list[str], *, batch_size: int, dynamic: bool
    ) -> Iterator[ShapePlan]:
        fixed_length = self.siglip or not dynamic
        # The text batch is dynamic in every export (labels vary per call); torch.export
        # specializes size-1 axes, so the trace has 3 hypotheses (and 2 images when dynamic).
        images = max(batch_size, 2) if dynamic else batch_size
        example = self._encode(
            EXAMPLE_HYPOTHESES,
            synthetic_images(EXAMPLE_IMAGE_SIZES, 0, images),
            input_names,
            text_count=3,
            fixed_length=fixed_length,
        )
        other = self._encode(
            OTHER_HYPOTHESES,
            synthetic_images(OTHER_IMAGE_SIZES, 1, 3 if dynamic else batch_size),
            input_names,
            text_count=4,
            fixed_length=fixed_length,
        )
        text_axes = (
            {0: "text_batch_size"} if fixed_length else {0: "text_batch_size", 1: "sequence_length"}
        )
        axes: dict[str, dict[int, str]] = {
            n: dict(text_axes) for n in input_names if n != "pixel_values"
        }
        if dynamic:
            axes["pixel_values"] = {0: "batch_size"}
        yield ShapePlan(
            shapes={
                "dynamic": dynamic,
                "batch_size": None if dynamic else batch_size,
                "sequence_length": self.text.sequence_length if fixed_length else None,
                "height": self.image.height,
                "width": self.image.width,
            },
            axes=axes,
            example=example,
            cases=[("example input", example), ("other input", other)],
        )

    def processor_config(self, plan: ShapePlan, input_names: list[str]) -> dict[str, Any]:
        text = self.text.processor_config(plan, input_names)
        image = self.image.processor_config(plan, input_names)
        config = {
            **text,
            "processor_type": "image-text",
            "image_processor_type": image["image_processor_type"],
            "image_processor": image["image_processor"],
            "model_input_names": input_names,
            "shapes": plan.shapes,
            "logit_scale": self.logit_scale,
        }
        if self.logit_bias is not None:
            config["logit_bias"] = self.logit_bias
        return config

    def save_files(self, staging: Path) -> None:
        self.text.save_files(staging)
        if not (staging / "tokenizer.json").is_file():
            raise ModelExportError(
                f"the tokenizer ({type(self.processor).__name__}) has no tokenizer.json form, "
                "which the native runtime reads (SigLIP's sentencepiece tokenizer with its "
                "Python-side canonicalization is not supported yet)"
            )
        self.image.save_files(staging)

    def graph_slices(self) -> dict[str, list[str]]:
        return {name: list(outputs) for name, outputs in _SLICES.items()}


def package_inputs(package_dir: Path, export_config: dict[str, Any]) -> dict[str, np.ndarray]:
    """Validation inputs for an exported dual-encoder package, from its own processors."""
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(package_dir)
    processor = transformers.AutoImageProcessor.from_pretrained(package_dir)
    names = export_config["input_names"]
    kwargs: dict[str, Any] = {"return_tensors": "np", "truncation": True}
    if export_config.get("sequence_length"):
        kwargs.update(padding="max_length", max_length=export_config["sequence_length"])
    else:
        kwargs["padding"] = "longest"
    encoded = tokenizer(list(OTHER_HYPOTHESES), **kwargs)
    arrays = {n: np.asarray(encoded[n], dtype=np.int64) for n in names if n != "pixel_values"}
    images = synthetic_images(OTHER_IMAGE_SIZES, 1, export_config.get("batch_size") or 2)
    arrays["pixel_values"] = np.asarray(
        processor(images, return_tensors="np")["pixel_values"], dtype=np.float32
    )
    return arrays
