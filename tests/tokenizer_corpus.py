"""Deterministic tokenizer test corpora built from pinned sources only.

Shared by the tokenizer parity tests, the tokenizer fixture generator (training text), the
tokenizer fuzz seeds and the throughput benchmark. Stdlib only, so scripts can import it
without pytest.

Natural text comes from two PyPI wheels pinned by version and sha256 (SOURCES), never from
what happens to be installed on the machine: Django (licences, English UI strings, its Python
sources, and translated messages of ~100 languages in its gettext catalogs) and Faker (names,
addresses and words of ~80 locales in its provider sources). They are downloaded once with pip
into a cache (``<repo>/.cache/corpus-sources``, ``$MODELEXPORT_CORPUS_SOURCES`` overrides) and
read as zip archives, so the same bytes give the same corpus on every machine.

* build_corpus(): the WordPiece parity corpus (11k lines: half natural text, half generated
  Unicode edge cases).
* build_multilingual_corpus(): the bigger corpus run through every fixture tokenizer (24k
  lines): natural text plus translations, multilingual provider data and more generated edge
  cases (ZWJ emoji sequences, combining stacks, bidi text, noncharacters, long runs without
  spaces, special-token look-alikes of every tokenizer family, byte-fallback triggers).
* training_text(): natural text to train the fixture tokenizers on.

Lines never contain "\\n" (they travel newline-separated); never split them with
str.splitlines(), which also splits on \\r, \\x0b, \\x1c, \\x85, \\u2028...
"""

from __future__ import annotations

import hashlib
import os
import random
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

SEED: Final = 20260622
CORPUS_LINES: Final = 11_000
MULTILINGUAL_LINES: Final = 24_000
NATURAL_LIMIT: Final = 600  # characters

# --- pinned sources ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    requirement: str  # what pip downloads
    filename: str
    sha256: str


SOURCES: Final = {
    "django": Source(
        "Django==5.2.8",
        "django-5.2.8-py3-none-any.whl",
        "37e687f7bd73ddf043e2b6b97cfe02fcbb11f2dbb3adccc6a2b18c6daa054d7f",
    ),
    "faker": Source(
        "Faker==37.12.0",
        "faker-37.12.0-py3-none-any.whl",
        "afe7ccc038da92f2fbae30d8e16d19d91e92e242f8401ce9caf44de892bab4c4",
    ),
}
SOURCES_ENV: Final = "MODELEXPORT_CORPUS_SOURCES"


