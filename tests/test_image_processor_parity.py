"""The native image processor (cpp/src/processors/image_*.cpp) against the transformers image
processor that `transformers.pipeline` loads for the same preprocessor_config.json (the
PIL-backend class, torchvision not being installed): random RGB images of odd sizes, one at a
time and as a batch of mixed sizes. pixel_values may differ by at most ATOL (float32 rounding of
the same operations: in practice 0); pixel_mask must be identical."""

from __future__ import annotations

import json

import numpy as np
import pytest

PIL = pytest.importorskip("PIL")
transformers = pytest.importorskip("transformers")
from PIL import Image  # noqa: E402

from modelexport import _native  # noqa: E402

ATOL = 1e-5

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]

# preprocessor_config.json of the Hub checkpoints (as published; legacy feature_extractor_type
# files included), plus variants that exercise settings the published files leave at defaults.
CONFIGS = {
    "google/vit-base-patch16-224": {
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "ViTFeatureExtractor",
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
        "resample": 2,
        "size": 224,
    },
    "facebook/deit-base-distilled-patch16-224": {
        "crop_size": 224,
        "do_center_crop": True,
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "DeiTFeatureExtractor",
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
        "resample": 3,
        "size": 256,
    },
    "microsoft/beit-base-patch16-224-pt22k-ft22k": {
        "crop_size": 224,
        "do_center_crop": False,
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "BeitFeatureExtractor",
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
        "reduce_labels": False,
        "resample": 2,
        "size": 224,
    },
    "microsoft/swin-tiny-patch4-window7-224": {
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "ViTFeatureExtractor",
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
        "resample": 3,
        "size": 224,
    },
    "facebook/convnext-tiny-224": {
        "crop_pct": 0.875,
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "ConvNextFeatureExtractor",
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
        "resample": 3,
        "size": 224,
    },
    "facebook/convnext-large-384 (no crop)": {
        "do_normalize": True,
        "do_resize": True,
        "image_processor_type": "ConvNextImageProcessor",
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
        "resample": 3,
        "size": {"shortest_edge": 384},
    },
    "microsoft/resnet-50": {
        "crop_pct": 0.875,
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "ConvNextFeatureExtractor",
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
        "resample": 3,
        "size": 224,
    },
    "apple/mobilevit-small": {
        "crop_size": 256,
        "do_center_crop": True,
        "do_flip_channel_order": True,
        "do_resize": True,
        "feature_extractor_type": "MobileViTFeatureExtractor",
        "resample": 2,
        "size": 288,
    },
    "google/efficientnet-b0": {
        "crop_size": {"height": 289, "width": 289},
        "do_center_crop": False,
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": IMAGENET_MEAN,
        "image_processor_type": "EfficientNetImageProcessor",
        "image_std": [0.47853944, 0.4732864, 0.47434163],
        "include_top": False,
        "resample": 0,
        "rescale_factor": 0.00392156862745098,
        "rescale_offset": False,
        "size": {"height": 224, "width": 224},
    },
    "efficientnet (include_top, rescale_offset, crop)": {
        "crop_size": {"height": 200, "width": 190},
        "do_center_crop": True,
        "image_processor_type": "EfficientNetImageProcessor",
        "include_top": True,
        "rescale_factor": 0.00784313725490196,
        "rescale_offset": True,
        "size": {"height": 180, "width": 240},
    },
    "facebook/dinov2-small": {
        "crop_size": {"height": 224, "width": 224},
        "do_center_crop": True,
        "do_convert_rgb": True,
        "do_normalize": True,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": IMAGENET_MEAN,
        "image_processor_type": "BitImageProcessor",
        "image_std": IMAGENET_STD,
        "resample": 3,
        "rescale_factor": 0.00392156862745098,
        "size": {"shortest_edge": 256},
    },
    "facebook/detr-resnet-50": {
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "DetrFeatureExtractor",
        "format": "coco_detection",
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
        "max_size": 1333,
        "size": 800,
    },
    "detr (small sizes, max_height/max_width)": {
        "image_processor_type": "DetrImageProcessor",
        "size": {"max_height": 300, "max_width": 200},
    },
    "hustvl/yolos-tiny": {
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "YolosFeatureExtractor",
        "format": "coco_detection",
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
        "max_size": 1333,
        "size": 512,
    },
    "nvidia/segformer-b0-finetuned-ade-512-512": {
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "SegformerFeatureExtractor",
        "image_mean": IMAGENET_MEAN,
        "image_std": IMAGENET_STD,
        "reduce_labels": True,
        "resample": 2,
        "size": 512,
    },
    "openmmlab/upernet-convnext-tiny": {
        "do_normalize": True,
        "do_reduce_labels": False,
        "do_rescale": True,
        "do_resize": True,
        "image_mean": IMAGENET_MEAN,
        "image_processor_type": "SegformerImageProcessor",
        "image_std": IMAGENET_STD,
        "resample": 2,
        "rescale_factor": 0.00392156862745098,
        "size": {"height": 512, "width": 512},
    },
    "Intel/dpt-large": {
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "DPTFeatureExtractor",
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
        "resample": 2,
        "size": 384,
    },
    "LiheYoung/depth-anything-small-hf (keep_aspect_ratio, multiple of 14)": {
        "do_normalize": True,
        "do_pad": False,
        "do_rescale": True,
        "do_resize": True,
        "ensure_multiple_of": 14,
        "image_mean": IMAGENET_MEAN,
        "image_processor_type": "DPTImageProcessor",
        "image_std": IMAGENET_STD,
        "keep_aspect_ratio": True,
        "resample": 3,
        "rescale_factor": 0.00392156862745098,
        "size": {"height": 518, "width": 518},
        "size_divisor": None,
    },
    "dpt (size_divisor padding, scalar mean/std)": {
        "do_pad": True,
        "image_mean": 0.5,
        "image_std": 0.25,
        "image_processor_type": "DPTImageProcessor",
        "keep_aspect_ratio": True,
        "ensure_multiple_of": 8,
        "size": {"height": 200, "width": 150},
        "size_divisor": 32,
    },
    # As published but for apply_ocr (the words are tests/test_document_qa.py's; pixels here).
    "microsoft/layoutlmv3-base (apply_ocr off)": {
        "apply_ocr": False,
        "do_normalize": True,
        "do_resize": True,
        "feature_extractor_type": "LayoutLMv3FeatureExtractor",
        "image_mean": [0.5, 0.5, 0.5],
        "image_std": [0.5, 0.5, 0.5],
        "ocr_lang": None,
        "resample": 2,
        "size": 224,
    },
    "vit (do_pad to pad_size, no resize)": {
        "do_pad": True,
        "do_resize": False,
        "image_processor_type": "ViTImageProcessor",
        "pad_size": {"height": 720, "width": 720},
    },
}

