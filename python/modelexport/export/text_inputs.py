"""Text models: the tokenizer, example inputs built with it (padded/truncated to the export
shapes), its metadata and files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modelexport import _native
from modelexport.errors import ModelExportError
from modelexport.export.inputs import Inputs, ModalityInputs, ShapePlan, first_line

if TYPE_CHECKING:
    from modelexport.export.source import ModelSource
    from modelexport.export.tasks import TaskSpec

DEFAULT_SEQUENCE_LENGTH = 128
# The symbolic axis a bucketed export traces and each bucket fixes.
SEQUENCE_AXIS = "sequence_length"
# Files of a sentence-transformers folder that describe pooling/normalization (no weights).
_SENTENCE_TRANSFORMERS_FILES = (
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
)

# The inputs a text model's exported graph may take, in graph order.
TEXT_INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")

EXAMPLE_TEXTS = (
    "modelexport turns Hugging Face models into self-describing ONNX packages.",
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "Tokenizers, graphs and runtimes all have to agree on every single id.",
    "A fixed batch keeps the exported graph simple and fast to run.",
)
# Different words and lengths from EXAMPLE_TEXTS, so validation sees inputs the trace did not.
OTHER_TEXTS = (
    "Paris is the capital of France, and Zürich lies in Switzerland!",
    "Short one.",
    "Numbers like 3.14159 and 2026 appear here, with café, naïve and résumé for accents; "
    "then the sentence keeps going for a while so that it becomes clearly the longest input.",
)
EXAMPLE_QUESTIONS = ("What does modelexport produce?", "Where is Zürich?", "Which number appears?")


@dataclass(frozen=True)
class Shapes:
    """Export shapes: fixed (batch, sequence) or dynamic axes padded to the longest input."""

    batch_size: int
    sequence_length: int
    dynamic: bool

    def describe(self) -> dict[str, Any]:
        if self.dynamic:
            return {"dynamic": True, "axes": {"0": "batch_size", "1": "sequence_length"}}
        return {
            "dynamic": False,
            "batch_size": self.batch_size,
            "sequence_length": self.sequence_length,
        }


def tokenize(
    tokenizer: Any,
    texts: tuple[str, ...],
    input_names: list[str],
    shapes: Shapes,
    *,
    pairs: bool,
    batch_size: int | None = None,
    pair_truncation: str = "only_second",
) -> dict[str, np.ndarray]:
    """Tokenize `texts` (cycled to the batch size) into int64 arrays of the graph's inputs.

    For question answering each text is paired with a question, question first, as the
    transformers pipeline does."""
    count = batch_size or shapes.batch_size
    batch = [texts[i % len(texts)] for i in range(count)]
    kwargs: dict[str, Any] = {"return_tensors": "np", "truncation": True}
    if shapes.dynamic:
        kwargs["padding"] = "longest"
    else:
        kwargs.update(padding="max_length", max_length=shapes.sequence_length)
    if pairs:
        questions = [EXAMPLE_QUESTIONS[i % len(EXAMPLE_QUESTIONS)] for i in range(count)]
        if not shapes.dynamic:
            kwargs["truncation"] = pair_truncation
        encoded = tokenizer(questions, batch, **kwargs)
    else:
        encoded = tokenizer(batch, **kwargs)
    return {name: np.asarray(encoded[name], dtype=np.int64) for name in input_names}


def graph_input_names(tokenizer: Any, forward_parameters: set[str]) -> list[str]:
    """Inputs the tokenizer produces and the model's forward accepts, in graph order."""
    produced = set(tokenizer.model_input_names)
    produced.add("input_ids")
    return [n for n in TEXT_INPUT_NAMES if n in produced and n in forward_parameters]


