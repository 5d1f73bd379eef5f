"""Makes the C++ core use the ONNX Runtime library of the installed onnxruntime wheel.

modelexport._native needs libonnxruntime.so.1; the wheel ships it as capi/libonnxruntime.so.1.X.
Loading that file first (by path) satisfies the dependency by its soname, so one process uses
the wheel's ORT, found without importing onnxruntime itself (which takes a while)."""

from __future__ import annotations

import ctypes
import importlib.util
from pathlib import Path


def preload_onnxruntime() -> None:
    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        return  # _native's import then fails, naming the missing library
    capi = Path(next(iter(spec.submodule_search_locations))) / "capi"
    for library in sorted(capi.glob("libonnxruntime.so.1*")):
        ctypes.CDLL(str(library), mode=ctypes.RTLD_GLOBAL)
        return
