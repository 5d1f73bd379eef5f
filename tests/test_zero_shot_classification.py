"""zero-shot-classification (NLI) against transformers' pipeline on the same PyTorch models.

The NLI models are the text-classification fixtures relabelled contradiction / neutral /
entailment, their weights redrawn larger (seeded): at the fixtures' initializer range the
entailment logit hardly depends on the hypothesis, and the labels would tie within float noise.
Tolerance: scores within 1e-4 absolute; labels and their order identical."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import modelexport
from conftest import REPO_ROOT
from fixture_catalog import fixture_path

ARCHES = ["bert", "roberta", "deberta-v2"]  # WordPiece, byte-level BPE, Unigram
NLI_LABELS = ("contradiction", "neutral", "entailment")
LONG_TEXT = " ".join(["premise", "tokens", "beyond", "the", "fixed", "length"] * 60)
TEXTS = [
    "The new phone has a great camera but the battery dies by noon.",
    "Zürich, naïve café — 東京は日本の首都です 🙂",
    LONG_TEXT,  # truncated only_first: the hypothesis stays whole
]
LABELS = ["technology", "travel", "cooking", "politics"]
RUN_BINARY = REPO_ROOT / "build" / "modelexport-run"


def nli_folder(root: Path, arch: str, labels=NLI_LABELS) -> Path:
    folder = root / f"{arch}-nli-{'-'.join(labels)}"
    if not folder.is_dir():
        import torch
        from transformers import AutoModelForSequenceClassification

        shutil.copytree(fixture_path(f"{arch}-text-classification"), folder)
        model = AutoModelForSequenceClassification.from_pretrained(folder)
        generator = torch.Generator().manual_seed(1234)
        with torch.no_grad():
            for parameter in model.parameters():
                if parameter.dim() > 1:
                    parameter.copy_(torch.randn(parameter.shape, generator=generator) * 0.4)
        model.config.id2label = dict(enumerate(labels))
        model.config.label2id = {label: i for i, label in enumerate(labels)}
        model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    from modelexport.export.exporter import export_with_config

    root = tmp_path_factory.mktemp("zero-shot")
    made = {}
    for arch in ARCHES:
        source = nli_folder(root, arch)
        for mode in ("fixed", "dynamic"):
            report = export_with_config(
                source,
                root / f"{arch}-{mode}",
                task="zero-shot-classification",
                dynamic=mode == "dynamic",
            )
            made[arch, mode] = (source, report.output_dir)
    return made


def reference(source: Path, mode: str):
    from transformers import AutoTokenizer, pipeline

    # The fixed graph takes 128 tokens: the reference truncates to the same length.
    tokenizer = AutoTokenizer.from_pretrained(
        source, model_max_length=128 if mode == "fixed" else 512
    )
    return pipeline("zero-shot-classification", model=str(source), tokenizer=tokenizer)


def assert_same(ours, theirs):
    if isinstance(theirs, list):
        assert len(ours) == len(theirs)
        for mine, ref in zip(ours, theirs, strict=True):
            assert_same(mine, ref)
        return
    assert list(ours) == ["sequence", "labels", "scores"]
    assert ours["sequence"] == theirs["sequence"]
    assert ours["labels"] == theirs["labels"]
    np.testing.assert_allclose(ours["scores"], theirs["scores"], atol=1e-4)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("arch", ARCHES)
def test_zero_shot_matches_transformers(packages, arch, mode):
    source, package = packages[arch, mode]
    ours = modelexport.pipeline(model=str(package / "model.onnx"))
    assert ours.task == "zero-shot-classification"
    theirs = reference(source, mode)

    assert_same(ours(TEXTS, candidate_labels=LABELS), theirs(TEXTS, candidate_labels=LABELS))
    # One string in, one dict out; labels as one comma-separated string.
    assert_same(
        ours(TEXTS[0], candidate_labels=" sports ,politics,, science "),
        theirs(TEXTS[0], candidate_labels=" sports ,politics,, science "),
    )
    for kwargs in (
        {"multi_label": True},
        {"hypothesis_template": "Das Thema ist {}."},
        {"hypothesis_template": "{0} {{braces}} kept"},
    ):
        assert_same(
            ours(TEXTS[:2], candidate_labels=LABELS, **kwargs),
            theirs(TEXTS[:2], candidate_labels=LABELS, **kwargs),
        )
    # One label: entailment against contradiction, as with multi_label.
    assert_same(ours(TEXTS[0], candidate_labels=["x"]), theirs(TEXTS[0], candidate_labels=["x"]))
    # Equal labels tie: numpy's reversed argsort puts the later one first.
    assert_same(
        ours(TEXTS[0], candidate_labels=["same", "same", "other"]),
        theirs(TEXTS[0], candidate_labels=["same", "same", "other"]),
    )


def test_text_classification_package_runs_as_zero_shot(export_cache, tmp_path):
    """An NLI model exported as text-classification runs zero-shot when the call names the task."""
    from modelexport.export.exporter import export_with_config

    source = nli_folder(tmp_path, "bert")
    package = export_with_config(source, tmp_path / "pkg").output_dir
    ours = modelexport.pipeline("zero-shot-classification", model=str(package))
    assert_same(
        ours(TEXTS[0], candidate_labels=LABELS),
        reference(source, "fixed")(TEXTS[0], candidate_labels=LABELS),
    )


def test_both_run_commands_print_the_same(packages):
    _, package = packages["bert", "fixed"]
    args = [str(package), TEXTS[0], "--candidate-labels", "a,b, c", "--multi-label"]
    native = subprocess.run([str(RUN_BINARY), *args], capture_output=True, text=True)
    python = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "modelexport"), "run", *args],
        capture_output=True,
        text=True,
    )
    assert native.returncode == 0, native.stderr
    assert native.stdout == python.stdout
    result = json.loads(native.stdout)
    assert result["labels"] and sorted(result["labels"]) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"candidate_labels": []}, "candidate_labels is empty"),
        ({"candidate_labels": " , ,"}, "candidate_labels is empty"),
        ({}, "needs candidate_labels"),
        ({"candidate_labels": ["a"], "hypothesis_template": "No field."}, "has no {}"),
        ({"candidate_labels": ["a"], "hypothesis_template": "{label}"}, "unsupported replacement"),
        ({"candidate_labels": ["a"], "hypothesis_template": "a } b {}"}, "single '}'"),
        ({"candidate_labels": ["a"], "hypothesis_template": "{} and {"}, "single '{'"),
    ],
)
def test_bad_options_are_one_line_errors(packages, kwargs, message):
    ours = modelexport.pipeline(model=str(packages["bert", "dynamic"][1]))
    with pytest.raises(modelexport.PipelineError) as error:
        ours(TEXTS[0], **kwargs)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_empty_text_and_non_nli_model_are_refused(packages, export_cache):
    ours = modelexport.pipeline(model=str(packages["bert", "dynamic"][1]))
    with pytest.raises(modelexport.PipelineError, match="empty text"):
        ours("", candidate_labels=["a"])
    sentiment = export_cache.get("bert-text-classification", "fixed").output_dir
    with pytest.raises(modelexport.PipelineError, match=r"entailment.*NEGATIVE, NEUTRAL, POSITIVE"):
        modelexport.pipeline("zero-shot-classification", model=str(sentiment))
    result = subprocess.run(
        [str(RUN_BINARY), str(sentiment), "x", "--task", "zero-shot-classification",
         "--candidate-labels", "a"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "entailment" in result.stderr


def test_optimum_loads_the_packages(packages):
    from modelexport.optimum_compat import validate_optimum_compatibility_many

    reports = validate_optimum_compatibility_many([package for _, package in packages.values()])
    for report in reports:
        assert report.model_class == "ORTModelForSequenceClassification"
        assert report.passed, report
