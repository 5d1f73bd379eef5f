"""Writes the seed corpus of cpp/fuzz/audio_decode_fuzz.cpp: short clips (a few hundred bytes to
a few KB each) in every format and sample type the decoder reads, written by libsndfile (the
soundfile package), so that the fuzzer starts past each format's header checks. The target
resamples inputs whose first byte is odd: OGG ('O') and MP3 with an ID3 tag ('I') take that
path from the start; mutations of the others reach it too.
Usage: make_audio_fuzz_seeds.py OUT_DIR"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import soundfile


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    t = np.arange(800) / 8000.0
    tone = (0.5 * np.sin(2 * np.pi * 440.0 * t)).astype(np.float32)
    stereo = np.stack([tone, rng.uniform(-0.3, 0.3, tone.shape).astype(np.float32)], axis=1)
    seeds = {
        "pcm_u8.wav": (tone, 8000, "WAV", "PCM_U8"),
        "pcm_16.wav": (tone, 8000, "WAV", "PCM_16"),
        "pcm_24.wav": (stereo, 16000, "WAV", "PCM_24"),
        "pcm_32.wav": (tone, 22050, "WAV", "PCM_32"),
        "float.wav": (stereo, 48000, "WAV", "FLOAT"),
        "double.wav": (tone, 44100, "WAV", "DOUBLE"),
        "ulaw.wav": (tone, 8000, "WAV", "ULAW"),
        "pcm_16.aiff": (stereo, 8000, "AIFF", "PCM_16"),
        "pcm_16.flac": (tone, 8000, "FLAC", "PCM_16"),
        "pcm_24.flac": (stereo, 16000, "FLAC", "PCM_24"),
        "vorbis.ogg": (stereo, 16000, "OGG", "VORBIS"),
        "opus.ogg": (tone, 48000, "OGG", "OPUS"),
        "mp3.mp3": (tone, 16000, "MP3", "MPEG_LAYER_III"),
    }
    for name, (samples, rate, fmt, subtype) in seeds.items():
        soundfile.write(out / name, samples, rate, format=fmt, subtype=subtype)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