# (height, width): 1x1 up to ~700x500, portrait and landscape, odd sizes.
SIZES = [
    (1, 1),
    (3, 7),
    (17, 5),
    (64, 64),
    (101, 257),
    (333, 127),
    (480, 640),
    (517, 383),
    (700, 499),
    (223, 224),
]
RESULTS: dict[str, dict[str, float]] = {}


def images(sizes) -> list[np.ndarray]:
    rng = np.random.default_rng(13)
    out = []
    for height, width in sizes:
        noise = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        ramp = np.linspace(0, 255, width, dtype=np.float64)[None, :, None]
        # Half noise, half smooth gradient: resampling filters see edges and slopes.
        smooth = np.broadcast_to(ramp, (height, width, 3)).astype(np.uint8)
        out.append(np.where(rng.random((height, width, 1)) < 0.5, noise, smooth))
    return out


def reference(name: str, config: dict, tmp_path):
    """The image processor transformers.pipeline would load for this preprocessor_config.json."""
    folder = tmp_path / name.replace("/", "_").replace(" ", "_")
    folder.mkdir()
    (folder / "preprocessor_config.json").write_text(json.dumps(config))
    processor = transformers.AutoImageProcessor.from_pretrained(str(folder))
    assert type(processor).__name__.endswith("Pil"), type(processor).__name__
    return processor


