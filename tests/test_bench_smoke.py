"""Every script in bench/ runs on a fresh checkout: each is run once with tiny sizes. Nothing
here measures or asserts speed (benchmarks report ratios; tests never time anything)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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


def test_suite_quick_run_writes_its_tables(tmp_path: Path) -> None:
    """bench/suite.py --quick (one tiny text classifier, two packages, one thread) writes the
    markdown and JSON tables with a number in every cell that must be measurable: native,
    native C++, PyTorch and raw ORT on both packages, Optimum on the dynamic one; and the
    shape-bucket section (latency per input length, RSS per package)."""
    out = tmp_path / "out"
    command = [sys.executable, str(BENCH / "suite.py"), "--quick", "--out", str(out)]
    command += ["--cache", str(tmp_path / "cache")]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((out / "results.json").read_text())
    rows = report["rows"]
    assert {(r["variant"], r["metric"]) for r in rows} == {
        (v, m) for v in ("default", "dynamic") for m in ("latency_ms", "items_per_s")
    }
    for row in rows:
        assert row["task"] == "text-classification"
        sides = ["native", "pytorch", "ort"] + (
            ["native_cpp"] if row["metric"] == "latency_ms" else []
        )
        if (
            row["variant"] == "dynamic"
            and (REPO_ROOT / ".venv-optimum" / "bin" / "python").exists()
        ):
            sides.append("optimum")
        for side in sides:
            assert isinstance(row[side], float) and row[side] > 0, (side, row)
    table = (out / "results.md").read_text()
    assert table.startswith("Benchmark suite") and "| text-classification | dynamic | 1 |" in table
    assert len(report["goals"]) == 7 and table.count("- ") >= 7
    # The shape-bucket section (the tiny classifier in a quick run): a latency for every length
    # and package, and the RSS of each package from its own process.
    buckets = report["buckets"]
    assert buckets["model"] == "bert-text-classification" and len(buckets["buckets"]) > 1
    for kind in ("default", "dynamic", "fixed"):
        times = [buckets["latency_ms"][kind][str(n)] for n in buckets["lengths"]]
        assert all(isinstance(t, float) and t > 0 for t in times), (kind, times)
        memory = buckets["rss"][kind]
        assert memory["rss_mib"] > memory["baseline_mib"] > 0, (kind, memory)
    assert buckets["rss"]["default"]["graphs"] == len(buckets["buckets"])
    assert "| 17 |" in table and "bucketed package within 1.2x" in table
