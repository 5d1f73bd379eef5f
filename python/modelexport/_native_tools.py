"""Launchers of the native tools that the package carries in modelexport/bin: the commands
`modelexport-run`, `modelexport-inspect` and `modelexport-tokenize` of an installed wheel.

The tools link libonnxruntime.so.1 by its soname, but the onnxruntime wheel has only
capi/libonnxruntime.so.1.X, a name no RPATH search matches. So the launcher preloads that file
(LD_PRELOAD; the loader then satisfies the soname with it, as preload_onnxruntime does for
_native) and replaces itself with the tool: arguments, exit code and output are the tool's."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from typing import NoReturn

from modelexport._onnxruntime_library import onnxruntime_library


def tool_path(name: str) -> Path:
    """modelexport/bin/NAME beside the extension module (also in an editable install, where the
    Python sources and the built files live in different folders)."""
    spec = importlib.util.find_spec("modelexport._native")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("modelexport._native is not installed")
    return Path(spec.origin).parent / "bin" / name


def _exec(name: str) -> NoReturn:
    env = dict(os.environ)
    library = onnxruntime_library()
    # LD_PRELOAD separates entries by spaces and colons: a path with either cannot be preloaded,
    # and the tool then reports the missing library itself.
    if library is not None and not any(c in str(library) for c in " :"):
        env["LD_PRELOAD"] = ":".join(filter(None, [str(library), env.get("LD_PRELOAD")]))
    # argv[0] stays the command the user typed, for the tool's usage and error lines.
    os.execve(tool_path(name), sys.argv, env)


def run() -> NoReturn:
    _exec("modelexport-run")


def inspect() -> NoReturn:
    _exec("modelexport-inspect")


def tokenize() -> NoReturn:
    _exec("modelexport-tokenize")
