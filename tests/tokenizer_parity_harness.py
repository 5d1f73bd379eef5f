"""The parity harness shared by the tokenizer tests: the native tool (modelexport-tokenize, one
process per run reading stdin) and `tokenizers.Tokenizer` configured from the same command-line
options encode the same inputs; every printed field must be identical (the overflowing parts
included), and a failure lists the first differing lines.

The tool is found through MODELEXPORT_TOKENIZE_BIN (default: <repo>/build/modelexport-tokenize).
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

tokenizers = pytest.importorskip("tokenizers")

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_SHOWN = 3  # differing lines shown per failure
REFERENCE_CHUNK = 1024  # lines the reference encodes per encode_batch call


def tool_path() -> Path:
    default = REPO_ROOT / "build" / "modelexport-tokenize"
    return Path(os.environ.get("MODELEXPORT_TOKENIZE_BIN", default))


@dataclass(frozen=True)
class Run:
    """One invocation of the tool over part of the corpus."""

    name: str
    flags: tuple[str, ...] = ()
    pairs: bool = False
    batch_size: int = 1
    limit: int | None = None  # first N inputs (lines, or pairs of lines)
    # Only inputs up to this many characters (per sequence): a truncated pair overflows into
    # every combination of its sequences' parts, thousands for two long lines.
    max_chars: int | None = None

    def select(self, corpus: list[str], pairs: list[tuple[str, str]]) -> list:
        inputs: list = pairs if self.pairs else corpus
        if self.max_chars is not None:
            limit = self.max_chars
            if self.pairs:
                inputs = [p for p in inputs if len(p[0]) <= limit and len(p[1]) <= limit]
            else:
                inputs = [line for line in inputs if len(line) <= limit]
        return inputs[: self.limit]


def pairs_of(corpus: list[str]) -> list[tuple[str, str]]:
    """Consecutive lines as pairs (tabs, the tool's pair separator, become spaces)."""
    no_tab = [line.replace("\t", " ") for line in corpus]
    return list(zip(no_tab[0::2], no_tab[1::2], strict=False))


# --- the reference -------------------------------------------------------------------------------


@functools.cache
def options_schema() -> dict:
    """The tool's options with the tokenizers setting each stands for (--print-options): the one
    schema both sides are configured from."""
    result = subprocess.run(
        [str(tool_path()), "--print-options"], capture_output=True, text=True, check=True
    )
    schema = json.loads(result.stdout)
    schema["by_flag"] = {entry["flag"]: entry for entry in schema["options"]}
    return schema


@dataclass(frozen=True)
class CallSettings:
    """The reference's call arguments the run's flags set (schema sections encode/decode/output)."""

    add_special_tokens: bool = True
    skip_special_tokens: bool = True
    overflowing: bool = False


def configure_reference(tok, run: Run) -> CallSettings:
    """Applies the run's flags to the reference tokenizer through the tool's option schema: each
    flag sets a key of tokenizers' truncation or padding (or turns the section off), or one of
    the call's arguments."""
    schema = options_schema()
    sections: dict[str, dict | None] = {"truncation": tok.truncation, "padding": tok.padding}
    touched: set[str] = set()
    call: dict[str, bool] = {}
    flags = list(run.flags)
    while flags:
        entry = schema["by_flag"][flags.pop(0)]
        if entry["takes"] == "nothing":
            value = entry["value"]
        else:
            raw = flags.pop(0)
            if raw in entry["words"]:
                value = entry["words"][raw]
            else:
                value = raw if entry["takes"] == "choice" else int(raw)
        section, key = entry["section"], entry["key"]
        if section in sections:
            touched.add(section)
            if key is None:
                sections[section] = None
            else:
                current = sections[section]
                base = dict(schema["defaults"][section] if current is None else current)
                base[key] = value
                sections[section] = base
        elif section is not None:
            call[key] = value
    for section in touched:
        params = sections[section]
        if section == "truncation":
            if params is None:
                tok.no_truncation()
            else:
                tok.enable_truncation(
                    params["max_length"],
                    stride=params["stride"],
                    strategy=params["strategy"],
                    direction=params["direction"],
                )
        elif params is None:
            tok.no_padding()
        else:
            tok.enable_padding(**params)
    return CallSettings(**call)


def encoding_dict(tok, e, decoded: str, skip_special: bool, overflowing: bool) -> dict:
    out = {
        "ids": e.ids,
        "type_ids": e.type_ids,
        "tokens": e.tokens,
        "offsets": e.offsets,  # tuples: print as JSON arrays, converting is slow
        "special_tokens_mask": e.special_tokens_mask,
        "attention_mask": e.attention_mask,
        "word_ids": e.word_ids,
        "sequence_ids": e.sequence_ids,
        "decoded": decoded,
    }
    if overflowing and e.overflowing:
        parts = e.overflowing
        texts = tok.decode_batch([o.ids for o in parts], skip_special_tokens=skip_special)
        out["overflowing"] = [
            encoding_dict(tok, o, text, skip_special, True)
            for o, text in zip(parts, texts, strict=True)
        ]
    return out


def reference_outputs(
    tok, inputs: list, run: Run, call: CallSettings, step: int | None = None
) -> Iterator[dict]:
    """What the tool must print for `inputs`, in the tool's batches where that matters."""
    add_special = call.add_special_tokens
    skip_special = call.skip_special_tokens
    overflowing = call.overflowing
    if step is None:
        padding = tok.padding
        batch_longest = padding is not None and padding.get("length") is None
        step = run.batch_size if batch_longest else max(run.batch_size, REFERENCE_CHUNK)
    for start in range(0, len(inputs), step):
        batch = inputs[start : start + step]
        try:
            encodings = tok.encode_batch(batch, add_special_tokens=add_special)
        except Exception:  # the reference raises plain Exception for truncation errors
            if step != run.batch_size:  # not a batch of the tool: redo with the tool's batches
                yield from reference_outputs(tok, batch, run, call, run.batch_size)
                continue
            for item in batch:
                try:
                    tok.encode(*(item if run.pairs else (item,)), add_special_tokens=add_special)
                    yield {"error": "another line of the batch failed"}
                except Exception as line_error:
                    yield {"error": str(line_error)}
            continue
        texts = tok.decode_batch([e.ids for e in encodings], skip_special_tokens=skip_special)
        for e, text in zip(encodings, texts, strict=True):
            yield encoding_dict(tok, e, text, skip_special, overflowing)


# --- the tool ------------------------------------------------------------------------------------


def start_native(tokenizer_json: Path, payload: bytes, work: Path, run: Run) -> subprocess.Popen:
    binary = tool_path()
    if not binary.exists():
        pytest.fail(f"{binary} not built (set MODELEXPORT_TOKENIZE_BIN or build the project)")
    cmd = [str(binary), str(tokenizer_json), *run.flags, "--batch-size", str(run.batch_size)]
    if run.pairs:
        cmd.append("--pairs")
    (work / "in.txt").write_bytes(payload)
    with (work / "in.txt").open("rb") as fin, (work / "out.jsonl").open("wb") as fout:
        return subprocess.Popen(cmd, stdin=fin, stdout=fout, stderr=subprocess.PIPE)


def finish_native(process: subprocess.Popen, work: Path, fixture: str) -> list[str]:
    """The tool's output lines, unparsed (compared as text first: parsing is the slow part)."""
    _, stderr = process.communicate()
    message = stderr.decode(errors="replace").strip()
    lines = (work / "out.jsonl").read_bytes().decode("utf-8").split("\n")[:-1]
    if process.returncode == 1 and not lines:
        pytest.fail(f"{fixture}: the native tool cannot load it: {message}", pytrace=False)
    assert process.returncode in (0, 1), message
    if process.returncode == 1:
        assert message.startswith("modelexport-tokenize: error: "), message
    return lines


# --- comparing -----------------------------------------------------------------------------------


def _clip(value: object, width: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def describe_difference(want: dict, got: dict, path: str = "") -> str:
    """The first field that differs, compactly (a window around the first differing index)."""
    for key in sorted(set(want) | set(got)):
        w, g = want.get(key), got.get(key)
        if w == g:
            continue
        if key == "overflowing" and isinstance(w, list) and isinstance(g, list):
            if len(w) != len(g):
                return f"{path}overflowing: {len(w)} parts vs {len(g)}"
            i = next(i for i, (a, b) in enumerate(zip(w, g, strict=True)) if a != b)
            return describe_difference(w[i], g[i], f"{path}overflowing[{i}].")
        if isinstance(w, list) and isinstance(g, list):
            pos = next((j for j, (a, b) in enumerate(zip(w, g, strict=False)) if a != b), None)
            pos = min(len(w), len(g)) if pos is None else pos
            lo = max(0, pos - 2)
            return (
                f"{path}{key}[{pos}] (lengths {len(w)} vs {len(g)}): "
                f"tokenizers {_clip(w[lo : pos + 3])} native {_clip(g[lo : pos + 3])}"
            )
        return f"{path}{key}: tokenizers {_clip(w)} native {_clip(g)}"
    return "identical"


def as_tool_prints(output: dict) -> str:
    """`output` formatted like the tool's nlohmann::json dump (sorted keys, no spaces)."""
    return json.dumps(output, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def compare(label: str, inputs: list, expected: list[dict], actual: list[str]) -> list[str]:
    problems: list[str] = []
    if len(actual) != len(expected):
        problems.append(f"{label}: the tool printed {len(actual)} lines for {len(expected)}")
    differing = []
    for i, (want, got) in enumerate(zip(expected, actual, strict=False)):
        # Equal text is equal output; different text may still be the same JSON value.
        if as_tool_prints(want) != got and json.loads(as_tool_prints(want)) != json.loads(got):
            differing.append(i)
    for i in differing[:MAX_SHOWN]:
        want = json.loads(as_tool_prints(expected[i]))
        problems.append(
            f"line {i}: {describe_difference(want, json.loads(actual[i]))}\n"
            f"    input: {_clip(inputs[i], 200)}"
        )
    if differing:
        problems.insert(0, f"{label}: {len(differing)} of {len(expected)} lines differ")
    return problems


def check_parity(
    tokenizer_json: Path,
    inputs: list,
    run: Run,
    work: Path,
    label: str,
    payload: bytes | None = None,
) -> None:
    """Runs both sides on `inputs` (the tool reads `payload` if given: raw bytes) and fails the
    test on any difference."""
    if payload is None:
        lines = ["\t".join(item) for item in inputs] if run.pairs else inputs
        payload = "".join(line + "\n" for line in lines).encode("utf-8")
    process = start_native(tokenizer_json, payload, work, run)
    tok = tokenizers.Tokenizer.from_file(str(tokenizer_json))
    call = configure_reference(tok, run)
    expected = list(reference_outputs(tok, inputs, run, call))
    actual = finish_native(process, work, label)
    problems = compare(label, inputs, expected, actual)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
