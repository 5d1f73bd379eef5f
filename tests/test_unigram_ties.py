"""Unigram ties, live against `tokenizers`: random small vocabularies whose scores are drawn from
a few values (so that many segmentations tie exactly, or tie only after serde_json's rounding of
the saved scores), with and without byte fallback, encoded by the native tokenizer and by
`tokenizers.Tokenizer.from_file` on the same tokenizer.json. The reference is the file-loaded
tokenizer, as transformers loads it: one built in memory can break the same tie differently.
Tolerance: none, ids and offsets must be identical."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

tokenizers = pytest.importorskip("tokenizers")
modelexport = pytest.importorskip("modelexport")

ALPHABET = ["a", "b", "!", "é", "語"]  # one- to three-byte characters
UNKNOWN = ["x", "ñ", "😀"]  # never in a vocabulary
# Scores that tie exactly (multiples of 1.5), scores that tie only before serde_json's rounding
# (f32 values printed as f64, like sentencepiece's), and sums of both kinds.
SCORES = [-1.5, -3.0, -4.5, -6.0, -7.915740013122559, -10.241795539855957, -2.3749451637268066]
VOCABULARIES = 150
INPUTS_PER_VOCABULARY = 40


def random_vocabulary(rng: random.Random, byte_fallback: bool) -> list[tuple[str, float]]:
    count = rng.randint(3, 25)
    pieces = {"".join(rng.choices(ALPHABET, k=rng.randint(1, 4))) for _ in range(count)}
    vocab = [("<unk>", 0.0)]
    for piece in sorted(pieces):
        score = rng.choice(SCORES)
        if rng.random() < 0.3:  # the sum of its characters' scores: a tie with its split
            score = sum(rng.choice(SCORES[:4]) for _ in piece)
        vocab.append((piece, score))
    if byte_fallback:
        vocab += [(f"<0x{b:02X}>", rng.choice(SCORES)) for b in b"x\xc3\xb1"]
    rng.shuffle(vocab[1:])
    return vocab


def random_input(rng: random.Random) -> str:
    chars = ALPHABET * 4 + UNKNOWN
    return "".join(rng.choices(chars, k=rng.randint(1, 14)))


@pytest.mark.parametrize("byte_fallback", [False, True], ids=["plain", "byte-fallback"])
def test_unigram_ties_match_tokenizers(tmp_path: Path, byte_fallback: bool) -> None:
    rng = random.Random(20261201 + byte_fallback)
    mismatches: list[str] = []
    for index in range(VOCABULARIES):
        vocab = random_vocabulary(rng, byte_fallback)
        built = tokenizers.Tokenizer(tokenizers.models.Unigram(vocab, 0, byte_fallback))
        path = tmp_path / f"unigram-{index}.json"
        built.save(str(path))
        reference = tokenizers.Tokenizer.from_file(str(path))
        native = modelexport.Tokenizer.from_file(str(path))
        for _ in range(INPUTS_PER_VOCABULARY):
            text = random_input(rng)
            want = reference.encode(text, add_special_tokens=False)
            got = native.encode(text, add_special_tokens=False)
            if (list(got.ids), list(got.offsets)) != (want.ids, want.offsets):
                mismatches.append(f"{path.name} {text!r}: {got.tokens} != {want.tokens}")
    assert not mismatches, "\n".join(mismatches[:5])
