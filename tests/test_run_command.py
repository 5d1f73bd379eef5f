"""`modelexport run` and `modelexport-run` are one command (cpp/src/cli/run_command.cpp): the
same options, the same input-file reader and the same output bytes for every task, and bad
usage is one line and exit 2 from both, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from test_native_pipeline import RUN_BINARY

LINES = [
    "I love this café.",
    {"text": "Is it raining?", "text_pair": "It rained all day\u2028in Zürich."},
    {"text": "Hugging Face is based in New York"},
]
QA_LINES = [
    {"question": "Where is it?", "context": "Hugging Face is based in New York City."},
    {"text": "Who came?", "text_pair": "The fox came at noon."},
]
TASKS = {
    "bert-text-classification": (LINES, ["--top-k", "all"]),
    "bert-feature-extraction": (LINES, ["--sentence-embedding"]),
    "bert-fill-mask": (["Paris is the [MASK] of France.", {"text": "The [MASK] sat."}], []),
    "bert-token-classification": ([LINES[0], LINES[2]], ["--aggregation-strategy", "first"]),
    "bert-question-answering": (QA_LINES, ["--top-k", "2"]),
}


def write_lines(path: Path, lines: list, bom: bool = False) -> Path:
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def both(cli, *args: str) -> tuple[subprocess.CompletedProcess, subprocess.CompletedProcess]:
    native = subprocess.run([str(RUN_BINARY), *args], capture_output=True, text=True, check=False)
    return native, cli("run", *args)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_both_commands_print_identical_bytes(export_cache, cli, tmp_path, name):
    package = str(export_cache.get(name, "fixed").output_dir)
    lines, options = TASKS[name]
    inputs = write_lines(tmp_path / "inputs.jsonl", lines, bom=True)
    native, python = both(cli, package, "--input-file", str(inputs), *options)
    assert native.returncode == 0, native.stderr
    assert python.returncode == 0, python.stderr
    assert python.stdout == native.stdout
    assert len(native.stdout.splitlines()) == len(lines)


BAD_USAGE = [
    ["--top-k", "-1"],
    ["--top-k", "99999999999999999999"],
    ["--top-k", "2abc"],
    ["--threads", "x"],
    ["--threads", "5abc"],
    ["--threads", "-1"],
    ["--threads", "100000"],
    ["--max-seq-len", "-5"],
    ["--doc-stride", "-1"],
    ["--function-to-apply", "tanh"],
    ["--targets", "a"],  # an option of another task
    ["--no-such-option"],
    ["--task", "image-classification"],
    ["--task", "automatic-speech-recognition"],
    ["--max-audio-seconds", "0"],
]


@pytest.mark.parametrize("args", BAD_USAGE, ids=lambda a: " ".join(a))
def test_bad_usage_is_one_line_and_exit_2(export_cache, cli, args):
    package = str(export_cache.get("bert-text-classification", "fixed").output_dir)
    for result in both(cli, package, "text", *args):
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""


def test_bad_input_lines_fail_the_same_way(export_cache, cli, tmp_path):
    package = str(export_cache.get("bert-text-classification", "fixed").output_dir)
    for line in ["123", '{"txt": "x"}', "not json"]:
        inputs = tmp_path / "bad.jsonl"
        inputs.write_text(f'"fine"\n{line}\n')
        native, python = both(cli, package, "--input-file", str(inputs))
        assert native.returncode == python.returncode == 1
        assert "bad.jsonl:2" in native.stderr
        assert native.stderr.split(":", 1)[1] == python.stderr.split(":", 1)[1]


def test_question_answering_rejects_empty_questions(export_cache, cli, tmp_path):
    package = str(export_cache.get("bert-question-answering", "fixed").output_dir)
    for lines in ([{"question": "", "context": "x"}], [{"question": "q", "context": ""}]):
        inputs = write_lines(tmp_path / "qa.jsonl", lines)
        for result in both(cli, package, "--input-file", str(inputs)):
            assert result.returncode == 1
            assert "question and context must not be empty" in result.stderr


def test_runtime_errors_are_one_line(export_cache, cli):
    package = str(export_cache.get("bert-question-answering", "dynamic").output_dir)
    for result in both(cli, package, "context", "--question", "q", "--max-seq-len", "100000"):
        assert result.returncode == 1
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "maximum length" in result.stderr


def test_python_api_bad_arguments_raise_value_error(export_cache):
    import modelexport

    classifier_dir = str(export_cache.get("bert-text-classification", "fixed").output_dir)
    qa_dir = str(export_cache.get("bert-question-answering", "fixed").output_dir)
    classifier = modelexport.pipeline(model=classifier_dir)
    qa = modelexport.pipeline(model=qa_dir)
    calls = {
        "top_k -1": lambda: classifier("x", top_k=-1),
        "top_k 1e20": lambda: classifier("x", top_k=10**20),
        "top_k str": lambda: classifier("x", top_k="2"),
        "doc_stride -1": lambda: qa(question="q", context="c", doc_stride=-1),
        "max_seq_len -5": lambda: qa(question="q", context="c", max_seq_len=-5),
        "empty question": lambda: qa(question="", context="c"),
        "threads -1": lambda: modelexport.pipeline(model=classifier_dir, threads=-1),
        "threads 1e6": lambda: modelexport.pipeline(model=classifier_dir, threads=10**6),
    }
    for name, call in calls.items():
        try:
            call()
        except ValueError:  # the one exception type for every bad argument (others propagate)
            continue
        pytest.fail(f"{name}: accepted")


def test_arguments_that_are_not_utf8(export_cache):
    from conftest import MODELEXPORT

    package = os.fsencode(export_cache.get("bert-text-classification", "fixed").output_dir)
    outputs = []
    for command in ([os.fsencode(RUN_BINARY)], [os.fsencode(MODELEXPORT), b"run"]):
        result = subprocess.run([*command, package, b"caf\xe9 \xff"], capture_output=True)
        assert result.returncode == 0, result.stderr
        assert b"Traceback" not in result.stderr
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]


def test_python_calls_follow_transformers_conventions(export_cache):
    """One-example lists come back unwrapped where transformers unwraps them, question= and
    context= combine as its argument handler combines them, and None means "not given"."""
    import modelexport

    qa = modelexport.pipeline(
        model=str(export_cache.get("bert-question-answering", "fixed").output_dir)
    )
    one = {"question": "Where is it?", "context": "It is in Paris."}
    assert isinstance(qa([one]), dict)
    assert isinstance(qa(question=["Where is it?"], context=["It is in Paris."]), dict)
    two = qa(question=["Where is it?", "What is it?"], context="It is in Paris.")
    assert isinstance(two, list) and len(two) == 2
    with pytest.raises(ValueError, match="question= and context="):
        qa(question="Where is it?", context=["It is in Paris.", "Or in Rome."])
    assert qa(one, doc_stride=None, max_seq_len=None, top_k=None) == qa(one)

    fill = modelexport.pipeline(model=str(export_cache.get("bert-fill-mask", "fixed").output_dir))
    assert fill(["Paris is the [MASK] of France."]) == fill("Paris is the [MASK] of France.")
    assert fill("Paris is the [MASK].", targets=None, top_k=None) == fill("Paris is the [MASK].")


def test_a_graph_that_does_not_match_the_task_is_an_error(export_cache, cli):
    """A classifier's logits read as token-classification's would index past the output: the
    shape check stops it with one line."""
    package = str(export_cache.get("bert-text-classification", "fixed").output_dir)
    for result in both(cli, package, "some text", "--task", "token-classification"):
        assert result.returncode == 1
        assert "output logits has shape" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    for args in (["--top-k", "all", "--task", "fill-mask"], ["--max-answer-len", str(2**63)]):
        qa_or_fill = "bert-fill-mask" if "fill-mask" in args else "bert-question-answering"
        target = str(export_cache.get(qa_or_fill, "fixed").output_dir)
        extra = ["--question", "q"] if qa_or_fill == "bert-question-answering" else []
        for result in both(cli, target, "Paris is the [MASK].", *extra, *args):
            assert result.returncode == 2, result.stderr