def sources_dir() -> Path:
    env = os.environ.get(SOURCES_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[1] / ".cache" / "corpus-sources"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_path(name: str) -> Path:
    """The pinned archive `name`, downloaded with pip on first use and checked by its hash."""
    source = SOURCES[name]
    path = sources_dir() / source.filename
    if path.is_file() and _sha256(path) == source.sha256:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--only-binary=:all:", "--dest", tmp, source.requirement]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        downloaded = Path(tmp) / source.filename
        digest = _sha256(downloaded) if downloaded.is_file() else "missing"
        if digest != source.sha256:
            raise RuntimeError(f"{source.filename}: sha256 {digest}, expected {source.sha256}")
        downloaded.replace(path)
    return path


@cache
def _members(name: str) -> dict[str, bytes]:
    """Every file of the archive `name`, by member name."""
    with zipfile.ZipFile(source_path(name)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _texts(name: str, select: Callable[[str], bool]) -> list[tuple[str, str]]:
    """(member, UTF-8 text) of the members of `name` that `select` accepts, sorted by member."""
    members = _members(name)
    return [
        (member, members[member].decode("utf-8", errors="replace"))
        for member in sorted(members)
        if select(member)
    ]


def _clean(line: str) -> str:
    """Lines travel newline-separated: no newline inside; tabs only where a test wants them."""
    return line.replace("\n", " ")


def _is_licence(member: str) -> bool:
    base = member.rsplit("/", 1)[-1].lower()
    return base.startswith("license") and not base.endswith((".py", ".js", ".css"))


def natural_text(rng: random.Random) -> list[str]:
    """English natural text, code and UI strings from the pinned sources."""
    lines: list[str] = []
    for _, text in _texts("django", _is_licence) + _texts("faker", _is_licence):
        paragraph: list[str] = []
        for raw in text.split("\n"):
            raw = raw.strip()
            if raw:
                lines.append(raw)
                paragraph.append(raw)
            elif paragraph:
                lines.append(" ".join(paragraph))  # long lines for truncation
                paragraph = []
    # English UI strings: the original messages of Django's German catalogs.
    for member, data in sorted(_members("django").items()):
        if "/locale/de/LC_MESSAGES/" in member and member.endswith(".mo"):
            lines.extend(read_mo(data, originals=True))
    sources = _texts("django", lambda m: m.endswith(".py"))
    for _, text in rng.sample(sources, 40):
        lines.extend(raw.strip() for raw in text.split("\n") if raw.strip())
    return [_clean(line) for line in lines if line]


# Pieces for generated edge cases.
ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÉÎÕÜŚŻźžčřůőűłđğışİĞŞÅØÆæœßẞǅǈǋ"
COMBINING = [chr(c) for c in (*range(0x300, 0x370), 0x1AB0, 0x1DC0, 0x20D0, 0x302A, 0x0E48)]
CJK = "你好世界中文字符漢字日本語の文章です한국어텍스트｢｣、。龍龘𠀀𠀁𪚲𫝀𬺰𰀀𱍐丽丸乁"
EMOJI = [
    "😀",
    "👍🏽",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "🇫🇷",
    "❤️",
    "🧑🏿‍💻",
    "©️",
    "1️⃣",
    "🫠",
    "🥺",
    "🩰",
]
RTL = [
    "مرحبا بالعالم",
    "اَلسَّلَامُ عَلَيْكُمْ",
    "שָׁלוֹם עוֹלָם",
    "עברית",
    "‏مرحبا‎",
    "۱۲۳٤٥",
]
CONTROLS = [chr(c) for c in (0, 1, 7, 8, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x7F, 0x80, 0x85, 0x9F)]
FORMAT = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\ufeff", "\u00ad", "\u061c"]
FORMAT += ["\u202a", "\u202e", "\u2066", "\u2069", "\U000e0001", "\U000e0041", "\u180e"]
FORMAT += ["\u0600", "\u08e2", "\u0890", "\U000110cd", "\U00013430", "\U00013439"]
SPACES = ["\u00a0", "\u3000", "\u2000", "\u2003", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f"]
SPACES += ["\u1680", "\t", " ", "  ", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]
PRIVATE = ["\ue000", "\uf8ff", "\U000f0000", "\U0010fffd", "\U00100000"]
SPECIAL = ["[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[mask]", "[MAS", "[[MASK]]", "[CLS][SEP]"]
PUNCT = list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~¡¿«»‘’“”„‹›–—…·•§¶†‡※⁂、。・")  # noqa: RUF001
PUNCT += [
    "\u2e4f",
    "\u2e52",
    "\u166d",
    "\U000111c9",
    "\u0f14",
    "\U0001e95e",
    "\u055d",
    "\U00011944",
]
SCRIPTS = [
    "Ελληνικά κείμενα ΣΊΣΥΦΟΣ ς",
    "Русский текст Ёжик",
    "हिन्दी भाषा का पाठ",
    "ภาษาไทยสวัสดี",
    "ქართული",
    "Հայերեն",
    "አማርኛ",
    "ᏣᎳᎩ",
    "ܐܪܡܝܐ",
    "ࡠࡡࡢ",
    "𐌰𐌱𐌲",
    "Ꭰꭰ",
    "ꟊꟋ",
    "𞤀𞤢",
    "𑤸𑤰",
    "ﬁﬂ ｆｕｌｌｗｉｄｔｈ",  # noqa: RUF001
    "①②③ Ⅻ ½ ² ∑∫≈",
    "Ǆǅǆ İstanbul DİYARBAKIR",
    "𝐀𝐁𝐂 𝔄𝔅",  # noqa: RUF001
]
WORDS = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "don't",
    "it's",
    "we've",
    "they're",
    "naïve",
    "café",
]


def random_code_point(rng: random.Random) -> str:
    while True:
        c = rng.choice(
            [
                rng.randrange(0x20, 0x250),
                rng.randrange(0x250, 0x3000),
                rng.randrange(0x3000, 0x10000),
                rng.randrange(0x10000, 0x110000),
            ]
        )
        if not 0xD800 <= c <= 0xDFFF and c != 0x0A:
            return chr(c)


def edge_case(rng: random.Random) -> str:
    kind = rng.randrange(14)
    parts: list[str] = []
    for _ in range(rng.randint(1, 12)):
        pick = rng.randrange(16) if kind == 0 else rng.choice([kind, kind, rng.randrange(16)])
        if pick == 1:
            word = rng.choice(WORDS)
            parts.append("".join(rng.choice(COMBINING) if rng.random() < 0.3 else c for c in word))
        elif pick == 2:
            base = rng.choice("aeiouAEIOUnc")
            parts.append(base + "".join(rng.choice(COMBINING) for _ in range(rng.randint(1, 4))))
        elif pick == 3:
            parts.append("".join(rng.choice(CJK) for _ in range(rng.randint(1, 6))))
        elif pick == 4:
            parts.append("".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 3))))
        elif pick == 5:
            parts.append(rng.choice(RTL))
        elif pick == 6:
            parts.append(rng.choice(WORDS) + rng.choice(CONTROLS) + rng.choice(WORDS))
        elif pick == 7:
            parts.append(rng.choice(FORMAT).join(rng.sample(WORDS, 2)))
        elif pick == 8:
            parts.append(rng.choice(PRIVATE) + rng.choice(WORDS))
        elif pick == 9:
            n = rng.choice([99, 100, 101, 150, 300])
            parts.append("".join(rng.choice("abcdefghij") for _ in range(n)))
        elif pick == 10:
            parts.append(rng.choice(PUNCT) * rng.randint(1, 8))
        elif pick == 11:
            sep = "" if rng.random() < 0.5 else " "
            parts.append(rng.choice(WORDS) + sep + rng.choice(SPECIAL) + sep + rng.choice(WORDS))
        elif pick == 12:
            parts.append(rng.choice(SPACES) * rng.randint(1, 3))
        elif pick == 13:
            parts.append(rng.choice(SCRIPTS))
        elif pick == 14:
            parts.append("".join(rng.choice(ACCENTED) for _ in range(rng.randint(1, 8))))
        else:
            parts.append("".join(random_code_point(rng) for _ in range(rng.randint(1, 5))))
    joiner = rng.choice([" ", " ", " ", "", rng.choice(SPACES)])
    return _clean(joiner.join(parts))


