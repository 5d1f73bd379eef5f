"""The native runtime (C++ package reader, tokenizer, ORT session, pipelines) against the
transformers pipelines on the PyTorch models, for every architecture fixture (WordPiece,
byte-level BPE and Unigram tokenizers), and MiniLM sentence embeddings against
sentence-transformers.

Tolerances: scores and hidden states within 1e-4 absolute; sentence embeddings cosine
>= 0.99999. Labels and their order must be identical."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import modelexport
from conftest import REPO_ROOT
from fixture_catalog import ARCHES, HEADS_BY_ARCH, fixture_path

NATIVE_ARCHES = list(ARCHES)
MASKED_ARCHES = [arch for arch in ARCHES if "fill-mask" in HEADS_BY_ARCH[arch]]
LONG_TEXT = " ".join(["tokenization", "parity", "across", "the", "fixed", "length"] * 60)
TEXTS = [
    "I love this movie.",
    "Zürich, naïve café — 東京は日本の首都です 🙂",
    LONG_TEXT,  # beyond the fixed 128 tokens: truncated like the reference
    "",
    "Short.",
]
PAIRS = [
    {"text": "Is this the question?", "text_pair": "This is the context, with more words."},
    {"text": "Wer?", "text_pair": LONG_TEXT},
]
RUN_BINARY = REPO_ROOT / "build" / "modelexport-run"


def reference(task: str, name: str, **kwargs):
    from transformers import pipeline

    return pipeline(task, model=str(fixture_path(name)), **kwargs)


def max_length_of(mode: str) -> int:
    return 128 if mode == "fixed" else 512


def texts_for(arch: str) -> list[str]:
    """GPT-2 adds no special tokens: transformers itself fails on an empty input there."""
    return [t for t in TEXTS if t or arch != "gpt2"]


def assert_same_labels(ours, theirs):
    assert [r["label"] for r in ours] == [r["label"] for r in theirs]
    np.testing.assert_allclose([r["score"] for r in ours], [r["score"] for r in theirs], atol=1e-4)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("arch", NATIVE_ARCHES)
def test_text_classification_matches_transformers(export_cache, arch, mode):
    name = f"{arch}-text-classification"
    package = export_cache.get(name, mode).output_dir
    ours = modelexport.pipeline(model=str(package / "model.onnx"))
    theirs = reference("text-classification", name)
    truncation = {"truncation": True, "max_length": max_length_of(mode)}
    texts = texts_for(arch)

    # A list longer than the fixed batch of 1: split into runs.
    for mine, ref in zip(ours(texts), theirs(texts, **truncation), strict=True):
        assert_same_labels([mine], [ref])
    assert_same_labels(ours(texts[0]), theirs(texts[0], **truncation))
    for mine, ref in zip(
        ours(texts, top_k=None), theirs(texts, top_k=None, **truncation), strict=True
    ):
        assert_same_labels(mine, ref)
    for pair in PAIRS:
        assert_same_labels(ours(pair, top_k=2), theirs(pair, top_k=2, **truncation))
    for function in ("sigmoid", "none"):
        assert_same_labels(
            ours(TEXTS[1], top_k=None, function_to_apply=function),
            theirs(TEXTS[1], top_k=None, function_to_apply=function, **truncation),
        )


def test_fixed_batch_larger_than_one_pads_and_splits(tmp_path):
    from modelexport.export.exporter import export_with_config

    name = "bert-text-classification"
    report = export_with_config(fixture_path(name), tmp_path / "b2", batch_size=2)
    ours = modelexport.pipeline(model=str(report.output_dir))
    theirs = reference("text-classification", name)
    for count in (1, 2, 5):  # a smaller batch padded, equal, and split into 3 runs
        for mine, ref in zip(
            ours(TEXTS[:count], top_k=None),
            theirs(TEXTS[:count], top_k=None, truncation=True, max_length=128),
            strict=True,
        ):
            assert_same_labels(mine, ref)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("arch", NATIVE_ARCHES)
def test_feature_extraction_matches_transformers(export_cache, arch, mode):
    name = f"{arch}-feature-extraction"
    package = export_cache.get(name, mode).output_dir
    ours = modelexport.pipeline(model=str(package))
    theirs = reference("feature-extraction", name)
    tokenizer_kwargs = {"truncation": True, "max_length": max_length_of(mode)}
    for text in texts_for(arch):
        mine = np.asarray(ours(text))
        ref = np.asarray(theirs(text, tokenize_kwargs=tokenizer_kwargs))
        assert mine.shape == ref.shape
        np.testing.assert_allclose(mine, ref, atol=1e-4)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
def test_minilm_sentence_embeddings_match_sentence_transformers(export_cache, mode):
    from sentence_transformers import SentenceTransformer

    sentences = [t for t in TEXTS if t and t != LONG_TEXT] + ["A man is eating food."]
    package = export_cache.get("minilm", mode).output_dir
    ours = modelexport.pipeline(model=str(package)).sentence_embeddings(sentences)
    theirs = SentenceTransformer(str(fixture_path("minilm")), device="cpu").encode(sentences)
    cosine = np.sum(ours * theirs, axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(theirs, axis=1)
    )
    assert cosine.min() >= 0.99999, cosine
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


def test_one_pipeline_from_eight_threads_equals_sequential(export_cache):
    package = export_cache.get("bert-text-classification", "fixed").output_dir
    classifier = modelexport.pipeline(model=str(package))
    inputs = [f"input number {i} {'é' * (i % 7)} {TEXTS[i % len(TEXTS)][:80]}" for i in range(1000)]
    sequential = [classifier(text, top_k=None) for text in inputs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda text: classifier(text, top_k=None), inputs))
    assert concurrent == sequential


def test_native_cli_matches_python_and_reports_errors(export_cache, tmp_path):
    package = export_cache.get("bert-text-classification", "fixed").output_dir
    input_file = tmp_path / "inputs.jsonl"
    input_file.write_text("\n".join(json.dumps(x) for x in [TEXTS[0], PAIRS[0]]) + "\n")
    result = subprocess.run(
        [str(RUN_BINARY), str(package), "--input-file", str(input_file), "--top-k", "all"],
        capture_output=True,
        text=True,
        check=True,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    python = modelexport.pipeline(model=str(package))
    expected = [python(TEXTS[0], top_k=None), python(PAIRS[0], top_k=None)]
    for mine, ref in zip(lines, expected, strict=True):
        assert [r["label"] for r in mine] == [r["label"] for r in ref]
        np.testing.assert_allclose(
            [r["score"] for r in mine], [r["score"] for r in ref], rtol=1e-12
        )

    usage = subprocess.run([str(RUN_BINARY)], capture_output=True, text=True)
    assert usage.returncode == 2 and "PACKAGE is required" in usage.stderr
    missing = subprocess.run(
        [str(RUN_BINARY), str(tmp_path / "nope"), "x"], capture_output=True, text=True
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"{RUN_BINARY}: error: ") and "nope" in missing.stderr


def test_unsupported_tokenizer_component_is_named(export_cache, tmp_path):
    import shutil

    package = export_cache.get("roberta-text-classification", "fixed").output_dir
    edited = tmp_path / "edited"
    shutil.copytree(package, edited)
    tokenizer = json.loads((edited / "tokenizer.json").read_text(encoding="utf-8"))
    tokenizer["pre_tokenizer"] = {"type": "NoSuchPreTokenizer"}
    (edited / "tokenizer.json").write_text(json.dumps(tokenizer), encoding="utf-8")
    with pytest.raises(
        ValueError, match=r"tokenizer.json: pre_tokenizer.type: unknown pre-tokenizer 'NoSuch"
    ):
        modelexport.pipeline(model=str(edited))


def test_python_tokenizer_matches_hf_tokenizers():
    """modelexport.Tokenizer (the C++ tokenizer through the bindings) against HF `tokenizers`
    field for field; the 10,000+ line corpus runs in test_tokenizer_parity.py."""
    from tokenizers import Tokenizer as HfTokenizer

    path = fixture_path("minilm") / "tokenizer.json"
    ours, theirs = modelexport.Tokenizer.from_file(path), HfTokenizer.from_file(str(path))
    texts = [*TEXTS, "Hello [MASK] world!", "\u00a0tab\there\u3000ideographic"]
    fields = ("ids", "type_ids", "tokens", "offsets", "special_tokens_mask", "attention_mask")
    for text in texts:
        for pair in (None, "the second sequence"):
            mine, ref = ours.encode(text, pair), theirs.encode(text, pair)
            for field in fields:
                assert [
                    tuple(x) if isinstance(x, tuple | list) else x for x in getattr(mine, field)
                ] == [
                    tuple(x) if isinstance(x, tuple | list) else x for x in getattr(ref, field)
                ], (text, field)
            assert ours.decode(mine.ids) == theirs.decode(ref.ids)
    batch_mine, batch_ref = ours.encode_batch(texts), theirs.encode_batch(texts)
    assert [e.ids for e in batch_mine] == [e.ids for e in batch_ref]
    pairs = [(t, "context") for t in texts]
    assert [e.ids for e in ours.encode_batch(pairs)] == [e.ids for e in theirs.encode_batch(pairs)]

    # Overflowing windows with a stride, in both truncation directions and for pairs.
    def windows(encoding) -> list:
        return [(list(encoding.ids), [tuple(o) for o in encoding.offsets])] + [
            window for part in encoding.overflowing for window in windows(part)
        ]

    for strategy, direction in [("longest_first", "right"), ("only_second", "left")]:
        ours.enable_truncation(12, stride=3, strategy=strategy, direction=direction)
        theirs.enable_truncation(12, stride=3, strategy=strategy, direction=direction)
        for text in texts:
            first, second = (
                (text, LONG_TEXT[:200]) if strategy == "longest_first" else ("Why?", text)
            )
            mine, ref = ours.encode(first, second), theirs.encode(first, second)
            assert windows(mine) == windows(ref), (text, strategy)
    ours.enable_truncation(12, stride=10)  # accepted here; tokenizers fails when it truncates
    with pytest.raises(ValueError, match="stride"):
        ours.encode(LONG_TEXT)
    with pytest.raises(ValueError, match="stride"):
        ours.enable_truncation(12, stride=11)


def test_python_run_command_matches_native_cli(export_cache, cli):
    package = export_cache.get("bert-text-classification", "fixed").output_dir
    python = cli("run", str(package), TEXTS[0], TEXTS[1], "--top-k", "all")
    assert python.returncode == 0, python.stderr
    native = subprocess.run(
        [str(RUN_BINARY), str(package), TEXTS[0], TEXTS[1], "--top-k", "all"],
        capture_output=True,
        text=True,
        check=True,
    )
    for mine, ref in zip(python.stdout.splitlines(), native.stdout.splitlines(), strict=True):
        mine, ref = json.loads(mine), json.loads(ref)
        assert [r["label"] for r in mine] == [r["label"] for r in ref]
        np.testing.assert_allclose(
            [r["score"] for r in mine], [r["score"] for r in ref], rtol=1e-12
        )
    assert cli("run", str(package)).returncode == 2
    missing = cli("run", str(package.parent / "absent"), "x")
    assert missing.returncode == 1 and "absent" in missing.stderr


MASKED_TEMPLATES = [
    "Paris is the {mask} of France.",
    "The {mask} sat on the {mask}, Zürich café.",
    "{mask} " + LONG_TEXT,  # truncated to the fixed length, the mask survives
]
MASKED = [t.format(mask="[MASK]") for t in MASKED_TEMPLATES]


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("arch", MASKED_ARCHES)
def test_fill_mask_matches_transformers(export_cache, arch, mode):
    name = f"{arch}-fill-mask"
    package = export_cache.get(name, mode).output_dir
    ours = modelexport.pipeline(model=str(package))
    theirs = reference("fill-mask", name)
    masked = [t.format(mask=theirs.tokenizer.mask_token) for t in MASKED_TEMPLATES]
    kwargs = {"tokenizer_kwargs": {"truncation": True, "max_length": max_length_of(mode)}}

    def same(mine, ref):
        if isinstance(ref, list) and ref and isinstance(ref[0], list):
            for m, r in zip(mine, ref, strict=True):
                same(m, r)
            return
        assert [(c["token"], c["token_str"], c["sequence"]) for c in mine] == [
            (c["token"], c["token_str"], c["sequence"]) for c in ref
        ]
        np.testing.assert_allclose([c["score"] for c in mine], [c["score"] for c in ref], atol=1e-4)

    for text in masked:
        same(ours(text, top_k=4), theirs(text, top_k=4, **kwargs))
    same(ours(masked, top_k=2), theirs(masked, top_k=2, **kwargs))
    same(
        ours(masked[0], targets=["capital", "city", "zzzzqx"]),
        theirs(masked[0], targets=["capital", "city", "zzzzqx"], **kwargs),
    )
    with pytest.raises(ValueError, match="no mask token"):
        ours("no mask here")


def test_fill_mask_through_both_clis(export_cache, cli):
    package = export_cache.get("bert-fill-mask", "fixed").output_dir
    args = [MASKED[0], MASKED[1], "--top-k", "3"]
    native = subprocess.run(
        [str(RUN_BINARY), str(package), *args], capture_output=True, text=True, check=True
    )
    python = cli("run", str(package), *args)
    assert python.returncode == 0, python.stderr
    expected = modelexport.pipeline(model=str(package))(MASKED[:2], top_k=3)
    for output in (native.stdout, python.stdout):
        lines = [json.loads(line) for line in output.splitlines()]
        assert len(lines) == 2
        assert [c["token"] for c in lines[0]] == [c["token"] for c in expected[0]]
        assert [[c["sequence"] for c in mask] for mask in lines[1]] == [
            [c["sequence"] for c in mask] for mask in expected[1]
        ]
