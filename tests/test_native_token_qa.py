"""token-classification and question-answering through the native runtime, against the
transformers pipelines on the PyTorch models (question-answering: transformers 4.57 in
.venv-optimum, since transformers 5 dropped that pipeline).

Tolerances: scores within 1e-4 absolute; labels, entity groups, words, token indices, character
offsets, answer spans and their order must be identical."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import modelexport
from conftest import REPO_ROOT
from fixture_catalog import fixture_path
from test_native_pipeline import LONG_TEXT, NATIVE_ARCHES, RUN_BINARY, max_length_of

OPTIMUM_PYTHON = REPO_ROOT / ".venv-optimum" / "bin" / "python"
QA_WORKER = REPO_ROOT / "tests" / "qa_reference_worker.py"

ENTITY_TEXTS = [
    "Hugging Face Inc. is a company based in New York City.",
    "Zürich, naïve café — 東京は日本の首都です 🙂 unaffable",
    LONG_TEXT,  # beyond the fixed 128 tokens: truncated like the reference
    "",
    "George Washington went to Washington-on-the-Brazos.",
]
STRATEGIES = ["none", "simple", "first", "average", "max"]


def same_entities(mine: list[dict], ref: list[dict]) -> None:
    keys = [k for k in ref[0] if k != "score"] if ref else []
    assert [[e[k] for k in keys] for e in mine] == [[e[k] for k in keys] for e in ref]
    assert [sorted(e) for e in mine] == [sorted(e) for e in ref]
    np.testing.assert_allclose(
        [float(e["score"]) for e in mine], [float(e["score"]) for e in ref], atol=1e-4
    )


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("arch", NATIVE_ARCHES)
def test_token_classification_matches_transformers(export_cache, arch, mode):
    from transformers import pipeline

    name = f"{arch}-token-classification"
    package = export_cache.get(name, mode).output_dir
    ours = modelexport.pipeline(model=str(package / "model.onnx"))
    theirs = pipeline("token-classification", model=str(fixture_path(name)))
    theirs.tokenizer.model_max_length = max_length_of(mode)
    labels = list(theirs.model.config.id2label.values())
    # GPT-2 adds no special tokens: transformers itself fails on an empty input there.
    texts = [t for t in ENTITY_TEXTS if t or arch != "gpt2"]
    for strategy in STRATEGIES:
        for text in texts:
            same_entities(
                ours(text, aggregation_strategy=strategy),
                theirs(text, aggregation_strategy=strategy),
            )
        # Ignoring the most frequent label, and a batch of inputs.
        ignore = [labels[0]]
        for mine, ref in zip(
            ours(texts, aggregation_strategy=strategy, ignore_labels=ignore),
            theirs(texts, aggregation_strategy=strategy, ignore_labels=ignore),
            strict=True,
        ):
            same_entities(mine, ref)


QUESTION = "Where does the fox jump over the dog?"
SHORT_CONTEXT = "The quick brown fox jumps over the lazy dog near Zürich's naïve café."
LONG_CONTEXT = " ".join(
    f"Sentence {i} says the fox number {i} jumped over the lazy dog in town {i}." for i in range(40)
)


def qa_cases(max_seq_len: int | None) -> list[dict]:
    window = {} if max_seq_len is None else {"max_seq_len": max_seq_len}
    single = {"question": QUESTION, "context": SHORT_CONTEXT}
    long = {"question": QUESTION, "context": LONG_CONTEXT}
    return [
        {"inputs": single, "kwargs": {**window}},
        {"inputs": single, "kwargs": {**window, "top_k": 3}},
        {"inputs": single, "kwargs": {**window, "top_k": 2, "max_answer_len": 3}},
        {"inputs": single, "kwargs": {**window, "handle_impossible_answer": True, "top_k": 2}},
        {"inputs": single, "kwargs": {**window, "align_to_words": False, "top_k": 2}},
        {"inputs": long, "kwargs": {**window, "top_k": 3}},  # several windows of the context
        {"inputs": long, "kwargs": {**window, "doc_stride": 16, "top_k": 2}},
        {"inputs": long, "kwargs": {**window, "handle_impossible_answer": True}},
        {"inputs": [single, long, single], "kwargs": {**window}},  # a batch
    ]


def reference_answers(model_dir, package_dir, cases: list[dict]) -> list:
    import onnxruntime

    if not OPTIMUM_PYTHON.exists():
        pytest.skip("the reference needs .venv-optimum (scripts/setup.sh)")
    session = onnxruntime.InferenceSession(str(package_dir / "model.onnx"))
    job = {
        "model": str(model_dir),
        "tokenizer": str(package_dir),
        "input_names": [i.name for i in session.get_inputs()],
        "cases": cases,
    }
    done = subprocess.run(
        [str(OPTIMUM_PYTHON), str(QA_WORKER)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def same_answers(mine, ref) -> None:
    if isinstance(ref, dict):
        assert isinstance(mine, dict), mine
        mine, ref = [mine], [ref]
    assert [(a["start"], a["end"], a["answer"]) for a in mine] == [
        (a["start"], a["end"], a["answer"]) for a in ref
    ]
    np.testing.assert_allclose([a["score"] for a in mine], [a["score"] for a in ref], atol=1e-4)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("arch", NATIVE_ARCHES)
def test_question_answering_matches_transformers(export_cache, arch, mode):
    name = f"{arch}-question-answering"
    package = export_cache.get(name, mode).output_dir
    cases = qa_cases(max_length_of(mode) if mode == "fixed" else None)
    expected = reference_answers(fixture_path(name), package, cases)
    ours = modelexport.pipeline(model=str(package))
    for case, ref in zip(cases, expected, strict=True):
        mine = ours(case["inputs"], **case["kwargs"])
        if isinstance(case["inputs"], list):
            for m, r in zip(mine, ref, strict=True):
                same_answers(m, r)
        else:
            same_answers(mine, ref)
    # Keyword form, as transformers accepts it.
    same_answers(ours(question=QUESTION, context=SHORT_CONTEXT, **cases[0]["kwargs"]), expected[0])


def test_question_answering_options_are_checked(export_cache):
    package = export_cache.get("bert-question-answering", "fixed").output_dir
    ours = modelexport.pipeline(model=str(package))
    with pytest.raises(ValueError, match="doc_stride"):
        ours(question=QUESTION, context=SHORT_CONTEXT, doc_stride=200, max_seq_len=100)
    with pytest.raises(ValueError, match="max_answer_len"):
        ours(question=QUESTION, context=SHORT_CONTEXT, max_answer_len=0)
    with pytest.raises(ValueError, match="fixed sequence length"):
        ours(question=QUESTION, context=SHORT_CONTEXT, max_seq_len=256)
    with pytest.raises(ValueError, match="question"):
        ours({"context": SHORT_CONTEXT})


def test_token_classification_and_qa_through_both_clis(export_cache, cli, tmp_path):
    tokens = export_cache.get("bert-token-classification", "fixed").output_dir
    args = [ENTITY_TEXTS[0], ENTITY_TEXTS[1], "--aggregation-strategy", "simple"]
    expected = modelexport.pipeline(model=str(tokens))(
        ENTITY_TEXTS[:2], aggregation_strategy="simple"
    )
    native = subprocess.run(
        [str(RUN_BINARY), str(tokens), *args], capture_output=True, text=True, check=True
    )
    python = cli("run", str(tokens), *args)
    assert python.returncode == 0, python.stderr
    for output in (native.stdout, python.stdout):
        lines = [json.loads(line) for line in output.splitlines()]
        assert [[(e["entity_group"], e["start"], e["end"]) for e in line] for line in lines] == [
            [(e["entity_group"], e["start"], e["end"]) for e in entities] for entities in expected
        ]

    qa = export_cache.get("bert-question-answering", "fixed").output_dir
    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps({"question": QUESTION, "context": SHORT_CONTEXT})
        + "\n"
        + json.dumps({"question": QUESTION, "context": LONG_CONTEXT})
        + "\n"
    )
    expected_answers = modelexport.pipeline(model=str(qa))(
        [
            {"question": QUESTION, "context": SHORT_CONTEXT},
            {"question": QUESTION, "context": LONG_CONTEXT},
        ],
        top_k=2,
    )
    native = subprocess.run(
        [str(RUN_BINARY), str(qa), "--input-file", str(questions), "--top-k", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    python = cli("run", str(qa), "--input-file", str(questions), "--top-k", "2")
    assert python.returncode == 0, python.stderr
    for output in (native.stdout, python.stdout):
        lines = [json.loads(line) for line in output.splitlines()]
        assert [[(a["start"], a["end"], a["answer"]) for a in line] for line in lines] == [
            [(a["start"], a["end"], a["answer"]) for a in answers] for answers in expected_answers
        ]
    single = subprocess.run(
        [str(RUN_BINARY), str(qa), SHORT_CONTEXT, "--question", QUESTION],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(single.stdout)["answer"] == expected_answers[0][0]["answer"]
    bad = subprocess.run(
        [str(RUN_BINARY), str(qa), SHORT_CONTEXT], capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1 and "--question" in bad.stderr
    usage = subprocess.run(
        [str(RUN_BINARY), str(qa), "x", "--max-answer-len", "-3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert usage.returncode == 2


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