class TextInputs(ModalityInputs):
    """A text model's tokenizer and the token-id inputs built with it."""

    files_description = "tokenizer files"

    def __init__(
        self,
        source: ModelSource,
        spec: TaskSpec,
        trust_remote_code: bool,
        *,
        sequence_length: int | None,
    ) -> None:

        self.source = source
        self.spec = spec
        self.processor = load_tokenizer(source, trust_remote_code)
        self.requested_length = sequence_length
        self.sequence_length = sequence_length or DEFAULT_SEQUENCE_LENGTH
        self.shape_buckets: list[int] = []
        self.batch_size = 1  # the graph's fixed batch, set by plans()

    def prepare_model(self, model: Any) -> None:
        tokenizer = self.processor
        self.sequence_length = _sequence_length(self.requested_length, tokenizer, model.config)
        if (
            getattr(model.config, "pad_token_id", None) is None
            and tokenizer.pad_token_id is not None
        ):
            # Sequence classifiers without a pad id (GPT-2) read the logits of the last
            # position; with padded inputs that must be the last real token, which they find by
            # this id.
            model.config.pad_token_id = tokenizer.pad_token_id

    def graph_input_names(self, forward_parameters: set[str], *, dynamic: bool) -> list[str]:
        return graph_input_names(self.processor, forward_parameters)

    def use_shape_buckets(self, requested: list[int] | None, *, automatic: bool) -> list[int]:
        length = self.sequence_length
        if requested:
            wrong = [n for n in requested if not 0 < n <= length]
            if wrong:
                raise ModelExportError(
                    f"--shape-buckets {wrong[0]}: lengths must be between 1 and the export "
                    f"sequence length {length}"
                )
            self.shape_buckets = sorted(set(requested) | {length})
        elif automatic:
            self.shape_buckets = list(_native.default_shape_buckets(length))
        if len(self.shape_buckets) == 1:  # the export length alone: one graph
            self.shape_buckets = []
        return self.shape_buckets

    def bucket_cases(self, length: int, input_names: list[str]) -> list[tuple[str, Inputs]]:
        shapes = Shapes(self.batch_size, length, dynamic=False)
        try:
            return [
                # A short bucket may not hold the whole question: both sides are truncated.
                (
                    f"{length}-token bucket",
                    self._tokenize(texts, input_names, shapes, None, "longest_first"),
                )
                for texts in (OTHER_TEXTS[:1], OTHER_TEXTS[1:2])
            ]
        except Exception as error:
            raise ModelExportError(
                f"cannot build inputs for the {length}-token shape bucket: {first_line(error)}"
            ) from None

    def plans(
        self, input_names: list[str], *, batch_size: int, dynamic: bool
    ) -> Iterator[ShapePlan]:
        shapes = Shapes(batch_size, self.sequence_length, dynamic)
        self.batch_size = batch_size
        if self.shape_buckets:
            # Traced with a symbolic sequence axis (the batch stays fixed): each bucket fixes it.
            example = self._tokenize(EXAMPLE_TEXTS, input_names, shapes, batch_size)
            other = self._tokenize(OTHER_TEXTS, input_names, shapes, batch_size)
            yield ShapePlan(
                shapes={**shapes.describe(), "sequence_buckets": self.shape_buckets},
                axes={n: {1: SEQUENCE_AXIS} for n in input_names},
                example=example,
                cases=[("example input", example), ("other input", other)],
            )
            return
        # Dynamic axes cannot be traced from size-1 examples (torch.export specializes them).
        trace_batch = max(batch_size, 2) if dynamic else batch_size
        try:
            example = self._tokenize(EXAMPLE_TEXTS, input_names, shapes, trace_batch)
        except Exception as error:
            raise ModelExportError(
                f"cannot build example inputs with sequence length {shapes.sequence_length}: "
                f"{first_line(error)}"
            ) from None
        other = self._tokenize(OTHER_TEXTS, input_names, shapes, 3 if dynamic else batch_size)
        axes = {n: {0: "batch_size", 1: SEQUENCE_AXIS} for n in input_names}
        yield ShapePlan(
            shapes=shapes.describe(),
            axes=axes if dynamic else None,
            example=example,
            cases=[("example input", example), ("other input", other)],
        )

    def _tokenize(
        self,
        texts: tuple[str, ...],
        input_names: list[str],
        shapes: Shapes,
        batch: int | None,
        pair_truncation: str = "only_second",
    ) -> dict[str, np.ndarray]:
        return tokenize(
            self.processor,
            texts,
            input_names,
            shapes,
            pairs=self.spec.uses_text_pairs,
            batch_size=batch,
            pair_truncation=pair_truncation,
        )

    def processor_config(self, plan: ShapePlan, input_names: list[str]) -> dict[str, Any]:
        config = tokenizer_metadata(self.processor, self.source.path, "tokenizer", plan)
        config["model_input_names"] = input_names
        sentence_transformers = _sentence_transformers_config(self.source.path)
        if sentence_transformers:
            config["sentence_transformers"] = sentence_transformers
        return config

    def save_files(self, staging: Path) -> None:
        source = self.source
        self.processor.save_pretrained(staging)
        _make_tokenizer_config_portable(staging / "tokenizer_config.json")
        for name in _SENTENCE_TRANSFORMERS_FILES:
            if (source.path / name).is_file():
                shutil.copyfile(source.path / name, staging / name)
        modules_file = source.path / "modules.json"
        if modules_file.is_file():
            for module in json.loads(modules_file.read_text(encoding="utf-8")):
                sub = module.get("path")
                if sub and (source.path / sub).is_dir():
                    (staging / sub).mkdir(exist_ok=True)
                    for item in (source.path / sub).glob("*.json"):
                        shutil.copyfile(item, staging / sub / item.name)


