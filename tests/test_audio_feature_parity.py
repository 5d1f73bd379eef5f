"""The native feature extractors (cpp/src/audio/) against the transformers feature extractors of
the same configuration, on the same float32 samples: real speech (Debian's
asterisk-core-sounds-en-wav, 8 kHz, upsampled to 16 kHz by linear interpolation), ALSA's test
sounds (48 kHz, every third sample), generated tones, white noise, silence, clipped square waves,
very short clips and a clip longer than Whisper's 30 s.

Tolerance: ATOL (1e-4) absolute on the features. transformers takes these paths here: Whisper
through torch (_torch_extract_fbank_features: float32 STFT, mel product and log), AST through
numpy (torchaudio is not installed: audio_utils.spectrogram in float64, the spectrum kept as
complex64), Wav2Vec2 through numpy (float32 mean/var). The native code computes in double (and
rounds AST's spectrum to complex64 as numpy does). Measured maxima: AST 0 (bit-identical),
Wav2Vec2 4.8e-7, Whisper 6.9e-5 against the torch path (128 bins; that is torch's float32 STFT:
the native result is within 1.2e-7 of transformers' float64 numpy path, and the two transformers
paths differ from each other by the same 6.9e-5; see test_whisper_numpy_path_is_within_atol_too).
"""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

transformers = pytest.importorskip("transformers")

from modelexport import _native  # noqa: E402

