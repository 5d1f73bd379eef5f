"""The files of a package, whether a folder or a single self-contained .onnx.

Code that needs the processor files as files (transformers' `from_pretrained`, the HF-compat
layer) asks for them here instead of assuming a folder:

    with extracted("model.onnx") as folder:       # a folder package: its own folder
        AutoTokenizer.from_pretrained(folder)      # a single file: a temporary copy, removed after

Embedding, extraction and every check are the C++ core's (`modelexport/single_file.h`)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modelexport import _native
from modelexport._native import metadata_keys as keys


def is_single_file(path: str | os.PathLike[str]) -> bool:
    """Whether `path` (a folder or .onnx) is a single-file package (its metadata embeds its
    files). Reads the metadata only, not the weights."""
    return any(key == keys.EMBEDDED_FILES for key, _ in _native.read_metadata(os.fspath(path)))


def read_file(path: str | os.PathLike[str], name: str) -> bytes:
    """The bytes of the package's file `name` ("tokenizer.json", "1_Pooling/config.json"):
    embedded in a single file, else beside model.onnx. Raises ValueError naming it when absent
    or corrupt."""
    return _native.package_file(os.fspath(path), name)


@contextmanager
def extracted(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A folder holding the package's files (config.json, tokenizer and processor files, ...).

    For a folder package (or its model.onnx) this is that folder, untouched. For a single-file
    package it is a temporary folder holding its embedded files, verified (size and CRC-32) and
    removed when the block ends; model.onnx is not copied there (open the .onnx itself).
    Raises ValueError for a corrupt embedded file."""
    model_path = Path(_native.resolve_model_path(os.fspath(path)))
    if not is_single_file(model_path):
        yield model_path.parent
        return
    with tempfile.TemporaryDirectory(prefix="modelexport-files-") as folder:
        _native.extract_embedded_files(str(model_path), folder)
        yield Path(folder)
