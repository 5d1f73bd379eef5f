"""Python faces of the native pipelines: argument handling and result shapes as in transformers
(the computation is all in the C++ runtime, reached through modelexport._native)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modelexport import _native
from modelexport.errors import ModelExportError

TextInputs = str | dict[str, str] | list[str] | list[dict[str, str]]
_UNSET: Any = object()


def _normalize(inputs: TextInputs) -> tuple[list[tuple[str, str | None]], bool]:
    """(text, pair) tuples and whether a single input was given."""
    single = isinstance(inputs, str | dict)
    items = [inputs] if single else list(inputs)
    normalized: list[tuple[str, str | None]] = []
    for item in items:
        if isinstance(item, str):
            normalized.append((item, None))
        elif isinstance(item, dict) and isinstance(item.get("text"), str):
            normalized.append((item["text"], item.get("text_pair")))
        else:
            raise ValueError(
                "inputs must be strings or {'text': ..., 'text_pair': ...} dicts, "
                f"got {type(item).__name__}"
            )
    return normalized, single


class TextClassificationPipeline:
    task = "text-classification"

    def __init__(self, model: str, threads: int = 0) -> None:
        self.model = model
        self._native = _native.TextClassificationPipeline(model, self.task, threads)

    def __call__(
        self, inputs: TextInputs, top_k: int | None = _UNSET, function_to_apply: str | None = None
    ) -> Any:
        """Like transformers: without top_k, one {label, score} dict per input (a one-element
        list for a single string); with top_k (None = all labels), a list per input."""
        normalized, single = _normalize(inputs)
        legacy = top_k is _UNSET
        rows = self._native(normalized, 1 if legacy else top_k, function_to_apply or "default")
        results = [[{"label": label, "score": score} for label, score in row] for row in rows]
        if legacy:
            flat = [row[0] for row in results]
            if single:
                return flat if isinstance(inputs, str) else flat[0]
            return flat
        return results[0] if single else results


class FeatureExtractionPipeline:
    task = "feature-extraction"

    def __init__(self, model: str, threads: int = 0) -> None:
        self.model = model
        self._native = _native.FeatureExtractionPipeline(model, self.task, threads)

    def __call__(self, inputs: TextInputs) -> Any:
        """Hidden states per token, nested as transformers does: [1][tokens][hidden] per input."""
        normalized, single = _normalize(inputs)
        results = [[tokens] for tokens in self._native(normalized)]
        return results[0] if single else results

    def sentence_embeddings(self, inputs: str | list[str]) -> Any:
        """Pooled (and normalized, when the package says so) sentence-transformers embeddings
        as a float32 array [inputs, hidden]."""
        import numpy as np

        normalized, _ = _normalize(inputs)
        return np.asarray(self._native.sentence_embeddings(normalized), dtype=np.float32)


class FillMaskPipeline:
    task = "fill-mask"

    def __init__(self, model: str, threads: int = 0) -> None:
        self.model = model
        self._native = _native.FillMaskPipeline(model, self.task, threads)

    def __call__(
        self, inputs: str | list[str], top_k: int = 5, targets: str | list[str] | None = None
    ) -> Any:
        """Like transformers: per input, a list of {score, token, token_str, sequence} for one
        mask, or one such list per mask when the input has several."""
        normalized, single = _normalize(inputs)
        target_list = [targets] if isinstance(targets, str) else list(targets or [])
        results = []
        for masks in self._native(normalized, top_k, target_list):
            shaped = [
                [
                    {"score": score, "token": token, "token_str": token_str, "sequence": sequence}
                    for score, token, token_str, sequence in candidates
                ]
                for candidates in masks
            ]
            results.append(shaped[0] if len(shaped) == 1 else shaped)
        return results[0] if single else results


class TokenClassificationPipeline:
    task = "token-classification"

    def __init__(
        self,
        model: str,
        threads: int = 0,
        aggregation_strategy: str = "none",
        ignore_labels: list[str] | None = None,
    ) -> None:
        self.model = model
        self.aggregation_strategy = aggregation_strategy
        self.ignore_labels = ignore_labels
        self._native = _native.TokenClassificationPipeline(model, self.task, threads)

    def __call__(
        self,
        inputs: str | list[str],
        aggregation_strategy: str | None = None,
        ignore_labels: list[str] | None = None,
    ) -> Any:
        """Like transformers: per input, a list of entities; {entity, score, index, word, start,
        end} per token without aggregation, else {entity_group, score, word, start, end}. Scores
        are numpy float32, as transformers returns them."""
        import numpy as np

        single = isinstance(inputs, str)
        texts = [inputs] if single else list(inputs)
        if not all(isinstance(t, str) for t in texts):
            raise ValueError("token-classification inputs must be strings")
        strategy = str(aggregation_strategy or self.aggregation_strategy).lower()
        ignore = ignore_labels if ignore_labels is not None else self.ignore_labels
        rows = self._native(texts, strategy, ["O"] if ignore is None else list(ignore))
        results = []
        for row in rows:
            entities = []
            for entity, score, index, word, start, end in row:
                if strategy == "none":
                    entities.append(
                        {
                            "entity": entity,
                            "score": np.float32(score),
                            "index": index,
                            "word": word,
                            "start": start,
                            "end": end,
                        }
                    )
                else:
                    entities.append(
                        {
                            "entity_group": entity,
                            "score": np.float32(score),
                            "word": word,
                            "start": start,
                            "end": end,
                        }
                    )
            results.append(entities)
        return results[0] if single else results


QuestionInputs = dict[str, str] | list[dict[str, str]]


class QuestionAnsweringPipeline:
    task = "question-answering"

    def __init__(self, model: str, threads: int = 0) -> None:
        self.model = model
        self._native = _native.QuestionAnsweringPipeline(model, self.task, threads)

    def __call__(
        self,
        inputs: QuestionInputs | None = None,
        *,
        question: str | list[str] | None = None,
        context: str | list[str] | None = None,
        top_k: int = 1,
        doc_stride: int | None = None,
        max_answer_len: int = 15,
        max_seq_len: int | None = None,
        handle_impossible_answer: bool = False,
        align_to_words: bool = True,
    ) -> Any:
        """Like transformers: qa(question=..., context=...) or qa({"question", "context"}) or a
        list of such dicts. Per input, one {score, start, end, answer} dict when a single answer
        remains, else a list of them, best first."""
        pairs, single = self._pairs(inputs, question, context)
        if max_answer_len < 1:
            raise ValueError(f"max_answer_len parameter should be >= 1 (got {max_answer_len})")
        if top_k < 1:
            raise ValueError(f"top_k parameter should be >= 1 (got {top_k})")
        rows = self._native(
            pairs,
            top_k,
            doc_stride,
            max_answer_len,
            max_seq_len,
            handle_impossible_answer,
            align_to_words,
        )
        results: list[Any] = []
        for row in rows:
            answers = [
                {"score": score, "start": start, "end": end, "answer": answer}
                for score, start, end, answer in row
            ]
            results.append(answers[0] if len(answers) == 1 else answers)
        return results[0] if single else results

    @staticmethod
    def _pairs(
        inputs: QuestionInputs | None,
        question: str | list[str] | None,
        context: str | list[str] | None,
    ) -> tuple[list[tuple[str, str]], bool]:
        if inputs is None:
            if question is None or context is None:
                raise ValueError("question-answering needs question= and context=")
            if isinstance(question, str) and isinstance(context, str):
                return [(question, context)], True
            questions = [question] if isinstance(question, str) else list(question)
            contexts = [context] if isinstance(context, str) else list(context)
            if len(questions) == 1:
                questions = questions * len(contexts)
            if len(questions) != len(contexts):
                raise ValueError("questions and contexts don't have the same lengths")
            return list(zip(questions, contexts, strict=True)), False
        items = [inputs] if isinstance(inputs, dict) else list(inputs)
        pairs = []
        for item in items:
            if not isinstance(item, dict) or not {"question", "context"} <= item.keys():
                raise ValueError("each input must be a dict with 'question' and 'context'")
            pairs.append((item["question"], item["context"]))
        return pairs, isinstance(inputs, dict)


_PIPELINES: dict[str, type] = {
    QuestionAnsweringPipeline.task: QuestionAnsweringPipeline,
    TokenClassificationPipeline.task: TokenClassificationPipeline,
    FillMaskPipeline.task: FillMaskPipeline,
    TextClassificationPipeline.task: TextClassificationPipeline,
    FeatureExtractionPipeline.task: FeatureExtractionPipeline,
}


def pipeline(task: str | None = None, model: str | Path | None = None, **options: Any) -> Any:
    """A native pipeline over an exported package; the task comes from the package when not
    given. Options: threads (ONNX Runtime intra-op threads)."""
    if model is None:
        raise ModelExportError("pipeline() needs model=PACKAGE_DIR or model=PATH/model.onnx")
    model = str(model)
    task = task or _native.package_task(model)
    if task not in _PIPELINES:
        raise ModelExportError(
            f"task '{task}' is not in the native runtime yet; available: {', '.join(_PIPELINES)}"
        )
    return _PIPELINES[task](model, **options)
