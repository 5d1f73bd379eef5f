"""Benchmark (not a test): audio feature extraction, native C++ against transformers.

Both sides compute the same features from the same float32 clip (16 kHz white noise plus a tone),
on ONE thread (torch.set_num_threads(1), OMP/MKL/OpenBLAS threads 1, set before the imports):
  native        - _native.extract_audio_features (parses the config each call, as a pipeline
                  call that builds its extractor would not; the parse is microseconds)
  transformers  - the feature extractor's __call__(clip, sampling_rate=16000, return_tensors="np")
Extractors: Whisper log-mel (80 bins, 30 s chunk; transformers' torch path), AST Kaldi fbank
(1024 frames; the numpy path, torchaudio not being installed) and Wav2Vec2 normalisation.
Clips of --durations seconds (default 1, 10 and 60). Reports the median milliseconds of --calls
timed calls after one warm-up, and transformers / native (how many times faster native is).

    .venv/bin/python bench/bench_audio_features.py [--calls 10] [--durations 1 10 60]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import partial  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

from modelexport import _native  # noqa: E402

RATE = 16000


def extractors() -> dict[str, object]:
    return {
        "whisper-log-mel": transformers.WhisperFeatureExtractor(feature_size=80),
        "ast-kaldi-fbank": transformers.ASTFeatureExtractor(),
        "wav2vec2-normalize": transformers.Wav2Vec2FeatureExtractor(),
    }


def clip(seconds: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 440.0 * t) + 0.05 * rng.standard_normal(t.size)).astype(
        np.float32
    )


def median_ms(call: Callable[[], object], calls: int) -> float:
    call()  # warm-up
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=10, help="timed calls per cell (default 10)")
    parser.add_argument(
        "--durations",
        type=float,
        nargs="+",
        default=[1.0, 10.0, 60.0],
        help="clip lengths in seconds (default 1 10 60)",
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"one thread; median of {args.calls} calls; transformers {transformers.__version__}")
    print(f"{'extractor':<20} {'clip':>6} {'native ms':>10} {'transformers ms':>16} {'ratio':>7}")
    for name, extractor in extractors().items():
        config = extractor.to_json_string()
        for seconds in args.durations:
            samples = clip(seconds)
            native = median_ms(partial(_native.extract_audio_features, config, samples), args.calls)
            reference = median_ms(
                partial(extractor, samples, sampling_rate=RATE, return_tensors="np"), args.calls
            )
            print(
                f"{name:<20} {seconds:>5g}s {native:>10.2f} {reference:>16.2f} "
                f"{reference / native:>6.1f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
