"""Every script in bench/ runs on a fresh checkout: each is run once with tiny sizes. Nothing
here measures or asserts speed (benchmarks report ratios; tests never time anything)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fixture_catalog import REPO_ROOT

BENCH = REPO_ROOT / "bench"

RUNS = {
    "bench_audio.py": ["--calls", "1", "--durations", "1", "--no-optimum"],
    "bench_audio_features.py": ["--calls", "1", "--durations", "1"],
    "bench_pipeline_latency.py": ["--calls", "2", "--models", "bert-text-classification"],
    "bench_projection.py": ["--layers", "2", "--sequence-length", "8", "--repeats", "1"],
    "bench_tokenizer_throughput.py": ["--rounds", "1", "--warmup", "0", "--only", "wordlevel"],
    "bench_vision.py": ["--calls", "1", "--batches", "1", "2", "--no-optimum"],
    "bench_zero_shot.py": ["--calls", "1", "--labels", "2"],
}


def test_every_benchmark_has_a_smoke_run() -> None:
    assert sorted(RUNS) == sorted(p.name for p in BENCH.glob("bench_*.py"))


@pytest.mark.parametrize("script", sorted(RUNS))
def test_benchmark_runs(script: str) -> None:
    result = subprocess.run(
        [sys.executable, str(BENCH / script), *RUNS[script]],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), "the benchmark printed nothing"
