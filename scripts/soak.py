#!/usr/bin/env python3
"""A bounded soak of the native runtime: mixed valid and invalid calls from several threads on
shared pipelines, in process, for a fixed time; stops by itself.

Usage::

    .venv/bin/python scripts/soak.py CLASSIFIER_PACKAGE QA_PACKAGE [--seconds 180] [--threads 8]

Checks: no crash; every valid call returns exactly what the same call returned sequentially
before the soak; every invalid call raises ValueError (never another exception); resident
memory is flat after the warm-up. Prints the RSS curve (MiB, one sample per tenth of the run)
and exits 1 when a check fails. tests/test_soak.py runs it briefly."""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEXTS = [
    "I love this café in Zürich.",
    "The weather was terrible and the train was late again.",
    "Hugging Face is based in New York City. " * 30,  # longer than the fixed length
    "",
    "東京 🚀 ünïcödé",
]
CONTEXT = "Hugging Face is a company based in New York City. Its headquarters are in DUMBO."


@dataclass
class Report:
    calls: int = 0
    invalid_calls: int = 0
    failures: list[str] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_calls(classifier_dir: str, qa_dir: str) -> tuple[list[Callable[[], Any]], list]:
    """(valid calls, invalid calls) over shared pipelines."""
    import modelexport

    classifier = modelexport.pipeline(model=classifier_dir, threads=1)
    qa = modelexport.pipeline(model=qa_dir, threads=1)
    valid: list[Callable[[], Any]] = [
        lambda: classifier(TEXTS, top_k=None),
        lambda: classifier({"text": TEXTS[0], "text_pair": TEXTS[1]}),
        lambda: classifier(TEXTS[2], top_k=2, function_to_apply="sigmoid"),
        lambda: qa(question="Where is Hugging Face?", context=CONTEXT, top_k=2),
        lambda: qa(question="What is in DUMBO?", context=CONTEXT * 20, doc_stride=16),
    ]
    invalid: list[Callable[[], Any]] = [
        lambda: classifier([TEXTS[0], 123]),
        lambda: classifier(TEXTS, function_to_apply="tanh"),
        lambda: qa(question="", context=CONTEXT),
        lambda: qa(question="Where?", context=CONTEXT, max_answer_len=0),
        lambda: qa(question="Where?", context=CONTEXT, doc_stride=10_000),
    ]
    return valid, invalid


def canonical(result: Any) -> str:
    return json.dumps(result, sort_keys=True)


def soak(classifier_dir: str, qa_dir: str, seconds: float, threads: int) -> Report:
    valid, invalid = make_calls(classifier_dir, qa_dir)
    expected = [canonical(call()) for call in valid]  # sequential reference
    report = Report()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            if rng.random() < 0.3:
                call = rng.choice(invalid)
                try:
                    call()
                    outcome = "invalid call accepted"
                except ValueError:
                    outcome = ""
                except Exception as error:
                    outcome = f"invalid call raised {type(error).__name__}: {error}"
                with lock:
                    report.invalid_calls += 1
                    if outcome:
                        report.failures.append(outcome)
            else:
                index = rng.randrange(len(valid))
                got = canonical(valid[index]())
                with lock:
                    report.calls += 1
                    if got != expected[index]:
                        report.failures.append(f"call {index} differs from the sequential result")

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    samples = 10
    for i in range(samples):
        time.sleep(max(0.0, deadline - time.monotonic()) / (samples - i))
        report.rss_mib.append(round(rss_mib(), 1))
    for thread in pool:
        thread.join()
    return report


def rss_is_flat(curve: list[float], tolerance_mib: float = 24.0) -> bool:
    """After the warm-up (the first 30% of the run), RSS grows by at most `tolerance_mib`."""
    settled = curve[len(curve) * 3 // 10 :]
    return max(settled) - settled[0] <= tolerance_mib


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("classifier", help="a text-classification package")
    parser.add_argument("qa", help="a question-answering package")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)
    report = soak(args.classifier, args.qa, args.seconds, args.threads)
    print(f"{report.calls} valid and {report.invalid_calls} invalid calls in {args.seconds:g} s")
    print("RSS MiB:", " ".join(f"{value:.0f}" for value in report.rss_mib))
    for failure in sorted(set(report.failures))[:10]:
        print("FAILED:", failure)
    flat = rss_is_flat(report.rss_mib)
    if not flat:
        print("FAILED: RSS grows after the warm-up")
    return 0 if flat and not report.failures else 1


if __name__ == "__main__":
    sys.exit(main())
