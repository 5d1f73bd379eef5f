"""The public Encoding operations (word_to_chars, word_to_tokens, char_to_token, token_to_word,
token_to_sequence, pad) against tokenizers' Encoding, position by position, on a real WordPiece
tokenizer (MiniLM) and a byte-level BPE one, for single texts and pairs."""

from __future__ import annotations

import pytest

from fixture_catalog import REPO_ROOT
from test_tokenizer_parity import MINILM_TOKENIZER

tokenizers = pytest.importorskip("tokenizers")

TEXTS = [
    "Hugging Face is based in New York City.",
    "Straße, café & naïve — déjà vu?",
    "  leading spaces and trailing   ",
    "unbelievably tokenized hyphen-ated words",
    "数字 123,456.78 and emoji 🙂 inside",
]
PAIRS = [(a, b) for a, b in zip(TEXTS, TEXTS[1:] + TEXTS[:1], strict=True)]


def tokenizer_files() -> list:
    files = [MINILM_TOKENIZER]
    gpt2 = REPO_ROOT / ".cache" / "tokenizers" / "bpe-roberta" / "tokenizer.json"
    if gpt2.is_file():
        files.append(gpt2)
    return files


@pytest.mark.parametrize("path", tokenizer_files(), ids=lambda p: p.parent.name)
def test_encoding_operations_match_tokenizers(path):
    from modelexport import _native

    ours_tokenizer = _native.Tokenizer.from_file(str(path))
    theirs_tokenizer = tokenizers.Tokenizer.from_file(str(path))
    theirs_tokenizer.no_padding()
    theirs_tokenizer.no_truncation()
    ours_tokenizer.no_padding()
    ours_tokenizer.no_truncation()
    inputs = [(t, None) for t in TEXTS] + PAIRS
    for text, pair in inputs:
        ours = ours_tokenizer.encode(text, pair, True)
        theirs = theirs_tokenizer.encode(text, pair) if pair else theirs_tokenizer.encode(text)
        assert ours.ids == theirs.ids
        n = len(theirs.ids)
        for token in range(n + 1):
            expected_sequence = theirs.token_to_sequence(token) if token < n else None
            assert ours.token_to_sequence(token) == expected_sequence, (text, token)
            expected_word = theirs.token_to_word(token) if token < n else None
            assert ours.token_to_word(token) == expected_word, (text, token)
        for sequence in (0, 1) if pair else (0,):
            for word in range(max(w for w in theirs.word_ids if w is not None) + 2):
                assert ours.word_to_tokens(word, sequence) == theirs.word_to_tokens(
                    word, sequence
                ), (text, pair, word, sequence)
                assert ours.word_to_chars(word, sequence) == theirs.word_to_chars(word, sequence), (
                    text,
                    pair,
                    word,
                    sequence,
                )
            length = len(pair if sequence else text)
            for position in range(length + 1):
                assert ours.char_to_token(position, sequence) == theirs.char_to_token(
                    position, sequence
                ), (text, pair, position, sequence)


@pytest.mark.parametrize("direction", ["right", "left"])
def test_pad_matches_tokenizers(direction):
    from modelexport import _native

    ours = _native.Tokenizer.from_file(str(MINILM_TOKENIZER))
    theirs = tokenizers.Tokenizer.from_file(str(MINILM_TOKENIZER))
    ours.no_padding()
    theirs.no_padding()
    a = ours.encode(TEXTS[0], TEXTS[1], True)
    b = theirs.encode(TEXTS[0], TEXTS[1])
    a.pad(len(b.ids) + 5, 0, 0, "[PAD]", direction)
    b.pad(len(b.ids) + 5, direction=direction, pad_id=0, pad_type_id=0, pad_token="[PAD]")
    assert a.ids == b.ids
    assert a.tokens == b.tokens
    assert a.attention_mask == b.attention_mask
    assert a.special_tokens_mask == b.special_tokens_mask
    assert list(a.offsets) == [tuple(o) for o in b.offsets]
    assert [w if w >= 0 else None for w in a.word_ids] == b.word_ids
    assert a.char_to_token(3, 0) == b.char_to_token(3, 0)