def build_corpus(lines: int = CORPUS_LINES) -> list[str]:
    """The WordPiece parity corpus: half natural text, half generated edge cases."""
    rng = random.Random(SEED)
    found = natural_text(rng)
    rng.shuffle(found)
    natural = found[: lines // 2]
    generated = [edge_case(rng) for _ in range(lines - len(natural))]
    generated += ["", " ", "\t", "\x00", "[CLS]", "[SEP] [SEP]", "[MASK]" * 3, "\ufffd", "İ"]
    corpus = natural + generated
    rng.shuffle(corpus)
    return corpus


# --- more natural text: translations, tutors, CJK samples ----------------------------------------


def read_mo(data: bytes, originals: bool = False) -> list[str]:
    """The translated strings of a gettext catalog (GNU .mo), or with `originals` its source
    messages; plural forms split apart."""
    if len(data) < 28:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">" if magic == 0xDE120495 else ""
    if not order:
        return []
    count, originals_at, translations_at = struct.unpack(order + "III", data[8:20])
    table = originals_at if originals else translations_at
    out: list[str] = []
    for i in range(1, count):  # entry 0 is the catalog header
        length, offset = struct.unpack(order + "II", data[table + 8 * i :][:8])
        raw = data[offset : offset + length].decode("utf-8", errors="replace")
        out.extend(part for part in raw.split("\x00") if part.strip())
    return out


def translations(rng: random.Random, per_catalog: int) -> list[str]:
    """Up to `per_catalog` translated messages of every gettext catalog of Django."""
    lines: list[str] = []
    for member, data in sorted(_members("django").items()):
        if not member.endswith(".mo"):
            continue
        try:
            messages = read_mo(data)
        except struct.error:
            continue
        lines.extend(rng.sample(messages, min(per_catalog, len(messages))))
    return [_clean(line.strip()) for line in lines]


def locale_data() -> list[str]:
    """Faker's locale data (names, addresses, words, dates of ~80 locales, all scripts): the
    lines of its provider sources that hold non-ASCII text."""
    lines: list[str] = []
    providers = _texts("faker", lambda m: m.startswith("faker/providers/") and m.endswith(".py"))
    for _, text in providers:
        lines.extend(raw.strip() for raw in text.split("\n") if not raw.isascii() and raw.strip())
    return [_clean(line) for line in lines]


# --- more generated edge cases -------------------------------------------------------------------

ZWJ_SEQUENCES: Final = [
    "👩‍❤️‍💋‍👨",
    "👨🏻‍🤝‍👨🏿",
    "🏴‍☠️",
    "🧔🏽‍♀️",
    "👁️‍🗨️",
    "🐻‍❄️",
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",  # tag sequence
    "#️⃣",
    "☺︎",  # text presentation selector
    "🇯🇵🇺🇸🇩🇪",
    "👋🏼👋🏾",
]
BIDI: Final = [
    "abc \u202bعربي\u202c def",
    "\u2067שלום\u2069 world 123",  # noqa: RUF001
    "العدد 42 هو الجواب",
    "עם 3.14 ו-2,718",  # noqa: RUF001
    "\u200fטקסט\u200e mixed",  # noqa: RUF001
    "فارسی‌نویسی",  # ZWNJ inside Persian
    "ܫܠܡܐ ܥܠܡܐ",
    "ދިވެހި",
]
LOOKALIKES: Final = [
    "<s>",
    "</s>",
    "<pad>",
    "<unk>",
    "<mask>",
    "<|endoftext|>",
    "<|begin_of_text|>",
    "<|im_start|>",
    "<|im_end|>",
    "<extra_id_0>",
    "<extra_id_99>",
    "[CLS]",
    "[MASK]",
    "<0x41>",
    "<0xFF>",
    "▁",
    "▁▁hello",
    "Ġthe",
    "Ċ",
    "##ing",
    "</w>",
    "<s><s>",
    "< s >",
    "<mask><mask>",
    "<|endoftext|><|endoftext|>",
    "[UNK]",
    "<|im_start|>user",
    "<|im_end|>",
    "<sep>",
    "[SINGLE]",
    "hello world",
    "Hello World",
    "New York",
    "new york",
    "C++",
    "C++x",
    "@@",
    "🤗",
    "\ufb01",
    "don't",
]
NUMBERS: Final = [
    "1,234,567.89",
    "3.14e-10",
    "0x1F",
    "2026-06-22T12:00:00Z",
    "١٢٣٤٥",
    "०१२३",
    "１２３４",  # noqa: RUF001
    "½¾",
    "1st 2nd 3rd",
    "9999999999999999999999",
    "v1.2.3-rc.4",
    "$100 €20 ¥3",
]
NORMALIZATION: Final = [
    "e\u0301",
    "\u00e9",
    "\u212b",  # ANGSTROM SIGN
    "\u212a",  # KELVIN SIGN
    "\ufb03",  # ffi ligature
    "\u1100\u1161\u11a8",  # conjoining jamo
    "\uac01",
    "ß ẞ SS",
    "İi Iı",  # noqa: RUF001
    "ΣΑΣ σας",
    "\u2126",  # OHM SIGN
    "x\u0323\u0307",
    "\u1e9b\u0323",
    "\u0958",  # composition exclusion
    "\u2460\u2461",
    "\u3300",
    "\uff76\uff9e",  # halfwidth katakana + voiced mark
    "``quoted''",
    "„Zitat“ «citation» ‹›",  # noqa: RUF001
    "\u2024\u2025\u2026",
]
CODE: Final = [
    "def f(x):  return x**2  # square",
    "for (int i = 0; i < n; ++i) { a[i] += b[i]; }",
    "https://example.org/path?q=1&r=%20#frag",
    "user.name+tag@example.com",
    "SELECT * FROM t WHERE id IN (1, 2, 3);",
    "I'M you'LL we'D it's don't 'quoted' ''",
    "    indented    with    spaces   ",
    "snake_case camelCase PascalCase SCREAMING_CASE kebab-case",
]
NONCHARACTERS: Final = ["\ufffe", "\uffff", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"]


def long_run(rng: random.Random) -> str:
    """A long run without spaces, in one script or alternating scripts."""
    n = rng.choice([100, 200, 512, 1000])
    alphabets = ["abcdefghij", CJK[:20], "กขคงจฉชซ", "абвгдеж", "0123456789", "!?.,;:", "😀🫠🥺"]
    if rng.random() < 0.5:
        alphabet = rng.choice(alphabets)
        return "".join(rng.choice(alphabet) for _ in range(n))
    return "".join(rng.choice(rng.choice(alphabets)) for _ in range(n))


def extra_edge_case(rng: random.Random) -> str:
    kind = rng.randrange(12)
    parts: list[str] = []
    for _ in range(rng.randint(1, 8)):
        pick = kind if rng.random() < 0.6 else rng.randrange(12)
        if pick == 0:
            parts.append("".join(rng.choice(ZWJ_SEQUENCES) for _ in range(rng.randint(1, 3))))
        elif pick == 1:  # combining stacks
            base = rng.choice("aoZ漢ก")
            parts.append(base + "".join(rng.choice(COMBINING) for _ in range(rng.randint(5, 30))))
        elif pick == 2:
            parts.append(rng.choice(BIDI))
        elif pick == 3:
            sep = rng.choice(["", " ", "  ", "\t"])
            parts.append(rng.choice(WORDS) + sep + rng.choice(LOOKALIKES) + sep)
        elif pick == 4:
            parts.append(rng.choice(NUMBERS))
        elif pick == 5:
            parts.append(rng.choice(NORMALIZATION))
        elif pick == 6:
            parts.append(rng.choice(CODE))
        elif pick == 7:
            parts.append(rng.choice(NONCHARACTERS + PRIVATE + CONTROLS) + rng.choice(WORDS))
        elif pick == 8:
            parts.append(long_run(rng) if rng.random() < 0.3 else long_run(rng)[:60])
        elif pick == 9:  # rare code points: unknown to every vocabulary (byte fallback, <unk>)
            parts.append("".join(random_code_point(rng) for _ in range(rng.randint(1, 8))))
        elif pick == 10:  # whitespace at the ends and in runs
            parts.append(rng.choice(SPACES) * rng.randint(1, 6) + rng.choice(WORDS))
        else:
            parts.append(rng.choice(SCRIPTS) + rng.choice(["", " "]) + rng.choice(SCRIPTS))
    joiner = rng.choice([" ", " ", "", "  ", rng.choice(SPACES)])
    return _clean(joiner.join(parts))


FIXED_LINES: Final = [
    "",
    " ",
    "  ",
    "\t",
    "\x00",
    "\ufffd",
    "▁",
    " leading",
    "trailing ",
    "  both  ",
    "<s>",
    "</s> </s>",
    "<mask>",
    " <mask>",
    "<mask> ",
    "<|endoftext|>",
    "Hello<|endoftext|>World",
    "[CLS] [SEP] [MASK]",
    "<extra_id_0> x <extra_id_1>",
    "a" * 5000,
    "😀" * 300,
]


def shorten(line: str, limit: int) -> str:
    """`line` cut to at most `limit` characters, at a space where there is one."""
    if len(line) <= limit:
        return line
    cut = line.rfind(" ", limit // 2, limit)
    return line[: cut if cut > 0 else limit]


def build_multilingual_corpus(lines: int = MULTILINGUAL_LINES) -> list[str]:
    """Natural text in many languages and scripts (60%) and generated edge cases (40%).

    Lines are at most NATURAL_LIMIT characters but for a few: every fixture tokenizer encodes
    all of it in the parity test, and the time goes with the number of tokens."""
    rng = random.Random(SEED + 1)
    natural = natural_text(rng)
    rng.shuffle(natural)
    natural = natural[: lines // 4]
    messages = translations(rng, per_catalog=12)
    rng.shuffle(messages)
    natural += messages[: lines // 4]
    locales = locale_data()
    natural += rng.sample(locales, min(len(locales), lines // 10))
    natural = [shorten(line, NATURAL_LIMIT) for line in natural]
    generated = [edge_case(rng) for _ in range((lines - len(natural)) // 2)]
    generated += [extra_edge_case(rng) for _ in range(lines - len(natural) - len(generated))]
    corpus = natural + generated + FIXED_LINES
    rng.shuffle(corpus)
    return corpus


def training_text() -> list[str]:
    """Natural text to train fixture tokenizers: every source above, shuffled, so that any
    prefix is a mix of all of them."""
    rng = random.Random(SEED + 2)
    text = natural_text(rng) + translations(rng, per_catalog=60) + locale_data()
    for name in SOURCES:
        for _, source in _texts(name, lambda m: m.endswith(".py")):
            text.extend(raw.rstrip() for raw in source.split("\n") if raw.strip())
    rng.shuffle(text)
    return text


def write_lines(path: Path, lines: Iterable[str]) -> None:
    """Writes newline-terminated lines (UTF-8; lone surrogates cannot occur in our corpora)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f"{path.suffix}.{os.getpid()}.tmp")
    tmp.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))
    tmp.replace(path)


def read_lines(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8")
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")


if __name__ == "__main__":  # python tests/tokenizer_corpus.py [OUT]: write the big corpus
    lines = build_multilingual_corpus()
    if len(sys.argv) > 1:
        write_lines(Path(sys.argv[1]), lines)
    print(f"{len(lines)} lines, {sum(len(x.encode()) for x in lines)} bytes")
