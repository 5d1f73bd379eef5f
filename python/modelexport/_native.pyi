"""modelexport C++ core"""

from collections.abc import Sequence
import types
from typing import Annotated

import numpy
from numpy.typing import NDArray


class ModelSource:
    def __init__(self) -> None: ...

    @property
    def kind(self) -> str: ...

    @kind.setter
    def kind(self, arg: str, /) -> None: ...

    @property
    def hub_id(self) -> str: ...

    @hub_id.setter
    def hub_id(self, arg: str, /) -> None: ...

    @property
    def hub_revision(self) -> str: ...

    @hub_revision.setter
    def hub_revision(self, arg: str, /) -> None: ...

    @property
    def original_path(self) -> str: ...

    @original_path.setter
    def original_path(self, arg: str, /) -> None: ...

class PackageMetadata:
    def __init__(self) -> None: ...

    @property
    def task(self) -> str: ...

    @task.setter
    def task(self, arg: str, /) -> None: ...

    @property
    def model_config_json(self) -> str: ...

    @model_config_json.setter
    def model_config_json(self, arg: str, /) -> None: ...

    @property
    def processor_config_json(self) -> str: ...

    @processor_config_json.setter
    def processor_config_json(self, arg: str, /) -> None: ...

    @property
    def source(self) -> ModelSource: ...

    @source.setter
    def source(self, arg: ModelSource, /) -> None: ...

    @property
    def export_config_json(self) -> str: ...

    @export_config_json.setter
    def export_config_json(self, arg: str, /) -> None: ...

    @property
    def export_timestamp(self) -> str: ...

    @export_timestamp.setter
    def export_timestamp(self, arg: str, /) -> None: ...

def write_package_model(source_path: str, model_path: str, hierarchy_path: str, metadata: PackageMetadata, modules: Sequence[tuple[str, str, int, bool]], tag_nodes: bool, scope_root: str) -> str:
    """
    Tag every node with its module (unless tag_nodes is false), embed the package metadata, write model.onnx and model_hierarchy.json; returns the hierarchy JSON.
    """

def write_transformed_package_model(original_path: str, transformed_path: str, model_path: str, hierarchy_path: str, modules: Sequence[tuple[str, str, int, bool]], tag_nodes: bool) -> str:
    """
    After a graph pass (fusions, quantization) over the tagged original: re-tag the transformed graph by the projection rules (or drop all node tags when tag_nodes is false), keep the package metadata, write model.onnx and model_hierarchy.json; returns the hierarchy JSON ('' when not tagging).
    """

def extract_module(model_path: str, module_path: str, output_path: str) -> None:
    """Write one module's subgraph as a standalone ONNX model."""

def write_graph_slices(model_path: str, slices: Sequence[tuple[str, Sequence[str]]]) -> None:
    """
    Move the model's weights to external data and write graphs cut from it by outputs (file name, output names) beside it, sharing those weights.
    """

def write_shape_buckets(model_path: str, axis_name: str, lengths: Sequence[int]) -> None:
    """
    Make model.onnx the largest shape bucket (axis_name fixed to the largest length) and write the other buckets beside it, all sharing external weights.
    """

def remove_shape_buckets(model_path: str) -> None:
    """
    Make a bucketed package one graph: forget the buckets in model.onnx's metadata and delete the smaller buckets' files.
    """

def shape_bucket_file(length: int) -> str:
    """
    The file name of the shape bucket of `length` (the largest is model.onnx).
    """

def default_shape_buckets(export_length: int) -> list[int]:
    """The default sequence-length ladder up to export_length."""

def write_graphml(model_path: str, output_path: str) -> None:
    """Write the graph as GraphML with one compound node per module."""

def read_metadata(path: str) -> list[tuple[str, str]]:
    """
    All model-level metadata_props of a package or .onnx file, values decoded.
    """

def describe_package_json(path: str) -> str:
    """JSON description of a package (what inspect prints)."""

def resolve_model_path(path: str) -> str: ...

