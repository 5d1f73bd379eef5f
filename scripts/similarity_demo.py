"""Sentence embeddings and cosine similarities from an exported feature-extraction package.

Runs the package with plain ONNX Runtime: the tokenizer comes from the package's tokenizer.json,
the fixed sequence length and the sentence-transformers pooling from its metadata (read through
the C++ core). Usage: similarity_demo.py PACKAGE [SENTENCE ...]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

from modelexport import _native

DEFAULT_SENTENCES = (
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The girl is carrying a baby.",
    "A man is riding a horse.",
    "Ein Mann reitet auf einem Pferd.",
)


def embed(package: Path, sentences: list[str]) -> np.ndarray:
    metadata = dict(_native.read_metadata(str(package)))
    processor = json.loads(metadata["hf_processor_config"])
    shapes = processor["shapes"]
    pooling = processor.get("sentence_transformers", {}).get("1_Pooling", {})
    if pooling and not pooling.get("pooling_mode_mean_tokens", False):
        raise SystemExit("this demo implements mean pooling only")
    tokenizer = Tokenizer.from_file(str(package / "tokenizer.json"))
    if not shapes["dynamic"]:
        tokenizer.enable_truncation(shapes["sequence_length"])
        tokenizer.enable_padding(
            length=shapes["sequence_length"], pad_id=processor["pad_token_id"] or 0
        )
    session = onnxruntime.InferenceSession(
        str(package / "model.onnx"), providers=["CPUExecutionProvider"]
    )
    input_names = [i.name for i in session.get_inputs()]
    batch = 1 if shapes["dynamic"] else shapes["batch_size"]
    embeddings = []
    for start in range(0, len(sentences), batch):
        chunk = sentences[start : start + batch]
        chunk += [""] * (batch - len(chunk))  # a fixed batch is filled, the extra rows dropped
        encodings = tokenizer.encode_batch(chunk)
        arrays = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        (hidden,) = session.run(["last_hidden_state"], {n: arrays[n] for n in input_names})
        mask = arrays["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        embeddings.extend(pooled[: len(sentences) - start])
    result = np.stack(embeddings)
    return result / np.linalg.norm(result, axis=1, keepdims=True)


def main() -> None:
    package = Path(sys.argv[1])
    sentences = sys.argv[2:] or list(DEFAULT_SENTENCES)
    embeddings = embed(package, sentences)
    print(f"\n{len(sentences)} sentence embeddings of size {embeddings.shape[1]} from {package}")
    similarity = embeddings @ embeddings.T
    for i, sentence in enumerate(sentences):
        best = max((j for j in range(len(sentences)) if j != i), key=lambda j: similarity[i, j])
        print(f"  {sentence!r:40} closest: {sentences[best]!r} (cosine {similarity[i, best]:.3f})")
    print("\ncosine similarity matrix:")
    print(np.array2string(similarity, precision=3, suppress_small=True))


if __name__ == "__main__":
    main()
