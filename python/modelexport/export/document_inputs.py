"""Document models (LayoutLM, LayoutLMv3): the tokenizer (and the image processor of the models
that read the page image), example inputs built the way transformers' document-question-answering
pipeline builds them (question words + page words with their 0..1000 boxes), their metadata and
files."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modelexport.errors import ModelExportError
from modelexport.export.image_inputs import synthetic_images
from modelexport.export.inputs import ModalityInputs, ShapePlan, first_line
from modelexport.export.text_inputs import (
    EXAMPLE_QUESTIONS,
    EXAMPLE_TEXTS,
    OTHER_TEXTS,
    Shapes,
    _make_tokenizer_config_portable,
    _sequence_length,
    ensure_pad_token,
    load_tokenizer,
    tokenizer_metadata,
)

if TYPE_CHECKING:
    from modelexport.export.source import ModelSource
    from modelexport.export.tasks import TaskSpec

# The inputs a document model's graph may take, in graph order.
DOCUMENT_INPUT_NAMES = ("input_ids", "bbox", "attention_mask", "token_type_ids", "pixel_values")
_DYNAMIC_AXES = {
    "input_ids": {0: "batch_size", 1: "sequence_length"},
    "bbox": {0: "batch_size", 1: "sequence_length"},
    "attention_mask": {0: "batch_size", 1: "sequence_length"},
    "token_type_ids": {0: "batch_size", 1: "sequence_length"},
    "pixel_values": {0: "batch_size"},
}


def page_words(texts: tuple[str, ...], index: int) -> tuple[list[str], list[list[int]]]:
    """Words of a synthetic page (the texts from `index` on, one line each) and their 0..1000
    boxes laid out left to right, top to bottom."""
    words: list[str] = []
    boxes: list[list[int]] = []
    for line, text in enumerate(texts[index:] + texts[:index]):
        x = 20
        for word in text.split():
            width = 12 * len(word)
            boxes.append([x, 40 + 60 * line, min(x + width, 1000), 70 + 60 * line])
            words.append(word)
            x = min(x + width + 10, 980)
    return words, boxes


def token_boxes(tokenizer: Any, uses_box_tokenizer: bool) -> dict[str, list[int]]:
    """The box each kind of non-word token gets: LayoutLMv3's tokenizer has its own; for LayoutLM
    the pipeline gives separators [1000] * 4 and everything else [0] * 4."""
    if uses_box_tokenizer:
        return {
            "cls": list(tokenizer.cls_token_box),
            "sep": list(tokenizer.sep_token_box),
            "pad": list(tokenizer.pad_token_box),
            "question": list(tokenizer.pad_token_box),
            "other": list(tokenizer.sep_token_box),
        }
    return {
        "cls": [0] * 4,
        "sep": [1000] * 4,
        "pad": [0] * 4,
        "question": [0] * 4,
        "other": [0] * 4,
    }


def encode_documents(
    tokenizer: Any,
    questions: list[str],
    pages: list[tuple[list[str], list[list[int]]]],
    input_names: list[str],
    shapes: Shapes,
    *,
    uses_box_tokenizer: bool,
) -> dict[str, np.ndarray]:
    """Token inputs for (question, page) pairs as the pipeline encodes them: the question split
    on whitespace and the page's words, both as pre-split words, truncated only_second (the
    first window), padded to the export shape."""
    kwargs: dict[str, Any] = {"truncation": "only_second", "return_token_type_ids": True}
    if shapes.dynamic:
        kwargs["padding"] = "longest"
    else:
        kwargs.update(padding="max_length", max_length=shapes.sequence_length)
    words = [page[0] for page in pages]
    boxes = [page[1] for page in pages]
    rules = token_boxes(tokenizer, uses_box_tokenizer)
    if uses_box_tokenizer:
        encoded = tokenizer(text=questions, text_pair=words, boxes=boxes, **kwargs)
        bbox = encoded["bbox"]
    else:
        encoded = tokenizer(
            [q.split() for q in questions], words, is_split_into_words=True, **kwargs
        )
        bbox = []
        for row in range(len(questions)):
            row_boxes = []
            for token, sequence, word in zip(
                encoded["input_ids"][row],
                encoded.sequence_ids(row),
                encoded.word_ids(row),
                strict=True,
            ):
                if sequence == 1:
                    row_boxes.append(boxes[row][word])
                elif token == tokenizer.sep_token_id:
                    row_boxes.append(rules["sep"])
                else:
                    row_boxes.append(rules["pad" if token == tokenizer.pad_token_id else "other"])
            bbox.append(row_boxes)
    arrays = {"bbox": np.asarray(bbox, dtype=np.int64)}
    for name in input_names:
        if name not in ("bbox", "pixel_values"):
            arrays[name] = np.asarray(encoded[name], dtype=np.int64)
    return arrays


class DocumentInputs(ModalityInputs):
    """A document model's tokenizer (+ image processor) and the inputs built with them."""

    files_description = "tokenizer files and preprocessor_config.json"

    def __init__(
        self,
        source: ModelSource,
        spec: TaskSpec,
        trust_remote_code: bool,
        *,
        sequence_length: int | None,
    ) -> None:
        import transformers

        self.source = source
        self.spec = spec
        self.processor = load_tokenizer(source, trust_remote_code)
        self.image_processor: Any = None
        if (source.path / "preprocessor_config.json").is_file():
            try:
                self.image_processor = transformers.AutoImageProcessor.from_pretrained(
                    source.path, trust_remote_code=trust_remote_code
                )
            except Exception as error:
                raise ModelExportError(
                    f"{source.path}: cannot load an image processor ({first_line(error)})"
                ) from None
        # LayoutLMv3's tokenizer places the boxes itself (it takes `boxes`); for LayoutLM the
        # pipeline does.
        self.uses_box_tokenizer = "boxes" in inspect.signature(self.processor.__call__).parameters
        self.requested_length = sequence_length
        self.sequence_length = 0

    def prepare_model(self, model: Any) -> None:
        self.sequence_length = _sequence_length(self.requested_length, self.processor, model.config)

    def graph_input_names(self, forward_parameters: set[str], *, dynamic: bool) -> list[str]:
        produced = set(self.processor.model_input_names) | {"input_ids", "bbox", "token_type_ids"}
        if self.image_processor is not None:
            produced.add("pixel_values")
        return [n for n in DOCUMENT_INPUT_NAMES if n in produced and n in forward_parameters]

    def _inputs(
        self, texts: tuple[str, ...], input_names: list[str], shapes: Shapes, count: int, seed: int
    ) -> dict[str, np.ndarray]:
        questions = [EXAMPLE_QUESTIONS[i % len(EXAMPLE_QUESTIONS)] for i in range(count)]
        pages = [page_words(texts, i % len(texts)) for i in range(count)]
        arrays = encode_documents(
            self.processor,
            questions,
            pages,
            input_names,
            shapes,
            uses_box_tokenizer=self.uses_box_tokenizer,
        )
        if "pixel_values" in input_names:
            images = synthetic_images(((300, 400), (500, 350)), seed, count)
            encoded = self.image_processor(images, return_tensors="np", apply_ocr=False)
            arrays["pixel_values"] = np.asarray(encoded["pixel_values"], dtype=np.float32)
        return {name: arrays[name] for name in input_names}

    def plans(
        self, input_names: list[str], *, batch_size: int, dynamic: bool
    ) -> Iterator[ShapePlan]:
        shapes = Shapes(batch_size, self.sequence_length, dynamic)
        trace_batch = max(batch_size, 2) if dynamic else batch_size
        try:
            example = self._inputs(EXAMPLE_TEXTS, input_names, shapes, trace_batch, 0)
        except Exception as error:
            raise ModelExportError(
                f"cannot build example inputs with sequence length {shapes.sequence_length}: "
                f"{first_line(error)}"
            ) from None
        other = self._inputs(OTHER_TEXTS, input_names, shapes, 3 if dynamic else batch_size, 1)
        yield ShapePlan(
            shapes=shapes.describe(),
            axes={n: _DYNAMIC_AXES[n] for n in input_names} if dynamic else None,
            example=example,
            cases=[("example input", example), ("other input", other)],
        )

    def processor_config(self, plan: ShapePlan, input_names: list[str]) -> dict[str, Any]:
        config = tokenizer_metadata(self.processor, self.source.path, "document", plan)
        config["model_input_names"] = input_names
        config["token_boxes"] = token_boxes(self.processor, self.uses_box_tokenizer)
        if self.image_processor is not None:
            config["image_processor"] = json.loads(self.image_processor.to_json_string())
        return config

    def save_files(self, staging: Path) -> None:
        self.processor.save_pretrained(staging)
        _make_tokenizer_config_portable(staging / "tokenizer_config.json")
        if self.image_processor is not None:
            self.image_processor.save_pretrained(staging)