class EmbeddedFile:
    """A file embedded in a single-file package."""

    @property
    def name(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def stored_size(self) -> int: ...

    @property
    def crc32(self) -> int: ...

class PackResult:
    """What pack_package wrote."""

    @property
    def output_path(self) -> str: ...

    @property
    def bytes(self) -> int: ...

    @property
    def folder_bytes(self) -> int: ...

    @property
    def inlined_external_data(self) -> bool: ...

    @property
    def dropped_buckets(self) -> list[str]: ...

    @property
    def files(self) -> list[EmbeddedFile]: ...

def pack_package(package_path: str, output_path: str, overwrite: bool = False) -> PackResult:
    """
    Write a package folder as one self-contained .onnx (side files embedded, external weights inlined), atomically; refuses a result over 2 GB.
    """

def unpack_package(model_path: str, output_dir: str) -> None:
    """Restore the package folder of a single-file package into a new folder."""

def extract_embedded_files(model_path: str, output_dir: str) -> list[str]:
    """
    Write the embedded files of a single-file package (not the model) into an existing folder; returns their names.
    """

def package_file(path: str, name: str) -> bytes:
    """
    The bytes of a package's file (embedded in a single file, or beside model.onnx).
    """

def max_sequence_length(tokenizer_max: int | None, config_json: str) -> int | None:
    """
    The longest input a model accepts (the rule the runtime uses), or None when unknown.
    """

metadata_keys: types.SimpleNamespace = ...

def task_registry() -> list:
    """
    The task registry of the C++ core, in display order: one dict per task.
    """

def detect_task(config_json: str, sentence_transformers: bool, origin: str, modality: str = 'text') -> str:
    """
    The pipeline task for a config.json (architectures), as the runtime decides it.
    """

def folder_modality(model_dir: str) -> str:
    """
    'image', 'audio' or 'text': what a model folder's preprocessor_config.json says its inputs are.
    """

def resize_image(pixels: bytes, width: int, height: int, channels: int, out_width: int, out_height: int, resample: int) -> bytes:
    """
    8-bit interleaved pixels resized as Pillow's Image.resize does (resample: PIL's filter number).
    """

def load_image(source: bytes | str, max_pixels: int | None = None) -> Annotated[NDArray[numpy.uint8], dict(shape=(None, None, None))]:
    """
    Decodes an image file (path) or its bytes to an RGB uint8 array of shape (height, width, 3), equal to transformers' load_image: ImageOps.exif_transpose(Image.open(f)).convert('RGB'). JPEG, PNG, GIF (first frame), WebP and BMP; max_pixels defaults to Pillow's decompression-bomb limit. Raises ValueError for bad data.
    """

class OcrWords:
    """Words Tesseract read and their pixel boxes (x0, y0, x1, y1)."""

    @property
    def words(self) -> list[str]: ...

    @property
    def boxes(self) -> list[list[int]]: ...

def ocr_words(pixels: Annotated[NDArray[numpy.uint8], dict(order='C', device='cpu', writable=False)], lang: str = '', tesseract_config: str = '') -> OcrWords:
    """
    Tesseract OCR of a uint8 image array ((height, width) gray or (height, width, 3) RGB) as pytesseract.image_to_data(image, lang=lang, config=tesseract_config) reads it, blank words dropped. Raises ValueError for a bad config, image or language.
    """

def normalize_box(box: Sequence[int], width: int, height: int) -> list[int]:
    """
    A pixel box scaled to 0..1000 of the page as transformers' normalize_box does.
    """

class PipelineError(ValueError):
    pass

def run_command(args: Sequence[bytes]) -> int:
    """
    `modelexport-run` in process: args[0] names the program; prints the results on stdout and one line per problem on stderr; returns the exit code (0, 1 error, 2 bad usage).
    """

def package_task(path: str) -> str:
    """
    The pipeline task of a package (metadata, else config.json architectures).
    """

def profile_package(path: str, inputs: object | None, runs: int = 10, intra_op_threads: int = 0, inter_op_threads: int = 0, trace_path: str = '', trace_depth: int = 3) -> str:
    """
    Profiles the package's pipeline on `inputs` (None: a default text) under ONNX Runtime's profiler; node times attributed to modules. Returns the profile as JSON text.
    """

class Pipeline:
    """
    The native pipeline of a package's task (create_pipeline() of the C++ runtime).
    """

    def __init__(self, path: str, task: str = '', threads: object = 0, max_image_pixels: int | None = None, max_audio_seconds: float | None = None) -> None: ...

    @property
    def task(self) -> str:
        """The task's name."""

    @property
    def option_names(self) -> list[str]:
        """The call options the task takes (transformers' keyword arguments)."""

    def check_options(self, options: object) -> object:
        """
        The options checked against the task's schema, defaults filled in; PipelineError (a ValueError) for unknown names and wrong kinds.
        """

    def __call__(self, inputs: object | None, options: object) -> object:
        """
        transformers' call: one input or a list (None when the options carry them); the result as transformers returns it.
        """

class Encoding:
    @property
    def ids(self) -> list[int]: ...

    @property
    def type_ids(self) -> list[int]: ...

    @property
    def tokens(self) -> list[str]: ...

    @property
    def offsets(self) -> list[tuple[int, int]]: ...

    @property
    def special_tokens_mask(self) -> list[int]: ...

    @property
    def attention_mask(self) -> list[int]: ...

    @property
    def word_ids(self) -> list[int]: ...

    @property
    def sequence_ids(self) -> list[int]: ...

    @property
    def overflowing(self) -> list[Encoding]: ...

    def __len__(self) -> int: ...

    def token_to_sequence(self, token_index: int) -> int | None: ...

    def token_to_word(self, token_index: int) -> int | None: ...

    def word_to_tokens(self, word_index: int, sequence_index: int = 0) -> tuple[int, int] | None: ...

    def word_to_chars(self, word_index: int, sequence_index: int = 0) -> tuple[int, int] | None: ...

    def char_to_token(self, char_pos: int, sequence_index: int = 0) -> int | None: ...

    def pad(self, length: int, pad_id: int = 0, pad_type_id: int = 0, pad_token: str = '[PAD]', direction: str = 'right') -> None:
        """Pads in place, as tokenizers' Encoding.pad."""

class Tokenizer:
    @staticmethod
    def from_file(path: str) -> Tokenizer: ...

    @staticmethod
    def from_str(json: str) -> Tokenizer: ...

    def encode(self, sequence: str, pair: str | None = None, add_special_tokens: bool = True) -> Encoding: ...

    def encode_batch(self, input: Sequence[str], add_special_tokens: bool = True) -> list[Encoding]: ...

    def encode_batch_pairs(self, input: Sequence[tuple[str, str]], add_special_tokens: bool = True) -> list[Encoding]: ...

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str: ...

    def token_to_id(self, token: "std::basic_string_view<char, std::char_traits<char> >") -> int | None: ...

    def id_to_token(self, id: int) -> str | None: ...

    def get_vocab_size(self, with_added_tokens: bool = True) -> int: ...

    def no_padding(self) -> None: ...

    def no_truncation(self) -> None: ...

    def enable_truncation(self, max_length: int, stride: int = 0, strategy: str = 'longest_first', direction: str = 'right') -> None: ...

    def enable_padding(self, length: int | None = None, pad_id: int = 0, pad_type_id: int = 0, pad_token: str = '[PAD]', pad_to_multiple_of: int | None = None) -> None: ...

def preprocess_images(preprocessor_config_json: str, images: Sequence[Annotated[NDArray[numpy.uint8], dict(shape=(None, None, None), order='C', device='cpu', writable=False)]], height: int | None = None, width: int | None = None) -> dict:
    """
    Images (uint8 numpy arrays, height x width x 3) preprocessed by the native image processor as preprocessor_config.json configures it: {'pixel_values': [N, 3, H, W] float32 (, 'pixel_mask': [N, H, W] int64 where the class pads with a mask)}, padded to the batch's largest image, or to height x width as for a graph of that fixed size.
    """

def load_audio(source: bytes | str, sampling_rate: float | None = None, max_seconds: float | None = None) -> tuple[NDArray[numpy.float32], float]:
    """
    Decodes an audio file (path) or its bytes with libsndfile to float32 samples and their rate: (channels, frames) for multi-channel audio, (frames,) for mono. With sampling_rate, mixed down to mono and resampled to it (libsoxr HQ) while decoding. Raises ValueError for bad data.
    """

def resample_audio(samples: Annotated[NDArray[numpy.float32], dict(shape=(None,), order='C', device='cpu', writable=False)], from_rate: float, to_rate: float) -> NDArray[numpy.float32]:
    """
    Mono float32 samples resampled with libsoxr (HQ), as the pipelines resample.
    """

def extract_audio_features(preprocessor_config_json: str, samples: Annotated[NDArray[numpy.float32], dict(shape=(None,), order='C', device='cpu', writable=False)]) -> tuple[NDArray[numpy.float32], int]:
    """
    The features of one mono float32 clip (at the extractor's sampling rate) as the feature extractor preprocessor_config.json describes computes them (Wav2Vec2FeatureExtractor: [samples]; ASTFeatureExtractor: [max_length, num_mel_bins]; WhisperFeatureExtractor: [feature_size, frames]), and how many steps of the time axis hold the clip. ValueError for an unsupported or malformed configuration, an empty clip or non-finite samples.
    """
