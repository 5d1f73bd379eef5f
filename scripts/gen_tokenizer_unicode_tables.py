#!/usr/bin/env python3
"""Generates cpp/src/text/unicode_tables.inc: the Unicode character data the C++ tokenizer needs
to encode exactly like Hugging Face `tokenizers`.

Why probe instead of using utf8proc or unicodedata: `tokenizers` does not use one Unicode
version. Its BERT normalizer and punctuation test use the `unicode_categories` crate (frozen at
an old Unicode version; e.g. U+13430 is not a format character there, U+2E4F is not
punctuation), NFD and StripAccents use `unicode-normalization-alignments` (also old, e.g. U+11938
does not decompose), while lowercasing and `char::is_whitespace` come from the Rust standard
library (a recent Unicode version: U+A7CB lowercases). utf8proc 2.8 (Unicode 15) disagrees with
each of them somewhere. So this script asks the reference library itself, code point by code
point, and writes what it answers. The same goes for NFKD/NFC (compatibility decompositions,
composition pairs) and for the grapheme cluster data the Precompiled normalizer segments with
(unicode-segmentation), checked against the reference through sentencepiece-built charsmaps.
It is the source of truth for the tables; re-run it (and commit the result) when the pinned
`tokenizers` version changes:

    .venv/bin/python scripts/gen_tokenizer_unicode_tables.py
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import regex
import sentencepiece
import tokenizers
from sentencepiece import sentencepiece_model_pb2
from tokenizers import normalizers, pre_tokenizers

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT = REPO_ROOT / "cpp" / "src" / "text" / "unicode_tables.inc"

MAX_CODE_POINT = 0x10FFFF
HANGUL_S_BASE, HANGUL_S_COUNT = 0xAC00, 11172
HANGUL_L_BASE, HANGUL_V_BASE, HANGUL_T_BASE = 0x1100, 0x1161, 0x11A7
HANGUL_V_COUNT, HANGUL_T_COUNT = 21, 28


def code_points() -> list[int]:
    """Every Unicode scalar value (surrogates cannot be passed to the Rust library)."""
    return [c for c in range(MAX_CODE_POINT + 1) if not 0xD800 <= c <= 0xDFFF]


def hangul_nfd(c: int) -> list[int]:
    s = c - HANGUL_S_BASE
    out = [
        HANGUL_L_BASE + s // (HANGUL_V_COUNT * HANGUL_T_COUNT),
        HANGUL_V_BASE + (s % (HANGUL_V_COUNT * HANGUL_T_COUNT)) // HANGUL_T_COUNT,
    ]
    if s % HANGUL_T_COUNT:
        out.append(HANGUL_T_BASE + s % HANGUL_T_COUNT)
    return out


def probe() -> dict[str, object]:
    clean_text = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=False, strip_accents=False, lowercase=False
    )
    bert_strip = normalizers.BertNormalizer(
        clean_text=False, handle_chinese_chars=False, strip_accents=True, lowercase=False
    )
    nfd = normalizers.NFD()
    lowercase = normalizers.Lowercase()
    strip_accents = normalizers.StripAccents()
    bert_pre = pre_tokenizers.BertPreTokenizer()
    whitespace_split = pre_tokenizers.WhitespaceSplit()
    whitespace = pre_tokenizers.Whitespace()

    removed_by_clean_text: list[int] = []
    mapped_to_space: list[int] = []
    rust_whitespace: list[int] = []
    regex_space: list[int] = []
    bert_punctuation: list[int] = []
    word_chars: list[int] = []
    combining_marks: list[int] = []
    nonspacing_marks: list[int] = []
    decompositions: dict[int, list[int]] = {}
    lowercase_map: dict[int, list[int]] = {}

    for c in code_points():
        ch = chr(c)
        cleaned = clean_text.normalize_str(ch)
        if cleaned == "":
            removed_by_clean_text.append(c)
        elif cleaned == " " and ch != " ":
            mapped_to_space.append(c)
        # Between two letters: a separator yields 2 pieces, an isolated character 3.
        framed = "a" + ch + "a"
        if len(whitespace_split.pre_tokenize_str(framed)) == 2:
            rust_whitespace.append(c)
        if len(bert_pre.pre_tokenize_str(framed)) == 3:
            bert_punctuation.append(c)
        pieces = len(whitespace.pre_tokenize_str(framed))  # \w+|[^\w\s]+
        if pieces == 1:
            word_chars.append(c)
        elif pieces == 2:
            regex_space.append(c)
        if strip_accents.normalize_str(ch) == "":
            combining_marks.append(c)
        decomposed = nfd.normalize_str(ch)
        if decomposed != ch:
            decompositions[c] = [ord(x) for x in decomposed]
        elif bert_strip.normalize_str(ch) == "":
            # The BERT normalizer only tests marks on NFD output, i.e. non-decomposable chars.
            nonspacing_marks.append(c)
        lowered = lowercase.normalize_str(ch)
        if lowered != ch:
            lowercase_map[c] = [ord(x) for x in lowered]

    # Canonical combining classes as the reference NFD sees them: a mark reorders before a
    # following U+0334 (class 1) exactly when its class is above 1; class-1 marks reorder
    # after a preceding U+0301 (class 230). Values come from unicodedata (class values never
    # change between Unicode versions); the probe tells which marks the reference knows.
    combining_classes: dict[int, int] = {}
    for c in code_points():
        value = unicodedata.combining(chr(c))
        if value == 0 or c in decompositions:
            continue
        if value > 1:
            known = nfd.normalize_str(chr(c) + "\u0334") == "\u0334" + chr(c)
        else:
            known = nfd.normalize_str("\u0301" + chr(c)) == chr(c) + "\u0301"
        if known:
            combining_classes[c] = value

    # Consistency checks: the C++ code relies on these relations.
    assert rust_whitespace == regex_space, "regex \\s differs from char::is_whitespace"
    expected_space = sorted(
        (set(rust_whitespace) | {9, 10, 13}) - set(removed_by_clean_text) - {32}
    )
    assert mapped_to_space == expected_space, "clean_text whitespace mapping changed"
    for c in range(HANGUL_S_BASE, HANGUL_S_BASE + HANGUL_S_COUNT):
        assert decompositions.pop(c) == hangul_nfd(c), f"Hangul U+{c:04X}"
    assert all(len(v) <= 4 for v in decompositions.values())
    assert all(len(v) <= 3 for v in lowercase_map.values())
    # Decomposable marks never reach the nonspacing test; keep them with their category.
    nonspacing_marks = sorted(
        set(nonspacing_marks) | {c for c in decompositions if unicodedata.category(chr(c)) == "Mn"}
    )

    return {
        "other": [c for c in removed_by_clean_text if c != 0xFFFD],
        "whitespace": rust_whitespace,
        "bert_punctuation": bert_punctuation,
        "word": word_chars,
        "combining_mark": combining_marks,
        "nonspacing_mark": nonspacing_marks,
        "decompositions": decompositions,
        "lowercase": lowercase_map,
        "combining_classes": combining_classes,
    }


def probe_compositions(decompositions: dict[int, list[int]]) -> dict[str, object]:
    """NFKD mappings and the canonical composition pairs as the reference NFKD/NFC see them.

    unicode-normalization-alignments composes a pair (L, C) into the primary composite P when P
    canonically decomposes to <L, C> in one step and is not excluded. Candidates come from
    Python's unicodedata (a newer Unicode version, and compositions are stable), kept when the
    reference itself decomposes P and composes its NFD back into P.
    """
    nfkd = normalizers.NFKD()
    nfc = normalizers.NFC()
    compat: dict[int, list[int]] = {}
    for c in code_points():
        if HANGUL_S_BASE <= c < HANGUL_S_BASE + HANGUL_S_COUNT:
            continue
        out = nfkd.normalize_str(chr(c))
        if out != chr(c):
            compat[c] = [ord(x) for x in out]
    compositions: dict[tuple[int, int], int] = {}
    for c in code_points():
        fields = unicodedata.decomposition(chr(c)).split()
        if len(fields) != 2 or fields[0].startswith("<") or c not in decompositions:
            continue
        pair = (int(fields[0], 16), int(fields[1], 16))
        if nfc.normalize_str("".join(chr(x) for x in decompositions[c])) == chr(c):
            compositions[pair] = c
    return {"compat_decompositions": compat, "compositions": compositions}


# Grapheme_Cluster_Break values, in the order of the C++ enum GraphemeBreak.
GRAPHEME_BREAKS = [
    "Other",
    "CR",
    "LF",
    "Control",
    "Extend",
    "ZWJ",
    "Regional_Indicator",
    "Prepend",
    "SpacingMark",
    "L",
    "V",
    "T",
    "LV",
    "LVT",
]


def precompiled_normalizer(rules: list[tuple[str, str]]) -> normalizers.Normalizer:
    """A Precompiled normalizer built by sentencepiece from custom rules (src -> dst)."""
    import io
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "rules.tsv"
        tsv.write_text(
            "".join(
                " ".join(f"{ord(x):X}" for x in src)
                + "\t"
                + " ".join(f"{ord(x):X}" for x in dst)
                + "\n"
                for src, dst in rules
            )
        )
        text = Path(tmp) / "text.txt"
        text.write_text("".join(f"hello world abc def ghi {i}\n" for i in range(200)))
        model = io.BytesIO()
        sentencepiece.SentencePieceTrainer.train(
            input=str(text),
            model_writer=model,
            vocab_size=40,
            model_type="unigram",
            normalization_rule_tsv=str(tsv),
            minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model.getvalue())
    return normalizers.Precompiled(proto.normalizer_spec.precompiled_charsmap)


def probe_graphemes() -> dict[str, object]:
    """Grapheme cluster data for the Precompiled normalizer (unicode-segmentation graphemes).

    The values come from the `regex` module's Unicode data, then are checked against the
    reference: Precompiled tries a whole cluster shorter than 6 bytes against its rules, and a
    rule for its first character then swallows the rest, which makes cluster boundaries
    visible. Where the reference's (older or newer) data disagrees, the reference wins.
    Indic_Conjunct_Break (GB9c) is left out on purpose: it only joins 3-byte consonants and
    linkers into clusters of 9+ bytes, which Precompiled handles character by character either
    way.
    """
    points = code_points()
    everything = "".join(chr(c) for c in points)
    values: dict[int, int] = {}
    for i, name in enumerate(GRAPHEME_BREAKS[1:], start=1):
        for m in regex.finditer(rf"\p{{Grapheme_Cluster_Break={name}}}", everything):
            values[points[m.start()]] = i
    ext_pict = [points[m.start()] for m in regex.finditer(r"\p{Extended_Pictographic}", everything)]

    # "a" + Y joins exactly when Y is Extend, ZWJ or SpacingMark (GB9, GB9a).
    joiners = {GRAPHEME_BREAKS.index(n) for n in ("Extend", "ZWJ", "SpacingMark")}
    probe_a = precompiled_normalizer([("a", "b")])
    mismatches = []
    for c in code_points():
        ch = chr(c)
        if ch == "a":
            continue
        out = probe_a.normalize_str("a" + ch)
        joined = out == "b"
        if not joined and out != "b" + ch:
            continue  # Y has a rule of its own in this charsmap (none expected)
        if joined != (values.get(c) in joiners):
            mismatches.append(c)
            if joined:
                values[c] = GRAPHEME_BREAKS.index("Extend")
            elif values.get(c) in joiners:
                del values[c]
    # Prepend + "a" joins (GB9b); candidates are the regex Prepend characters and neighbours.
    prepend = GRAPHEME_BREAKS.index("Prepend")
    candidates = sorted({c + d for c in values if values[c] == prepend for d in (-1, 0, 1)})
    candidates = [
        c for c in candidates if not 0xD800 <= c <= 0xDFFF and values.get(c) in (None, prepend)
    ]
    probe_p = precompiled_normalizer([(chr(c), "P") for c in candidates])
    for c in candidates:
        joined = probe_p.normalize_str(chr(c) + "a") == "P"
        if joined != (values.get(c) == prepend):
            mismatches.append(c)
            if joined:
                values[c] = prepend
            else:
                del values[c]
    if mismatches:
        print(
            "grapheme data: reference differs from regex for "
            + ", ".join(f"U+{c:04X}" for c in mismatches[:40])
            + (f" (+{len(mismatches) - 40})" if len(mismatches) > 40 else ""),
            file=sys.stderr,
        )
    return {"grapheme_breaks": values, "extended_pictographic": ext_pict}


def ranges(values: list[int]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and out[-1][1] == v - 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return [(a, b) for a, b in out]


def emit_ranges(name: str, what: str, values: list[int]) -> str:
    rs = ranges(values)
    body = ",\n".join(f"    {{0x{a:04X}, 0x{b:04X}}}" for a, b in rs)
    header = f"// {what}: {len(values)} code points.\n"
    return f"{header}constexpr CodePointRange {name}[] = {{\n{body}}};\n"


def emit_mapping(name: str, what: str, mapping: dict[int, list[int]], width: int) -> str:
    rows = []
    for c in sorted(mapping):
        out = mapping[c] + [0] * (width - len(mapping[c]))
        rows.append(
            f"    {{0x{c:04X}, {len(mapping[c])}, {{{', '.join(f'0x{x:04X}' for x in out)}}}}}"
        )
    return (
        f"// {what}: {len(mapping)} code points.\n"
        f"constexpr CodePointMapping<{width}> {name}[] = {{\n" + ",\n".join(rows) + "};\n"
    )


def emit_classes(name: str, classes: dict[int, int]) -> str:
    runs: list[list[int]] = []
    for c in sorted(classes):
        if runs and runs[-1][1] == c - 1 and runs[-1][2] == classes[c]:
            runs[-1][1] = c
        else:
            runs.append([c, c, classes[c]])
    body = ",\n".join(f"    {{0x{a:04X}, 0x{b:04X}, {v}}}" for a, b, v in runs)
    return (
        f"// Canonical combining classes known to the reference NFD: {len(classes)} code points.\n"
        f"constexpr CombiningClassRange {name}[] = {{\n{body}}};\n"
    )


def emit_flat_mapping(name: str, what: str, mapping: dict[int, list[int]]) -> str:
    """Variable-length mappings: {from, offset, length} rows into one flat array."""
    rows, flat = [], []
    for c in sorted(mapping):
        rows.append(f"    {{0x{c:04X}, {len(flat)}, {len(mapping[c])}}}")
        flat.extend(mapping[c])
    data = ",".join(("\n    " if i % 10 == 0 else " ") + f"0x{x:04X}" for i, x in enumerate(flat))
    return (
        f"// {what}: {len(mapping)} code points.\n"
        f"constexpr char32_t {name}Data[] = {{{data}}};\n"
        f"constexpr FlatMapping {name}[] = {{\n" + ",\n".join(rows) + "};\n"
    )


def emit_compositions(name: str, pairs: dict[tuple[int, int], int]) -> str:
    rows = [f"    {{0x{a:04X}, 0x{b:04X}, 0x{c:04X}}}" for (a, b), c in sorted(pairs.items())]
    return (
        f"// Canonical compositions (first, second) -> composite, Hangul excluded: {len(pairs)}.\n"
        f"constexpr Composition {name}[] = {{\n" + ",\n".join(rows) + "};\n"
    )


def emit_values(name: str, what: str, values: dict[int, int]) -> str:
    runs: list[list[int]] = []
    for c in sorted(values):
        if runs and runs[-1][1] == c - 1 and runs[-1][2] == values[c]:
            runs[-1][1] = c
        else:
            runs.append([c, c, values[c]])
    body = ",\n".join(f"    {{0x{a:04X}, 0x{b:04X}, {v}}}" for a, b, v in runs)
    return f"// {what}: {len(values)} code points.\nconstexpr ValueRange {name}[] = {{\n{body}}};\n"


def main() -> int:
    data = probe()
    data.update(probe_compositions(data["decompositions"]))
    data.update(probe_graphemes())
    parts = [
        "// GENERATED by scripts/gen_tokenizer_unicode_tables.py from Hugging Face tokenizers "
        f"{tokenizers.__version__}; do not edit.\n"
        "// Character data exactly as the reference library sees it (see the script for why).\n"
        "// Included by unicode.cpp only.\n",
        emit_ranges(
            "kOther",
            "unicode_categories is_other (Cc Cf Co, old tables), "
            "what BertNormalizer clean_text removes",
            data["other"],
        ),
        emit_ranges("kWhitespace", "Rust char::is_whitespace == regex \\s", data["whitespace"]),
        emit_ranges(
            "kBertPunctuation",
            "ASCII punctuation + unicode_categories is_punctuation",
            data["bert_punctuation"],
        ),
        emit_ranges("kWordChar", "Rust regex \\w", data["word"]),
        emit_ranges(
            "kCombiningMark",
            "unicode-normalization-alignments is_combining_mark (StripAccents)",
            data["combining_mark"],
        ),
        emit_ranges(
            "kNonspacingMark",
            "unicode_categories is_mark_nonspacing (BertNormalizer strip_accents)",
            data["nonspacing_mark"],
        ),
        emit_mapping(
            "kDecompositions",
            "Canonical decompositions (NFD), Hangul excluded",
            data["decompositions"],
            4,
        ),
        emit_mapping("kLowercase", "Rust char::to_lowercase (full mapping)", data["lowercase"], 3),
        emit_classes("kCombiningClasses", data["combining_classes"]),
        emit_flat_mapping(
            "kCompatDecompositions",
            "Full compatibility decompositions (NFKD of one character), Hangul excluded",
            data["compat_decompositions"],
        ),
        emit_compositions("kCompositions", data["compositions"]),
        emit_values(
            "kGraphemeBreaks",
            "Grapheme_Cluster_Break (values of enum GraphemeBreak; absent = Other)",
            data["grapheme_breaks"],
        ),
        emit_ranges(
            "kExtendedPictographic", "Extended_Pictographic", data["extended_pictographic"]
        ),
    ]
    OUTPUT.write_text("\n".join(parts))
    print(f"wrote {OUTPUT.relative_to(REPO_ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
