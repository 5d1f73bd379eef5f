"""`modelexport-run --input-file` streams: the file is read and run a chunk at a time, each
chunk's results written before the next is read. The output is the same bytes as one chunk
holding the whole file (what the command did before it streamed); a bad line mid-file is the
one-line error naming it, after the chunks before it were written as valid JSON lines; progress
goes to stderr only."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from test_native_pipeline import RUN_BINARY

WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "a",
    "lazy",
    "dog",
    "in",
    "Zürich",
    "while",
    "rain",
    "falls",
]


def sentences(count: int) -> list[str]:
    return [
        " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(1 + i % 9)) for i in range(count)
    ]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(RUN_BINARY), *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def package(export_cache) -> str:
    return str(export_cache.get("bert-text-classification", "fixed").output_dir)


@pytest.fixture(scope="module")
def lines_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stream") / "inputs.jsonl"
    texts = sentences(3000)
    # Blank lines and a pair input on the way: line numbers and forms as before.
    rows = [json.dumps(t, ensure_ascii=False) for t in texts]
    rows.insert(700, "")
    rows.insert(1500, json.dumps({"text": "a pair", "text_pair": "of texts"}))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_chunks_give_the_whole_file_output(package, lines_file):
    whole = run(package, "--input-file", str(lines_file), "--chunk-size", "100000")
    assert whole.returncode == 0, whole.stderr
    streamed = run(package, "--input-file", str(lines_file))  # default chunks of 256
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == whole.stdout
    assert len(streamed.stdout.splitlines()) == 3001
    assert streamed.stderr == ""  # not a terminal, no --progress: nothing on stderr
    odd = run(package, "--input-file", str(lines_file), "--chunk-size", "7", "TEXT first")
    assert odd.returncode == 0, odd.stderr
    first, *rest = odd.stdout.splitlines(keepends=True)
    assert "".join(rest) == whole.stdout
    assert json.loads(first)["label"]


def test_bad_line_mid_file_keeps_the_written_chunks(package, lines_file, tmp_path):
    good = run(package, "--input-file", str(lines_file), "--chunk-size", "100000")
    rows = lines_file.read_text(encoding="utf-8").splitlines()
    rows[1200] = '{"txt": "no text key"}'  # line 1201
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(package, "--input-file", str(bad), "--chunk-size", "256")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "bad.jsonl:1201: expected a JSON string" in result.stderr
    written = result.stdout.splitlines()
    # Lines 1..1200 hold 1199 inputs (one blank line): four whole chunks of 256 were written.
    assert len(written) == 4 * 256
    assert all("label" in json.loads(line) for line in written)
    assert written == good.stdout.splitlines()[: len(written)]


def test_progress_goes_to_stderr_only(package, lines_file):
    plain = run(package, "--input-file", str(lines_file), "--chunk-size", "1000")
    # Bytes: text mode would turn the progress line's carriage returns into newlines.
    shown = subprocess.run(
        [
            str(RUN_BINARY),
            package,
            "--input-file",
            str(lines_file),
            "--chunk-size",
            "1000",
            "--progress",
        ],
        capture_output=True,
        check=False,
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.decode("utf-8") == plain.stdout
    stderr = shown.stderr.decode("utf-8")
    assert stderr.endswith("\n") and stderr.count("\n") == 1
    updates = stderr.rstrip("\n").split("\r")
    assert updates[0] == ""
    assert [u.split(" lines")[0].rsplit(" ", 1)[-1] for u in updates[1:]] == [
        "1001/3002",  # 1000 inputs and the blank line 701
        "2001/3002",
        "3001/3002",
        "3002/3002",
    ]
