"""The fixtures are the oracle's inputs: they must be the same bytes on every machine. The
built fixtures match the hashes committed in tests/fixture_hashes.json, and rebuilding a
fixture from scratch (in a fresh folder, without any cache but the pinned corpus sources)
gives the same hash again. When a pinned library or a generator changes on purpose, update
the committed file from the build report (`hashes.json` in each fixture folder)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import fixture_hashes
from fixture_catalog import REPO_ROOT, fixtures_dir

SCRIPTS = REPO_ROOT / "scripts"
TOKENIZER_FIXTURES = REPO_ROOT / ".cache" / "tokenizers"


def built_hashes(folder: Path) -> dict[str, str]:
    report = folder / fixture_hashes.REPORT_FILE
    if not report.is_file():
        pytest.skip(f"{folder} has no build report (run its fixture script)")
    return json.loads(report.read_text(encoding="utf-8"))


def differences(built: dict[str, str], expected: dict[str, str]) -> list[str]:
    return [
        f"{name}: built {built.get(name, 'missing')[:16]}, committed {value[:16]}"
        for name, value in sorted(expected.items())
        if built.get(name) != value
    ]


@pytest.mark.parametrize(
    ("kind", "folder"), [("tokenizers", TOKENIZER_FIXTURES), ("models", fixtures_dir())]
)
def test_built_fixtures_match_the_committed_hashes(kind: str, folder: Path) -> None:
    built = built_hashes(folder)
    # The report is what the script recorded; recompute to catch edits made after it.
    for name, value in built.items():
        if name == "tokenizer:corpus":
            assert fixture_hashes.file_hash(folder / "corpus.txt") == value, name
        else:
            assert fixture_hashes.folder_hash(folder / name.split(":", 1)[1]) == value, name
    assert not differences(built, fixture_hashes.committed(kind))


def rebuild(script: str, out: Path, name: str) -> dict[str, str]:
    subprocess.run(
        [sys.executable, str(SCRIPTS / script), "--out", str(out), "--only", name],
        check=True,
        capture_output=True,
    )
    return json.loads((out / fixture_hashes.REPORT_FILE).read_text(encoding="utf-8"))


def test_rebuilding_a_tokenizer_fixture_gives_the_same_hash(tmp_path: Path) -> None:
    rebuilt = rebuild("make_tokenizer_fixtures.py", tmp_path, "unigram-t5")
    expected = fixture_hashes.committed("tokenizers")
    for name in ("tokenizer:corpus", "tokenizer:unigram-t5"):
        assert rebuilt[name] == expected[name], name


def test_rebuilding_a_model_fixture_gives_the_same_hash(tmp_path: Path) -> None:
    rebuilt = rebuild("make_fixtures.py", tmp_path, "albert-fill-mask")
    assert (
        rebuilt["model:albert-fill-mask"]
        == fixture_hashes.committed("models")["model:albert-fill-mask"]
    )
