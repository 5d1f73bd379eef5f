"""Parity of the native tokenizer with Hugging Face `tokenizers` on every fixture tokenizer.

The fixtures (scripts/make_tokenizer_fixtures.py: WordPiece, byte-level BPE in three layouts,
sentencepiece BPE with byte fallback in two, five Unigram flavours, WordLevel, added tokens)
each go through the native tool (modelexport-tokenize, one process per run reading stdin) and
through `tokenizers.Tokenizer` configured the same way, over the multilingual corpus of
tests/tokenizer_corpus.py (24k lines: natural text in ~190 languages and generated Unicode edge
cases): single sequences, pairs, truncation with stride (overflowing parts), padding. Ids, type
ids, tokens, offsets, masks, word/sequence ids, the decoded text and the overflowing parts must
be identical; a failure lists the first differing lines.

The tool is found through MODELEXPORT_TOKENIZE_BIN (default: <repo>/build/modelexport-tokenize);
fixtures in $MODELEXPORT_TOKENIZER_FIXTURES (default: <repo>/.cache/tokenizers), built by the
script when missing or stale.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import tokenizer_corpus
from tokenizer_parity_harness import REPO_ROOT, Run, check_parity, pairs_of, tool_path

FIXTURE_SCRIPT = REPO_ROOT / "scripts" / "make_tokenizer_fixtures.py"


def load_fixture_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_tokenizer_fixtures", FIXTURE_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


FIXTURES = load_fixture_script()


NO_CONFIG = ("--no-truncation", "--no-padding")
OVERFLOW = ("--overflowing", "--no-padding")
RUNS = [
    Run("single", NO_CONFIG),  # the whole corpus
    Run("file-config", (), batch_size=8, limit=1000),  # tokenizer.json's truncation/padding
    Run("pairs", ("--max-length", "64", "--no-padding"), pairs=True, limit=1000, max_chars=1000),
    Run("keep-special", (*NO_CONFIG, "--keep-special-tokens"), limit=800),
    Run("no-special", (*NO_CONFIG, "--no-special-tokens"), pairs=True, limit=600),
    Run("overflow", ("--max-length", "24", "--stride", "6", *OVERFLOW), limit=1000, max_chars=2000),
    Run(
        "overflow-left",
        ("--max-length", "16", "--truncate-from", "left", *OVERFLOW),
        limit=500,
        max_chars=1000,
    ),
    Run(
        "overflow-pairs",
        ("--max-length", "40", "--stride", "3", *OVERFLOW),
        pairs=True,
        limit=600,
        max_chars=200,
    ),
    Run(
        "only-second",
        # No stride: tokenizers panics when the first sequence leaves the second fewer tokens
        # than the stride (Encoding::truncate asserts stride < max_len).
        ("--max-length", "32", "--truncation", "only_second", *OVERFLOW),
        pairs=True,
        limit=600,
        max_chars=300,
    ),
    Run(
        "pad-longest",
        ("--max-length", "48", "--pad-to", "longest"),
        pairs=True,
        batch_size=16,
        limit=600,
        max_chars=1000,
    ),
    Run("pad-fixed", ("--no-truncation", "--pad-to", "40"), limit=600),
]


# --- inputs --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fixture_dir() -> Path:
    """The fixtures, (re)built by the script if any is missing or stale."""
    out = FIXTURES.default_out()
    if FIXTURES.stale(out):
        subprocess.run([sys.executable, str(FIXTURE_SCRIPT), "--out", str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def corpus(fixture_dir: Path) -> list[str]:
    lines = tokenizer_corpus.read_lines(fixture_dir / FIXTURES.CORPUS_FILE)
    assert len(lines) >= 20_000
    return lines


@pytest.fixture(scope="session")
def pairs(corpus: list[str]) -> list[tuple[str, str]]:
    return pairs_of(corpus)


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.parametrize("run", RUNS, ids=lambda r: r.name)
@pytest.mark.parametrize("fixture", FIXTURES.FIXTURE_NAMES)
def test_corpus_parity(fixture: str, run: Run, fixture_dir: Path, corpus, pairs, tmp_path):
    tokenizer_json = fixture_dir / fixture / "tokenizer.json"
    check_parity(tokenizer_json, run.select(corpus, pairs), run, tmp_path, f"{fixture}/{run.name}")


def test_fixtures_record_their_components(fixture_dir: Path):
    for name in FIXTURES.FIXTURE_NAMES:
        summary = json.loads((fixture_dir / name / "components.json").read_text("utf-8"))
        assert summary["name"] == name
        assert summary["components"]["model"], name


def test_stride_needs_truncation(fixture_dir: Path):
    binary = tool_path()
    if not binary.exists():
        pytest.fail(f"{binary} not built")
    tokenizer_json = fixture_dir / "wordpiece-minilm" / "tokenizer.json"
    cmd = [str(binary), str(tokenizer_json), "--no-truncation", "--stride", "2"]
    result = subprocess.run(cmd, input="x\n", capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "need truncation" in result.stderr
