"""Example inputs built with the model's own tokenizer, padded/truncated to the export shapes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

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
            kwargs["truncation"] = "only_second"
        encoded = tokenizer(questions, batch, **kwargs)
    else:
        encoded = tokenizer(batch, **kwargs)
    return {name: np.asarray(encoded[name], dtype=np.int64) for name in input_names}


def graph_input_names(tokenizer: Any, forward_parameters: set[str]) -> list[str]:
    """Inputs the tokenizer produces and the model's forward accepts, in graph order."""
    produced = set(tokenizer.model_input_names)
    produced.add("input_ids")
    return [n for n in TEXT_INPUT_NAMES if n in produced and n in forward_parameters]
