"""Audio the audio tests share: real speech from Debian (asterisk-core-sounds-en-wav: 8 kHz
prompts whose names are their transcripts; alsa-utils: 48 kHz voice samples) and generated
tones, noise, silence and clipped signals, plus the reference's view of each input: what
transformers' pipeline gets when it is given the same audio (it decodes files with ffmpeg,
which is not installed here: libsndfile through soundfile and python-soxr at "HQ" stand in,
the same libraries the native decoder uses, bit-identical per tests/test_audio_decode.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

ASTERISK = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ALSA = Path("/usr/share/sounds/alsa")
MODEL_RATE = 16_000

SPEECH_FILES = (
    ASTERISK / "all-circuits-busy-now.wav",
    ASTERISK / "agent-pass.wav",
    ASTERISK / "conf-onlyperson.wav",
    ALSA / "Front_Center.wav",
)


def as_model_input(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mono float32 at MODEL_RATE, as the native pipeline prepares the same audio."""
    import soxr

    mono = samples if samples.ndim == 1 else samples.mean(axis=0, dtype=np.float32)
    if rate != MODEL_RATE:
        mono = soxr.resample(mono, rate, MODEL_RATE, quality="HQ")
    return np.ascontiguousarray(mono, dtype=np.float32)


def read_file(path: Path) -> tuple[np.ndarray, int]:
    """(samples as (channels, frames) or (frames,), rate) as libsndfile decodes the file."""
    import soundfile

    data, rate = soundfile.read(path, dtype="float32", always_2d=True)
    return (data[:, 0] if data.shape[1] == 1 else data.T.copy()), rate


def generated_clips() -> dict[str, np.ndarray]:
    """Signals at MODEL_RATE of several lengths: a tone, white noise, silence, a clipped square
    wave and a short chirp."""
    rng = np.random.default_rng(7)
    t = np.arange(int(1.3 * MODEL_RATE)) / MODEL_RATE
    return {
        "tone": (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
        "noise": rng.normal(0, 0.2, int(0.7 * MODEL_RATE)).astype(np.float32),
        "silence": np.zeros(MODEL_RATE // 2, dtype=np.float32),
        "clipped": np.clip(3 * np.sign(np.sin(2 * np.pi * 150 * t[:9000])), -1, 1).astype(
            np.float32
        ),
        "chirp": (0.3 * np.sin(2 * np.pi * (100 + 2000 * t[:4000]) * t[:4000])).astype(np.float32),
    }


def long_speech(seconds: float) -> np.ndarray:
    """Asterisk prompts one after another at MODEL_RATE, cut to `seconds` (chunking tests)."""
    pieces = []
    total = 0
    for path in sorted(ASTERISK.glob("*.wav")):
        samples, rate = read_file(path)
        piece = as_model_input(samples, rate)
        pieces.append(piece)
        total += piece.size
        if total >= seconds * MODEL_RATE:
            break
    return np.concatenate(pieces)[: int(seconds * MODEL_RATE)]
