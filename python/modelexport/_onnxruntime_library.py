"""Makes the C++ core use the ONNX Runtime library of the installed onnxruntime wheel.

modelexport._native needs libonnxruntime.so.1; the wheel ships it as capi/libonnxruntime.so.1.X.
Loading that file first (by path) satisfies the dependency by its soname, so one process uses
the wheel's ORT, found without importing onnxruntime itself (which takes a while). The native
tools of the package get the same file preloaded by their launchers (_native_tools.py)."""

from __future__ import annotations

import ctypes
import importlib.util
from pathlib import Path


def onnxruntime_library() -> Path | None:
    """The onnxruntime wheel's libonnxruntime.so.1.X, or None without that wheel."""
    spec = importlib.util.find_spec("onnxruntime")
    if spec is None or not spec.submodule_search_locations:
        return None
    capi = Path(next(iter(spec.submodule_search_locations))) / "capi"
    return next(iter(sorted(capi.glob("libonnxruntime.so.1*"))), None)


def preload_onnxruntime() -> None:
    library = onnxruntime_library()
    if library is not None:  # else _native's import fails, naming the missing library
        ctypes.CDLL(str(library), mode=ctypes.RTLD_GLOBAL)
