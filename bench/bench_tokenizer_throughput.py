"""Benchmark (not a test): tokenizer throughput, native C++ against Hugging Face tokenizers.

Both sides encode the same corpus (the multilingual parity corpus, .cache/tokenizers/corpus.txt)
with the same tokenizer.json, in one batch, on ONE thread, truncation and padding off:
  native  - Tokenizer::encode_batch in build/modelexport-bench-tokenizer
  hf      - tokenizers.Tokenizer.encode_batch, in a subprocess started with RAYON_NUM_THREADS=1
            and TOKENIZERS_PARALLELISM=false (they must be set before tokenizers is imported)
The machine this runs on is shared and its speed drifts, so the two sides alternate: each of
--rounds rounds runs native then hf (each loads, warms up and times --repeat passes), and the
ratio native/hf is taken per round from the medians. The table shows the median bytes/s of
each side over all timed passes and the median of the per-round ratios (with their range).
Tokenizers the native side cannot load are listed as such. Writes
build/reports/tokenizer_throughput.json (--out).

    .venv/bin/python bench/bench_tokenizer_throughput.py [--rounds 5] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import make_tokenizer_fixtures as fixtures  # noqa: E402

# WordPiece, byte-level BPE and Unigram first: the families the comparison is about.
DEFAULT = (
    "wordpiece-minilm",
    "bpe-gpt2",
    "unigram-xlmr",
    "bpe-llama3",
    "llama-metaspace",
    "unigram-t5",
    "unigram-albert",
    "wordlevel",
)

# Runs in a fresh interpreter so that the thread settings apply before tokenizers loads.
HF_SCRIPT = """
import json, statistics, sys, time
from tokenizers import Tokenizer
path, corpus, warmup, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
text = open(corpus, "rb").read().decode("utf-8")
lines = text.split("\\n")[:-1] if text.endswith("\\n") else text.split("\\n")
tok = Tokenizer.from_file(path)
tok.no_truncation()
tok.no_padding()
for _ in range(warmup):
    tok.encode_batch(lines)
seconds = []
for _ in range(repeat):
    start = time.perf_counter()
    encodings = tok.encode_batch(lines)
    seconds.append(time.perf_counter() - start)
print(json.dumps({"seconds": seconds, "tokens": sum(len(e.ids) for e in encodings)}))
"""


def native_bin() -> Path:
    default = REPO / "build" / "modelexport-bench-tokenizer"
    return Path(os.environ.get("MODELEXPORT_BENCH_TOKENIZER_BIN", default))


def run_native(tokenizer: Path, corpus: Path, warmup: int, repeat: int) -> dict[str, Any]:
    cmd = [str(native_bin()), str(tokenizer), str(corpus)]
    cmd += ["--warmup", str(warmup), "--repeat", str(repeat)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr else "failed"}
    return json.loads(result.stdout)


def run_hf(tokenizer: Path, corpus: Path, warmup: int, repeat: int) -> dict[str, Any]:
    env = dict(os.environ, RAYON_NUM_THREADS="1", TOKENIZERS_PARALLELISM="false")
    cmd = [sys.executable, "-c", HF_SCRIPT, str(tokenizer), str(corpus), str(warmup), str(repeat)]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
    return json.loads(result.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternations of native and hf")
    parser.add_argument("--repeat", type=int, default=1, help="timed passes per side and round")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--only", nargs="+", choices=fixtures.FIXTURE_NAMES, default=DEFAULT)
    parser.add_argument("--all", action="store_true", help="every fixture tokenizer")
    parser.add_argument(
        "--out", type=Path, default=REPO / "build" / "reports" / "tokenizer_throughput.json"
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.repeat < 1:
        parser.error("--rounds and --repeat must be at least 1")

    if not native_bin().exists():
        sys.exit(f"{native_bin()} not built (MODELEXPORT_BENCH_TOKENIZER_BIN overrides)")
    out_dir = fixtures.default_out()
    fixtures.build(out_dir)
    corpus = out_dir / fixtures.CORPUS_FILE
    size = corpus.stat().st_size
    names = fixtures.FIXTURE_NAMES if args.all else args.only

    rows: list[dict[str, Any]] = []
    print(
        f"corpus: {corpus} ({size / 1e6:.1f} MB), {args.rounds} rounds of warm-up {args.warmup}"
        f" + {args.repeat} timed pass(es) per side"
    )
    print(
        f"{'tokenizer':<18} {'native MB/s':>12} {'hf MB/s':>10} {'native/hf':>10}"
        f" {'(min-max)':>11}  tokens"
    )
    for name in names:
        path = out_dir / name / "tokenizer.json"
        started = time.perf_counter()
        native_seconds: list[float] = []
        hf_seconds: list[float] = []
        ratios: list[float] = []
        native: dict[str, Any] = {}
        hf: dict[str, Any] = {}
        for _ in range(args.rounds):
            native = run_native(path, corpus, args.warmup, args.repeat)
            if "error" in native:
                break
            hf = run_hf(path, corpus, args.warmup, args.repeat)
            native_seconds += native["seconds"]
            hf_seconds += hf["seconds"]
            ratios.append(statistics.median(hf["seconds"]) / statistics.median(native["seconds"]))
        row: dict[str, Any] = {"tokenizer": name, "bytes": size}
        if "error" in native:
            row["native"] = native
            print(f"{name:<18} {'-':>12} {'-':>10} {'-':>10} {'':>11}  {native['error']}")
            rows.append(row)
            continue
        for side, seconds in (("native", native_seconds), ("hf", hf_seconds)):
            row[side] = {
                "seconds": seconds,
                "bytes_per_s_median": size / statistics.median(seconds),
                "bytes_per_s_best": size / min(seconds),
            }
        row["native"]["tokens"] = native["tokens"]
        row["hf"]["tokens"] = hf["tokens"]
        row["ratios_per_round"] = ratios
        row["ratio_native_over_hf"] = statistics.median(ratios)
        same = "same" if native["tokens"] == hf["tokens"] else "DIFFERENT"
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        print(
            f"{name:<18} {row['native']['bytes_per_s_median'] / 1e6:>12.2f} "
            f"{row['hf']['bytes_per_s_median'] / 1e6:>10.2f} {row['ratio_native_over_hf']:>10.2f}"
            f" {spread:>11}  {same} ({time.perf_counter() - started:.0f}s)"
        )
        rows.append(row)

    report = {
        "corpus": str(corpus),
        "bytes": size,
        "threads": 1,
        "rounds": args.rounds,
        "warmup": args.warmup,
        "repeat": args.repeat,
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor(),
            "cpus": os.cpu_count(),
        },
        "results": rows,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
