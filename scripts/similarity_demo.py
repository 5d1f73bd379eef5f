"""Sentence embeddings and cosine similarities from an exported feature-extraction package.

Runs through the native runtime (C++ tokenizer, ONNX Runtime session and pooling, reached via
modelexport.pipeline): the task, fixed shapes and sentence-transformers pooling all come from
the package. Usage: similarity_demo.py PACKAGE [SENTENCE ...]"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import modelexport

DEFAULT_SENTENCES = (
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The girl is carrying a baby.",
    "A man is riding a horse.",
    "Ein Mann reitet auf einem Pferd.",
)


def embed(package: Path, sentences: list[str]) -> np.ndarray:
    """Unit-length sentence embeddings [sentences, hidden]."""
    embeddings = modelexport.pipeline(model=str(package)).sentence_embeddings(sentences)
    return embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)


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
