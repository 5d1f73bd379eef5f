"""Native audio decoding and resampling against the references on the same files: libsndfile
through the soundfile package for samples (every format and sample type the decoder reads,
equal within 1e-7 - they are the same library), python-soxr for resampling (the same libsoxr
at "HQ": equal within 1e-6), numpy's channel mean for the mixdown; and one-line errors for
bad input."""

from __future__ import annotations

import io
import math
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile
import soxr

from modelexport import _native

ASTERISK = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ALSA = Path("/usr/share/sounds/alsa")
SPEECH = sorted(ASTERISK.glob("*.wav"))[:12] + sorted(ALSA.glob("*.wav"))[:3]
FORMATS = {
    "pcm_u8.wav": ("WAV", "PCM_U8"),
    "pcm_16.wav": ("WAV", "PCM_16"),
    "pcm_24.wav": ("WAV", "PCM_24"),
    "pcm_32.wav": ("WAV", "PCM_32"),
    "float.wav": ("WAV", "FLOAT"),
    "pcm_16.aiff": ("AIFF", "PCM_16"),
    "pcm_16.flac": ("FLAC", "PCM_16"),
    "pcm_24.flac": ("FLAC", "PCM_24"),
    "vorbis.ogg": ("OGG", "VORBIS"),
    "opus.ogg": ("OGG", "OPUS"),
    "mp3.mp3": ("MP3", "MPEG_LAYER_III"),
}


def clip(rate: int, seconds: float, channels: int = 1) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    rng = np.random.default_rng(channels)
    columns = [0.4 * np.sin(2 * np.pi * (300 + 200 * c) * t) for c in range(channels)]
    data = np.stack(columns, axis=1) + rng.normal(0, 0.05, (t.size, channels))
    return data.astype(np.float32) if channels > 1 else data[:, 0].astype(np.float32)


def test_speech_files_decode_as_libsndfile_reads_them() -> None:
    assert SPEECH, "asterisk-core-sounds-en-wav and alsa-utils are installed by scripts/setup.sh"
    for path in SPEECH:
        ours, rate = _native.load_audio(str(path))
        reference, reference_rate = soundfile.read(path, dtype="float32", always_2d=True)
        assert rate == reference_rate
        assert np.array_equal(ours.reshape(-1, reference.shape[0]).T, reference), path


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_decodes_as_libsndfile(tmp_path: Path, name: str) -> None:
    fmt, subtype = FORMATS[name]
    rate = 48000 if subtype == "OPUS" else 16000
    data = clip(rate, 0.5, channels=2 if "24" in name or name == "vorbis.ogg" else 1)
    path = tmp_path / name
    soundfile.write(path, data, rate, format=fmt, subtype=subtype)
    reference, _ = soundfile.read(path, dtype="float32", always_2d=True)
    for source in (str(path), path.read_bytes()):
        ours, ours_rate = _native.load_audio(source)
        assert ours_rate == rate
        np.testing.assert_allclose(ours.reshape(-1, reference.shape[0]).T, reference, atol=1e-7)


def test_mixdown_and_resampling_match_numpy_and_python_soxr() -> None:
    for path in SPEECH[:4] + sorted(ALSA.glob("*.wav"))[:2]:
        for target in (16000, 22050):
            ours, rate = _native.load_audio(str(path), sampling_rate=target)
            assert rate == target
            stored, stored_rate = soundfile.read(path, dtype="float32", always_2d=True)
            mono = stored.T.mean(axis=0).astype(np.float32)
            expected = soxr.resample(mono, stored_rate, target, quality="HQ")
            assert ours.shape == expected.shape
            np.testing.assert_allclose(ours, expected, atol=1e-6)


def test_streamed_resampling_equals_one_shot_resampling() -> None:
    # Decoding resamples block by block (64k frames); the result must not depend on it.
    data = clip(44100, 4.0)
    buffer = io.BytesIO()
    soundfile.write(buffer, data, 44100, format="WAV", subtype="FLOAT")
    streamed, _ = _native.load_audio(buffer.getvalue(), sampling_rate=16000)
    one_shot = _native.resample_audio(data, 44100, 16000)
    np.testing.assert_allclose(streamed, one_shot, atol=1e-7)
    np.testing.assert_allclose(one_shot, soxr.resample(data, 44100, 16000, "HQ"), atol=1e-6)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"not audio at all, just text" * 10, "not a supported audio file"),
        (wav_bytes(np.zeros(0), 16000), "empty"),
        (wav_bytes(np.zeros(100), 16000)[:30], "not a supported audio file"),
        (wav_bytes(np.zeros(1000), 100), "sampling rate"),
        (wav_bytes(np.zeros(16000 * 3), 16000), "exceeds the limit of 2 s"),
    ],
    ids=["empty", "text", "no-samples", "truncated-header", "absurd-rate", "too-long"],
)
def test_bad_audio_is_a_one_line_error(data: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message) as error:
        _native.load_audio(data, max_seconds=2.0)
    assert "\n" not in str(error.value)


def test_truncated_data_decodes_what_is_there() -> None:
    whole = wav_bytes(clip(16000, 1.0), 16000)
    samples, _ = _native.load_audio(whole[: len(whole) // 2])
    assert 0 < samples.size < 16000


def test_float_nan_samples_are_refused() -> None:
    data = clip(16000, 0.1)
    data[10] = math.nan
    buffer = io.BytesIO()
    soundfile.write(buffer, data, 16000, format="WAV", subtype="FLOAT")
    with pytest.raises(ValueError, match="NaN or infinite"):
        _native.load_audio(buffer.getvalue())


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"nothing\.wav"):
        _native.load_audio(str(tmp_path / "nothing.wav"))
