"""Audio models: the model's own feature extractor (AutoFeatureExtractor), the inputs it builds
from deterministic synthetic clips (tones and noise of several lengths at its sampling rate),
the time axis of the graph, its metadata and files (plus the CTC tokenizer for speech
recognition).

Two kinds of extractor, told apart by what they return:
- raw waveforms (Wav2Vec2FeatureExtractor: wav2vec2, HuBERT, WavLM, data2vec-audio):
  `input_values` [batch, samples], with `attention_mask` [batch, samples] when the extractor
  returns one and the model takes it. Fixed exports pad / truncate every clip to
  `--audio-seconds` (default 10 s) x sampling_rate samples; dynamic exports make the batch and
  the samples dynamic.
- fixed-length features (AST's filter banks [batch, max_length, mel_bins], Whisper's log-mel
  [batch, mel_bins, nb_max_frames]): the extractor pads / truncates the time axis itself, so it
  stays fixed; dynamic exports make the batch dynamic only, and `--audio-seconds` is refused."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from modelexport.errors import ModelExportError
from modelexport.export.inputs import ModalityInputs, ShapePlan, first_line

if TYPE_CHECKING:
    from modelexport.export.source import ModelSource
    from modelexport.export.tasks import TaskSpec

DEFAULT_AUDIO_SECONDS = 10.0
# The features an audio model's graph may take first, then the mask, in graph order.
FEATURE_NAMES = ("input_values", "input_features")
MASK_NAME = "attention_mask"
# Fixed waveform exports: clip lengths as fractions of the graph's length (one exactly as long,
# one longer, truncated; the others padded). Dynamic ones and fixed-length extractors: seconds.
EXAMPLE_FRACTIONS = (1.0, 0.55, 0.8, 0.35)
OTHER_FRACTIONS = (0.7, 1.25, 0.45)
EXAMPLE_SECONDS = (1.6, 0.9, 2.1, 1.2)
OTHER_SECONDS = (1.1, 0.7, 1.9)
_EXAMPLE_SEED = 0
_OTHER_SEED = 1
# Tokenizer files of a CTC model that save_pretrained may not write itself (transformers 5
# writes no special_tokens_map.json); copied from the source when it has them.
_TOKENIZER_FILES = ("vocab.json", "tokenizer_config.json", "special_tokens_map.json")
_OPTIONAL_TOKENIZER_FILES = ("added_tokens.json",)


def synthetic_audio(lengths: list[int], sampling_rate: int, seed: int) -> list[np.ndarray]:
    """Deterministic mono float32 clips of the given lengths (samples): a few tones under a
    slow envelope, a chirp and noise, so spectra and waveforms both see structure."""
    rng = np.random.default_rng(seed)
    clips = []
    for length in lengths:
        t = np.arange(length) / sampling_rate
        tones = sum(
            rng.uniform(0.05, 0.3)
            * np.sin(2 * np.pi * rng.uniform(80, 3000) * t + rng.uniform(0, 6))
            for _ in range(3)
        )
        chirp = 0.1 * np.sin(2 * np.pi * (200 + 400 * t) * t)
        envelope = 0.6 + 0.4 * np.sin(2 * np.pi * rng.uniform(1, 5) * t)
        noise = rng.normal(0.0, 0.03, length)
        clips.append((envelope * (tones + chirp) + noise).astype(np.float32))
    return clips


def _lengths(seconds: tuple[float, ...], sampling_rate: int, count: int) -> list[int]:
    return [max(1, round(seconds[i % len(seconds)] * sampling_rate)) for i in range(count)]


def _fraction_lengths(fractions: tuple[float, ...], length: int, count: int) -> list[int]:
    return [max(1, round(fractions[i % len(fractions)] * length)) for i in range(count)]


def _saved_config(extractor: Any) -> dict[str, Any]:
    """The preprocessor_config.json that extractor.save_pretrained writes, as a dict."""
    return json.loads(extractor.to_json_string())


class ExtractorLayout:
    """What a feature extractor's output looks like: the graph's feature input, whether it is a
    raw waveform, the time axis and its fixed length (None for waveforms)."""

    def __init__(self, extractor: Any) -> None:
        self.sampling_rate = int(extractor.sampling_rate)
        probe = extractor(
            synthetic_audio([self.sampling_rate // 2], self.sampling_rate, _EXAMPLE_SEED),
            sampling_rate=self.sampling_rate,
            return_tensors="np",
        )
        names = [name for name in FEATURE_NAMES if name in probe]
        if not names:
            raise ModelExportError(
                f"{type(extractor).__name__} returns none of {', '.join(FEATURE_NAMES)}"
            )
        self.feature_name = names[0]
        shape = np.asarray(probe[self.feature_name]).shape
        self.waveform = len(shape) == 2
        if self.waveform:
            self.time_axis = 1
            self.length: int | None = None
            return
        # Whisper-style extractors give [batch, mel_bins, nb_max_frames]; AST-style ones
        # [batch, max_length, mel_bins].
        frames = getattr(extractor, "nb_max_frames", None)
        fixed = frames or getattr(extractor, "max_length", None)
        self.time_axis = len(shape) - 1 if frames else 1
        if not fixed or len(shape) != 3 or shape[self.time_axis] != fixed:
            raise ModelExportError(
                f"cannot tell the time axis of {type(extractor).__name__}'s features {list(shape)}"
            )
        self.length = int(fixed)


class AudioInputs(ModalityInputs):
    """An audio model's feature extractor (and CTC tokenizer) and the inputs built with it."""

    files_description = "preprocessor_config.json"

    def __init__(
        self,
        source: ModelSource,
        spec: TaskSpec,
        trust_remote_code: bool,
        *,
        audio_seconds: float | None,
    ) -> None:
        import transformers

        self.source = source
        self.spec = spec
        try:
            self.processor = transformers.AutoFeatureExtractor.from_pretrained(
                source.path, trust_remote_code=trust_remote_code
            )
            self.layout = ExtractorLayout(self.processor)
        except ModelExportError:
            raise
        except Exception as error:
            raise ModelExportError(
                f"{source.path}: cannot load a feature extractor ({first_line(error)})"
            ) from None
        self.tokenizer = self._load_tokenizer(trust_remote_code)
        if self.tokenizer is not None:
            self.files_description = "preprocessor_config.json and tokenizer files"
        self.config = _saved_config(self.processor)
        self.sampling_rate = self.layout.sampling_rate
        if audio_seconds is not None and not self.layout.waveform:
            raise ModelExportError(
                f"--audio-seconds applies to raw-waveform audio models only: "
                f"{type(self.processor).__name__} fixes the clip length itself "
                f"({self.layout.length} frames)"
            )
        self.audio_seconds = audio_seconds or DEFAULT_AUDIO_SECONDS
        self.samples = max(1, round(self.audio_seconds * self.sampling_rate))

    def _load_tokenizer(self, trust_remote_code: bool) -> Any:
        """The CTC tokenizer (speech recognition): its ids are what the logits mean."""
        if self.spec.name != "automatic-speech-recognition":
            return None
        import transformers

        try:
            return transformers.AutoTokenizer.from_pretrained(
                self.source.path, trust_remote_code=trust_remote_code
            )
        except Exception as error:
            raise ModelExportError(
                f"{self.source.path}: cannot load the CTC tokenizer ({first_line(error)})"
            ) from None

    def prepare_model(self, model: Any) -> None:
        pass

    def graph_input_names(self, forward_parameters: set[str], *, dynamic: bool) -> list[str]:
        names = [self.layout.feature_name]
        # A dynamic CTC graph takes no attention_mask, as Optimum's own CTC export: the native
        # runtime never pads such a graph (it batches clips of one length only), and
        # ORTModelForCTC feeds input_values alone. Fixed graphs pad every clip, so they keep
        # the mask where the extractor returns one; so do classifiers (Optimum feeds it).
        if self.tokenizer is not None and dynamic:
            return names
        if getattr(self.processor, "return_attention_mask", False) and (
            MASK_NAME in forward_parameters
        ):
            names.append(MASK_NAME)
        return names

    def _extract(
        self, clips: list[np.ndarray], input_names: list[str], length: int | None
    ) -> dict[str, np.ndarray]:
        """The extractor's graph inputs for `clips`: waveforms padded / truncated to `length`
        samples (None: to the longest clip); fixed-length features as the extractor makes
        them."""
        try:
            return extract(self.processor, self.layout, clips, input_names, length)
        except Exception as error:
            raise ModelExportError(
                f"the feature extractor cannot prepare example audio: {first_line(error)}"
            ) from None

    def plans(
        self, input_names: list[str], *, batch_size: int, dynamic: bool
    ) -> Iterator[ShapePlan]:
        rate = self.sampling_rate
        layout = self.layout
        shapes: dict[str, Any] = {
            "dynamic": dynamic,
            "batch_size": None if dynamic else batch_size,
            "time_axis": layout.time_axis,
            "length": layout.length,
        }
        if layout.waveform:
            shapes["audio_seconds"] = None if dynamic else self.samples / rate
            if not dynamic:
                shapes["length"] = self.samples
        if not dynamic:
            if layout.waveform:
                example_lengths = _fraction_lengths(EXAMPLE_FRACTIONS, self.samples, batch_size)
                other_lengths = _fraction_lengths(OTHER_FRACTIONS, self.samples, batch_size)
            else:
                example_lengths = _lengths(EXAMPLE_SECONDS, rate, batch_size)
                other_lengths = _lengths(OTHER_SECONDS, rate, batch_size)
            length = self.samples if layout.waveform else None
            example = self._extract(
                synthetic_audio(example_lengths, rate, _EXAMPLE_SEED), input_names, length
            )
            other = self._extract(
                synthetic_audio(other_lengths, rate, _OTHER_SEED), input_names, length
            )
            yield ShapePlan(
                shapes=shapes,
                axes=None,
                example=example,
                cases=[("example input", example), ("other input", other)],
            )
            return
        # Dynamic axes cannot be traced from size-1 examples (torch.export specializes them).
        trace_batch = max(batch_size, 2)
        example = self._extract(
            synthetic_audio(_lengths(EXAMPLE_SECONDS, rate, trace_batch), rate, _EXAMPLE_SEED),
            input_names,
            None,
        )
        other = self._extract(
            synthetic_audio(_lengths(OTHER_SECONDS, rate, 3), rate, _OTHER_SEED), input_names, None
        )
        axes = dynamic_axes(layout, input_names)
        yield ShapePlan(
            shapes=shapes,
            axes=axes,
            example=example,
            cases=[("example input", example), ("other input", other)],
        )

    def processor_config(self, plan: ShapePlan, input_names: list[str]) -> dict[str, Any]:
        return {
            "processor_type": "audio",
            "feature_extractor_type": self.config.get(
                "feature_extractor_type", type(self.processor).__name__
            ),
            "feature_extractor": self.config,
            "model_input_names": input_names,
            "sampling_rate": self.sampling_rate,
            "shapes": {
                key: plan.shapes[key] for key in ("dynamic", "batch_size", "time_axis", "length")
            },
        }

    def save_files(self, staging: Path) -> None:
        self.processor.save_pretrained(staging)
        if self.tokenizer is None:
            return
        from modelexport.export.text_inputs import _make_tokenizer_config_portable

        # The tokenizer on its own, not through the transformers 5 processor (which writes
        # processor_config.json instead of preprocessor_config.json, unreadable by 4.x and so
        # by Optimum); its tokenizer_config.json keeps the source's processor_class, which is
        # what AutoProcessor finds.
        self.tokenizer.save_pretrained(staging)
        _make_tokenizer_config_portable(staging / "tokenizer_config.json")
        for name in _TOKENIZER_FILES + _OPTIONAL_TOKENIZER_FILES:
            if not (staging / name).is_file() and (self.source.path / name).is_file():
                shutil.copyfile(self.source.path / name, staging / name)