def package_inputs(package_dir: Path, export_config: dict[str, Any]) -> dict[str, np.ndarray]:
    """Validation inputs for an exported document package, from its own processors and shapes."""
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(package_dir)
    ensure_pad_token(tokenizer)
    shapes = Shapes(
        batch_size=export_config.get("batch_size", 2),
        sequence_length=export_config.get("sequence_length", 0),
        dynamic=export_config["dynamic"],
    )
    count = 3 if shapes.dynamic else shapes.batch_size
    input_names = export_config["input_names"]
    arrays = encode_documents(
        tokenizer,
        [EXAMPLE_QUESTIONS[i % len(EXAMPLE_QUESTIONS)] for i in range(count)],
        [page_words(OTHER_TEXTS, i % len(OTHER_TEXTS)) for i in range(count)],
        input_names,
        shapes,
        uses_box_tokenizer="boxes" in inspect.signature(tokenizer.__call__).parameters,
    )
    if "pixel_values" in input_names:
        processor = transformers.AutoImageProcessor.from_pretrained(package_dir)
        images = synthetic_images(((300, 400), (500, 350)), 1, count)
        encoded = processor(images, return_tensors="np", apply_ocr=False)
        arrays["pixel_values"] = np.asarray(encoded["pixel_values"], dtype=np.float32)
    return {name: arrays[name] for name in input_names}