def compare(name, processor, config, arrays, height=None, width=None) -> float:
    expected = processor([Image.fromarray(a) for a in arrays], return_tensors="np")
    got = _native.preprocess_images(json.dumps(config), arrays, height, width)
    assert got["pixel_values"].dtype == np.float32
    assert got["pixel_values"].shape == expected["pixel_values"].shape, name
    diff = float(np.max(np.abs(got["pixel_values"] - expected["pixel_values"])))
    assert diff <= ATOL, (name, diff)
    assert ("pixel_mask" in got) == ("pixel_mask" in expected), name
    if "pixel_mask" in got:
        assert got["pixel_mask"].dtype == np.int64
        np.testing.assert_array_equal(got["pixel_mask"], expected["pixel_mask"])
    return diff


def usable(name: str, size: tuple[int, int]) -> bool:
    # YOLOS rounds sides down to multiples of 16: a 1-pixel-high strip resizes to height 0,
    # which transformers cannot process either.
    return not (name == "hustvl/yolos-tiny" and min(size) * 1333 < 16 * max(size))


@pytest.mark.parametrize("name", list(CONFIGS))
def test_matches_transformers(name, tmp_path):
    config = CONFIGS[name]
    processor = reference(name, config, tmp_path)
    sizes = [s for s in SIZES if usable(name, s)]
    arrays = images(sizes)
    worst = 0.0
    for array in arrays:  # one at a time
        worst = max(worst, compare(name, processor, config, [array]))
    # A batch of mixed sizes: transformers pads it (do_pad, except DPT's per-image size_divisor
    # padding) or stacks it when every image ends the same size.
    pads = bool(getattr(processor, "do_pad", False)) and "DPT" not in type(processor).__name__
    shapes = {
        processor(Image.fromarray(a), return_tensors="np")["pixel_values"].shape[2:] for a in arrays
    }
    if pads or len(shapes) == 1:
        worst = max(worst, compare(name, processor, config, arrays))
    RESULTS[name] = {"max_abs_diff": worst}
    print(f"{name}: max |native - transformers| = {worst:.3g}")


def test_fixed_graph_size_pads_bottom_right_with_mask():
    # DETR at a fixed 800x1344 graph: each image resized as transformers does, placed top left.
    config = CONFIGS["detr (small sizes, max_height/max_width)"]
    arrays = images([(100, 50), (40, 90)])
    got = _native.preprocess_images(json.dumps(config), arrays, 320, 256)
    assert got["pixel_values"].shape == (2, 3, 320, 256)
    alone = _native.preprocess_images(json.dumps(config), arrays[:1])
    h, w = alone["pixel_values"].shape[2:]
    np.testing.assert_array_equal(got["pixel_values"][0, :, :h, :w], alone["pixel_values"][0])
    assert not got["pixel_values"][0, :, h:, :].any() and not got["pixel_values"][0, :, :, w:].any()
    assert got["pixel_mask"][0].sum() == h * w and got["pixel_mask"][0, :h, :w].all()


def test_errors_name_the_problem():
    vit = dict(CONFIGS["google/vit-base-patch16-224"])
    one = images([(30, 40)])
    with pytest.raises(ValueError, match="graph takes 384x384"):
        _native.preprocess_images(json.dumps(vit), one, 384, 384)
    with pytest.raises(ValueError, match="size"):
        _native.preprocess_images(json.dumps({**vit, "size": {"longest_edge": 3}}), one)
    with pytest.raises(ValueError, match="image_processor_type"):
        _native.preprocess_images(json.dumps({"image_processor_type": "SamImageProcessor"}), one)
    detr = CONFIGS["detr (small sizes, max_height/max_width)"]
    with pytest.raises(ValueError, match="larger than"):
        _native.preprocess_images(json.dumps(detr), images([(300, 10)]), 100, 100)