ATOL = 1e-4
RATE = 16000
ASTERISK = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
ALSA = Path("/usr/share/sounds/alsa")
SPEECH_FILES = ["hello-world.wav", "tt-monkeys.wav", "vm-goodbye.wav", "conf-onlyperson.wav"]
ALSA_FILES = ["Front_Center.wav", "Noise.wav"]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 in [-1, 1) from a 16-bit PCM WAV (first channel)."""
    with wave.open(str(path)) as f:
        assert f.getsampwidth() == 2, path
        frames = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2")
        samples = frames.reshape(-1, f.getnchannels())[:, 0]
        return (samples.astype(np.float32) / 32768.0), f.getframerate()


def to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """Deterministic and simple: linear interpolation up from 8 kHz, decimation down from 48."""
    if rate == RATE:
        return samples
    if rate == 8000:
        positions = np.arange(2 * len(samples)) / 2.0
        return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)
    if rate == 48000:
        return np.ascontiguousarray(samples[::3])
    raise AssertionError(f"unexpected rate {rate}")


def generated() -> dict[str, np.ndarray]:
    t = np.arange(RATE * 2) / RATE
    rng = np.random.default_rng(1234)
    square = np.clip(4.0 * np.sign(np.sin(2 * np.pi * 220.0 * t)), -1.0, 1.0)
    return {
        "tone_1k": (0.5 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32),
        "tones_mix": (
            0.3 * np.sin(2 * np.pi * 440 * t) + 0.2 * np.sin(2 * np.pi * 3150 * t)
        ).astype(np.float32),
        "white_noise": rng.uniform(-0.8, 0.8, RATE * 3).astype(np.float32),
        "silence": np.zeros(RATE, dtype=np.float32),
        "clipped_square": square.astype(np.float32),
        "one_sample": np.array([0.25], dtype=np.float32),
        "short_300": (0.4 * np.sin(2 * np.pi * 700.0 * t[:300])).astype(np.float32),
        "short_399": rng.standard_normal(399).astype(np.float32) * 0.1,
        "long_35s": (
            0.3 * np.sin(2 * np.pi * 523.0 * np.arange(RATE * 35) / RATE)
            + rng.standard_normal(RATE * 35) * 0.01
        ).astype(np.float32),
    }


def clips() -> dict[str, np.ndarray]:
    out = {}
    for name in SPEECH_FILES:
        path = ASTERISK / name
        if path.exists():
            out[f"speech:{name}"] = to_16k(*read_wav(path))
    for name in ALSA_FILES:
        path = ALSA / name
        if path.exists():
            out[f"alsa:{name}"] = to_16k(*read_wav(path))
    out.update(generated())
    return out


CLIPS = clips()


def test_real_audio_is_present() -> None:
    # The set-up script installs both packages; without them the parity would be tones only.
    assert any(k.startswith("speech:") for k in CLIPS), ASTERISK
    assert any(k.startswith("alsa:") for k in CLIPS), ALSA


def extractors() -> dict[str, object]:
    fe = transformers
    return {
        "wav2vec2_norm": fe.Wav2Vec2FeatureExtractor(),
        "wav2vec2_raw_mask": fe.Wav2Vec2FeatureExtractor(
            do_normalize=False, return_attention_mask=True
        ),
        "wav2vec2_norm_mask": fe.Wav2Vec2FeatureExtractor(return_attention_mask=True),
        "ast_default": fe.ASTFeatureExtractor(),
        "ast_short_raw": fe.ASTFeatureExtractor(
            max_length=100, do_normalize=False, num_mel_bins=64
        ),
        "whisper_80": fe.WhisperFeatureExtractor(feature_size=80),
        "whisper_128": fe.WhisperFeatureExtractor(feature_size=128),
        "whisper_80_mask": fe.WhisperFeatureExtractor(feature_size=80, return_attention_mask=True),
    }


EXTRACTORS = extractors()


def reference(extractor: object, samples: np.ndarray) -> tuple[np.ndarray, int | None]:
    options = {}
    if isinstance(extractor, transformers.WhisperFeatureExtractor):
        # Whisper rescales its mask to frames only when the call asks for it; with the attribute
        # alone it returns the per-sample mask. valid_length counts frames.
        options["return_attention_mask"] = extractor.return_attention_mask
    out = extractor(samples, sampling_rate=RATE, return_tensors="np", **options)
    key = extractor.model_input_names[0]
    mask = out.get("attention_mask")
    return np.asarray(out[key][0]), None if mask is None else int(mask[0].sum())


def native(extractor: object, samples: np.ndarray) -> tuple[np.ndarray, int]:
    return _native.extract_audio_features(extractor.to_json_string(), samples)


@pytest.mark.parametrize("clip", sorted(CLIPS))
@pytest.mark.parametrize("name", sorted(EXTRACTORS))
def test_features_match_transformers(name: str, clip: str) -> None:
    extractor = EXTRACTORS[name]
    samples = CLIPS[clip]
    if name.startswith("ast") and len(samples) < 240:
        # transformers' numpy fbank raises (one sample squeezes to a 0-d array; 2..239 samples
        # ask numpy for a negative number of frames); the native extractor returns all padding
        # (no whole frame), as transformers does for 240..399 samples.
        with pytest.raises(ValueError):
            reference(extractor, samples)
        values, valid = native(extractor, samples)
        assert valid == 0
        assert np.all(values == values[0, 0])
        return
    expected, mask_length = reference(extractor, samples)
    values, valid = native(extractor, samples)
    assert values.dtype == np.float32
    assert values.shape == expected.shape
    error = float(np.max(np.abs(values.astype(np.float64) - expected.astype(np.float64))))
    assert error <= ATOL, f"{name} on {clip}: max |native - transformers| = {error:.3g}"
    if mask_length is not None:
        assert valid == mask_length


@pytest.mark.parametrize("clip", ["speech:hello-world.wav", "white_noise", "long_35s"])
def test_whisper_normalize_matches_call_time_option(clip: str) -> None:
    # transformers normalises only when __call__ gets do_normalize=True; the native extractor
    # reads the same switch from the configuration.
    extractor = transformers.WhisperFeatureExtractor(feature_size=80)
    samples = CLIPS[clip]
    expected = extractor(samples, sampling_rate=RATE, do_normalize=True, return_tensors="np")
    config = json.loads(extractor.to_json_string()) | {"do_normalize": True}
    values, _ = _native.extract_audio_features(json.dumps(config), samples)
    error = float(np.max(np.abs(values - expected["input_features"][0])))
    assert error <= ATOL, error


@pytest.mark.parametrize("clip", ["speech:hello-world.wav", "tones_mix", "clipped_square"])
def test_whisper_numpy_path_is_within_atol_too(clip: str) -> None:
    # Without torch transformers takes the float64 numpy STFT; the native result sits within
    # ATOL of both paths.
    extractor = transformers.WhisperFeatureExtractor(feature_size=80)
    samples = CLIPS[clip]
    padded = np.zeros(extractor.n_samples, dtype=np.float32)
    padded[: min(len(samples), extractor.n_samples)] = samples[: extractor.n_samples]
    expected = extractor._np_extract_fbank_features(padded[None, :], "cpu")[0]
    values, _ = native(extractor, samples)
    assert float(np.max(np.abs(values - expected))) <= 1e-6  # float32 rounding of one path


def error_of(config: dict, samples: np.ndarray | None = None) -> str:
    if samples is None:
        samples = np.full(1000, 0.1, dtype=np.float32)
    with pytest.raises(ValueError) as caught:
        _native.extract_audio_features(json.dumps(config), samples)
    return str(caught.value)


def test_errors_name_the_key_and_clip() -> None:
    whisper = {"feature_extractor_type": "WhisperFeatureExtractor"}
    assert error_of({"feature_extractor_type": "SpeechT5FeatureExtractor"}).startswith(
        "preprocessor_config: feature_extractor_type: unsupported class 'SpeechT5FeatureExtractor'"
    )
    assert "n_fft: must be an integer from 2" in error_of(whisper | {"n_fft": 0})
    assert "feature_size: must be an integer" in error_of(whisper | {"feature_size": -1})
    assert "hop_length" in error_of(whisper | {"hop_length": "160"})
    ast = {"feature_extractor_type": "ASTFeatureExtractor"}
    assert "num_mel_bins" in error_of(ast | {"num_mel_bins": 0})
    assert error_of(whisper, np.zeros(0, dtype=np.float32)) == (
        "WhisperFeatureExtractor: the audio clip is empty"
    )
    bad = np.array([0.0, 0.1, np.nan], dtype=np.float32)
    assert error_of(ast, bad) == "ASTFeatureExtractor: sample 2 is not finite (NaN or infinity)"
    inf = np.array([np.inf], dtype=np.float32)
    assert "sample 0 is not finite" in error_of(
        {"feature_extractor_type": "Wav2Vec2FeatureExtractor"}, inf
    )
    with pytest.raises(ValueError, match="invalid JSON"):
        _native.extract_audio_features("{", np.zeros(10, dtype=np.float32))