def dynamic_axes(layout: ExtractorLayout, input_names: list[str]) -> dict[str, dict[int, str]]:
    """Dynamic exports: the batch, and the samples of raw waveforms (the mask's too)."""
    if layout.waveform:
        return {name: {0: "batch_size", 1: "samples"} for name in input_names}
    return {name: {0: "batch_size"} for name in input_names}


def extract(
    extractor: Any,
    layout: ExtractorLayout,
    clips: list[np.ndarray],
    input_names: list[str],
    length: int | None,
) -> dict[str, np.ndarray]:
    """Graph inputs for `clips` (module docstring): float32 features, int64 mask."""
    kwargs: dict[str, Any] = {"sampling_rate": layout.sampling_rate, "return_tensors": "np"}
    if layout.waveform:
        if length is None:
            kwargs["padding"] = "longest"
        else:
            kwargs.update(padding="max_length", max_length=length, truncation=True)
        if MASK_NAME in input_names:
            kwargs["return_attention_mask"] = True
    encoded = extractor(clips, **kwargs)
    arrays = {}
    for name in input_names:
        value = np.asarray(encoded[name])
        arrays[name] = value.astype(np.int64 if name == MASK_NAME else np.float32)
    return arrays


def package_clips(
    package_dir: Path, export_config: dict[str, Any]
) -> tuple[list[np.ndarray], int, int | None]:
    """The synthetic clips package validation runs on, their rate, and the samples the
    waveforms are padded to (None: the longest clip, or an extractor of fixed length)."""
    config = json.loads((Path(package_dir) / "preprocessor_config.json").read_text("utf-8"))
    rate = int(config["sampling_rate"])
    batch_size = export_config.get("batch_size") or 3
    # Fixed waveform exports record the clip length (audio_seconds); dynamic ones and
    # fixed-length extractors (the extractor pads / truncates itself) do not.
    if export_config.get("audio_seconds") is None:
        lengths = _lengths(OTHER_SECONDS, rate, batch_size)
        return synthetic_audio(lengths, rate, _OTHER_SEED), rate, None
    length = int(export_config["length"])
    lengths = _fraction_lengths(OTHER_FRACTIONS, length, batch_size)
    return synthetic_audio(lengths, rate, _OTHER_SEED), rate, length


def package_inputs(package_dir: Path, export_config: dict[str, Any]) -> dict[str, np.ndarray]:
    """Validation inputs for an exported audio package, from its own extractor and shapes."""
    import transformers

    extractor = transformers.AutoFeatureExtractor.from_pretrained(package_dir)
    layout = ExtractorLayout(extractor)
    clips, _, length = package_clips(package_dir, export_config)
    return extract(extractor, layout, clips, export_config["input_names"], length)
