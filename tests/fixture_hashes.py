"""Content hashes of the generated fixtures, so that "the same fixtures on every machine" is
checked rather than assumed. Stdlib only: the fixture scripts print and record these hashes
(their build report, ``hashes.json`` in each output folder) and the tests compare them with
the values committed in ``tests/fixture_hashes.json``.

A folder's hash covers the relative path and bytes of every file in it except stamps (which
hash the generator's sources, not its output)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Final

COMMITTED: Final = Path(__file__).resolve().parent / "fixture_hashes.json"
REPORT_FILE: Final = "hashes.json"
IGNORED_SUFFIXES: Final = (".stamp", ".complete", ".lock")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name.endswith(IGNORED_SUFFIXES) or path.name.startswith("."):
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(file_hash(path).encode() + b"\n")
    return digest.hexdigest()


def committed(kind: str) -> dict[str, str]:
    """The committed hashes of `kind` ("tokenizers" or "models")."""
    return json.loads(COMMITTED.read_text(encoding="utf-8"))[kind]


def write_report(out: Path, hashes: dict[str, str]) -> None:
    """Writes ``hashes.json`` in `out` and prints one line per fixture (the build report)."""
    (out / REPORT_FILE).write_text(json.dumps(hashes, indent=2, sort_keys=True) + "\n")
    expected: dict[str, str] = {}
    try:
        document = json.loads(COMMITTED.read_text(encoding="utf-8"))
        expected = {k: v for kind in document.values() for k, v in kind.items()}
    except (OSError, ValueError):
        pass
    for name, value in sorted(hashes.items()):
        same = expected.get(name) == value
        verdict = "" if same else "  (differs from tests/fixture_hashes.json)"
        print(f"sha256 {value[:16]}  {name}{verdict}", flush=True)
