"""Catalog of the tiny local test models built by ``scripts/make_fixtures.py``.

Deliberately dependency-free (stdlib only, no torch/transformers at import time) so
that pytest can parametrize over the fixtures cheaply and the generator can import it.

Each generated fixture lives in ``fixtures_dir() / name`` where ``name`` is
``f"{arch}-{head}"``.  ``arch`` is also the Hugging Face ``model_type`` of the fixture
(``config.json["model_type"]``) and ``head`` is the pipeline task it was built for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

#: Environment variable that overrides the fixtures directory.
ENV_VAR: Final = "MODELEXPORT_FIXTURES"

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES_DIR: Final = REPO_ROOT / ".cache" / "fixtures"

ENCODER_HEADS: Final[tuple[str, ...]] = (
    "feature-extraction",
    "text-classification",
    "token-classification",
    "question-answering",
    "fill-mask",
)
DECODER_HEADS: Final[tuple[str, ...]] = (
    "feature-extraction",
    "text-classification",
    "token-classification",
    "question-answering",
)

#: Architectures, spelled like their ``model_type``.
ARCHES: Final[list[str]] = [
    "bert",
    "distilbert",
    "roberta",
    "albert",
    "electra",
    "mpnet",
    "xlm-roberta",
    "deberta-v2",
    "gpt2",
]

HEADS_BY_ARCH: Final[dict[str, list[str]]] = {
    arch: list(DECODER_HEADS if arch == "gpt2" else ENCODER_HEADS) for arch in ARCHES
}

#: Generated tiny random-weight fixtures: ``(name, arch, head)``.
FIXTURES: Final[list[tuple[str, str, str]]] = [
    (f"{arch}-{head}", arch, head) for arch in ARCHES for head in HEADS_BY_ARCH[arch]
]

#: Tiny random-weight image models ``(name, arch, head)``, built from the real configs and
#: preprocessor_config.json settings of the models named in ``scripts/make_fixtures.py`` with
#: sizes scaled down (32x32 images; DETR and YOLOS 64..96). ``arch`` is the ``model_type``.
VISION_FIXTURES: Final[list[tuple[str, str, str]]] = [
    (f"{arch}-{head}", arch, head)
    for arch, head in (
        ("vit", "image-classification"),
        ("vit", "image-feature-extraction"),
        ("deit", "image-classification"),
        ("beit", "image-classification"),
        ("beit", "image-segmentation"),
        ("swin", "image-classification"),
        ("convnext", "image-classification"),
        ("resnet", "image-classification"),
        ("mobilevit", "image-classification"),
        ("mobilevit", "image-segmentation"),
        ("regnet", "image-classification"),
        ("dinov2", "image-feature-extraction"),
        ("detr", "object-detection"),
        ("yolos", "object-detection"),
        ("segformer", "image-segmentation"),
        ("upernet", "image-segmentation"),
    )
]

#: Tiny random-weight audio models ``(name, arch, head)``, built from the real configs and
#: preprocessor_config.json settings of the models named in ``scripts/make_fixtures.py``
#: (``AUDIO_SPECS``) with sizes scaled down. ``arch`` is the ``model_type``; the AST fixture is
#: called ``ast-audio-classification`` (its model_type is ``audio-spectrogram-transformer``).
AUDIO_FIXTURES: Final[list[tuple[str, str, str]]] = [
    *(
        (f"{arch}-{head}", arch, head)
        for arch in ("wav2vec2", "hubert", "wavlm", "data2vec-audio")
        for head in ("audio-classification", "automatic-speech-recognition")
    ),
    ("ast-audio-classification", "audio-spectrogram-transformer", "audio-classification"),
    ("whisper-audio-classification", "whisper", "audio-classification"),
]

#: Tiny random-weight dual encoders ``(name, arch, head)`` for zero-shot image classification,
#: built from the real configs and processor settings of the models named in
#: ``scripts/make_fixtures.py`` (``PAIR_SPECS``) with sizes scaled down, each with a tokenizer
#: trained on the fixture corpus by the model's own tokenizer rules.
PAIR_FIXTURES: Final[list[tuple[str, str, str]]] = [
    ("clip-zero-shot-image-classification", "clip", "zero-shot-image-classification"),
    ("siglip-zero-shot-image-classification", "siglip", "zero-shot-image-classification"),
]

#: Tiny random-weight document question answering models ``(name, arch, head)``: LayoutLM
#: (words + boxes; the BERT WordPiece fixture tokenizer) and LayoutLMv3 (+ the page image; a
#: byte-level BPE tokenizer trained like the RoBERTa fixture's), from the real configs of
#: microsoft/layoutlm-base-uncased and microsoft/layoutlmv3-base scaled down.
DOCUMENT_FIXTURES: Final[list[tuple[str, str, str]]] = [
    ("layoutlm-document-question-answering", "layoutlm", "document-question-answering"),
    ("layoutlmv3-document-question-answering", "layoutlmv3", "document-question-answering"),
]

#: Copy of the real sentence-transformers/all-MiniLM-L6-v2 folder (BERT, ~90 MB).
#: Not part of ``FIXTURES`` because it is much bigger than the tiny ones.
MINILM: Final[tuple[str, str, str]] = ("minilm", "bert", "feature-extraction")

#: Every folder the generator produces.
ALL_FIXTURES: Final[list[tuple[str, str, str]]] = [
    *FIXTURES,
    *VISION_FIXTURES,
    *AUDIO_FIXTURES,
    *PAIR_FIXTURES,
    *DOCUMENT_FIXTURES,
    MINILM,
]

#: ``id2label`` of the text-classification fixtures (index == label id).
TEXT_CLASSIFICATION_LABELS: Final[tuple[str, ...]] = ("NEGATIVE", "NEUTRAL", "POSITIVE")
#: ``id2label`` of the token-classification fixtures (index == label id).
TOKEN_CLASSIFICATION_LABELS: Final[tuple[str, ...]] = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC")

#: ``id2label`` of the image-classification fixtures (ImageNet names).
IMAGE_CLASSIFICATION_LABELS: Final[tuple[str, ...]] = (
    "tabby, tabby cat",
    "golden retriever",
    "goldfish, Carassius auratus",
    "airliner",
)
#: ``id2label`` of the object-detection fixtures (COCO names, DETR's leading "N/A").
OBJECT_DETECTION_LABELS: Final[tuple[str, ...]] = ("N/A", "person", "bicycle", "car", "dog")
#: ``id2label`` of the image-segmentation fixtures (ADE20K names).
IMAGE_SEGMENTATION_LABELS: Final[tuple[str, ...]] = ("wall", "building", "sky", "floor", "tree")

#: ``id2label`` of the audio-classification fixtures (Speech Commands keyword spotting names).
AUDIO_CLASSIFICATION_LABELS: Final[tuple[str, ...]] = ("yes", "no", "up", "down")
#: The CTC vocabulary of the speech-recognition fixtures (facebook/wav2vec2-base-960h's order:
#: index == token id; ``<pad>`` is the CTC blank, ``|`` the word delimiter).
CTC_VOCAB: Final[tuple[str, ...]] = (
    "<pad>", "<s>", "</s>", "<unk>", "|",
    *"ETAONIHSRDLUMWCFGYPBVK'XJQZ",
)  # fmt: skip

#: Name of the stamp file marking a fully built fixture folder.
STAMP_FILE: Final = ".complete"


def fixtures_dir() -> Path:
    """Directory holding the fixtures: ``$MODELEXPORT_FIXTURES`` or ``<repo>/.cache/fixtures``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve()
    return DEFAULT_FIXTURES_DIR


def fixture_path(name: str) -> Path:
    """Folder of the fixture called ``name`` (e.g. ``"bert-fill-mask"`` or ``"minilm"``)."""
    return fixtures_dir() / name


def is_built(name: str) -> bool:
    """Whether the fixture folder exists and carries its completion stamp."""
    return (fixture_path(name) / STAMP_FILE).is_file()