def package_inputs(
    package_dir: Path, spec: TaskSpec, export_config: dict[str, Any]
) -> dict[str, np.ndarray]:
    """Validation inputs for an exported text package, from its own tokenizer and shapes."""
    import transformers

    tokenizer = transformers.AutoTokenizer.from_pretrained(package_dir)
    ensure_pad_token(tokenizer)
    shapes = Shapes(
        batch_size=export_config.get("batch_size", 2),
        sequence_length=export_config.get("sequence_length", 0),
        dynamic=export_config["dynamic"],
    )
    return tokenize(
        tokenizer,
        OTHER_TEXTS,
        export_config["input_names"],
        shapes,
        pairs=spec.uses_text_pairs,
        batch_size=3 if shapes.dynamic else shapes.batch_size,
    )


def load_tokenizer(source: ModelSource, trust_remote_code: bool) -> Any:
    """The source's tokenizer (AutoTokenizer), with a pad token for fixed shapes."""
    import transformers

    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(
            source.path, trust_remote_code=trust_remote_code
        )
    except Exception as error:
        raise ModelExportError(
            f"{source.path}: cannot load a tokenizer ({first_line(error)})"
        ) from None
    ensure_pad_token(tokenizer)
    return tokenizer


def tokenizer_metadata(
    tokenizer: Any, source_path: Path, processor_type: str, plan: ShapePlan
) -> dict[str, Any]:
    """The tokenizer's fields of hf_processor_config (docs/package_format.md)."""
    config: dict[str, Any] = {
        "processor_type": processor_type,
        "tokenizer_class": type(tokenizer).__name__,
        "model_input_names": list(tokenizer.model_input_names),
        "shapes": plan.shapes,
        "model_max_length": tokenizer.model_max_length
        if tokenizer.model_max_length < 1_000_000
        else None,
        "padding_side": tokenizer.padding_side,
        "truncation_side": tokenizer.truncation_side,
        "special_tokens": {k: str(v) for k, v in tokenizer.special_tokens_map.items()},
        "pad_token_id": tokenizer.pad_token_id,
    }
    tokenizer_config = source_path / "tokenizer_config.json"
    if tokenizer_config.is_file():
        config["tokenizer_config"] = json.loads(tokenizer_config.read_text(encoding="utf-8"))
    return config


def ensure_pad_token(tokenizer: Any) -> None:
    """GPT-2 style tokenizers have no pad token; padding to fixed shapes reuses EOS."""
    if tokenizer.pad_token is None and tokenizer.eos_token is not None:
        tokenizer.pad_token = tokenizer.eos_token


def _sequence_length(requested: int | None, tokenizer: Any, config: Any) -> int:
    if requested is not None and requested < 1:
        raise ModelExportError(f"--sequence-length must be at least 1, got {requested}")
    tokenizer_max = getattr(tokenizer, "model_max_length", None)
    ceiling = _native.max_sequence_length(
        tokenizer_max if isinstance(tokenizer_max, int) and tokenizer_max < 2**63 else None,
        config.to_json_string(use_diff=False),
    )
    if requested is None:
        return min(DEFAULT_SEQUENCE_LENGTH, ceiling) if ceiling else DEFAULT_SEQUENCE_LENGTH
    if ceiling and requested > ceiling:
        raise ModelExportError(
            f"--sequence-length {requested} exceeds the model's maximum of {ceiling}"
        )
    return requested


def _sentence_transformers_config(model_dir: Path) -> dict[str, Any] | None:
    modules_file = model_dir / "modules.json"
    if not modules_file.is_file():
        return None
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    result: dict[str, Any] = {"modules": modules}
    for module in modules:
        module_config = model_dir / module.get("path", "") / "config.json"
        if module.get("path") and module_config.is_file():
            result[module["path"]] = json.loads(module_config.read_text(encoding="utf-8"))
    return result


# Keys transformers 5 writes into tokenizer_config.json that are load-time arguments, not
# tokenizer settings.
_LOAD_TIME_KEYS = ("is_local", "local_files_only")


def _make_tokenizer_config_portable(path: Path) -> None:
    """transformers 5 saves `extra_special_tokens` as a list, which transformers 4.x (what
    Optimum runs on) reads as a name->token dict and fails on; the list form is what both
    versions read as `additional_special_tokens`, with identical token ids."""
    if not path.is_file():
        return
    config = json.loads(path.read_text(encoding="utf-8"))
    extra = config.get("extra_special_tokens")
    if isinstance(extra, list):
        del config["extra_special_tokens"]
        additional = config.get("additional_special_tokens") or []
        config["additional_special_tokens"] = additional + [t for t in extra if t not in additional]
    for key in _LOAD_TIME_KEYS:
        config.pop(key, None)
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
