"""Resizing (cpp/src/image/resample.cpp) against Pillow's Image.resize: every filter, shrinking
and enlarging, gray and RGB, on random images of random sizes — the bytes must be identical."""

from __future__ import annotations

import random

import numpy as np
import pytest

PIL = pytest.importorskip("PIL")
from PIL import Image  # noqa: E402

from modelexport import _native  # noqa: E402

FILTERS = {
    "nearest": Image.Resampling.NEAREST,
    "box": Image.Resampling.BOX,
    "bilinear": Image.Resampling.BILINEAR,
    "hamming": Image.Resampling.HAMMING,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}


def ours(image: Image.Image, size: tuple[int, int], resample: int) -> bytes:
    channels = len(image.getbands())
    return _native.resize_image(
        image.tobytes(), image.width, image.height, channels, size[0], size[1], int(resample)
    )


def random_image(rng: random.Random, mode: str, width: int, height: int) -> Image.Image:
    kind = rng.choice(["noise", "gradient", "blocks"])
    channels = 1 if mode == "L" else 3
    if kind == "noise":
        data = np.frombuffer(rng.randbytes(width * height * channels), dtype=np.uint8)
    elif kind == "gradient":
        x = np.linspace(0, 255, width)[None, :, None]
        y = np.linspace(255, 0, height)[:, None, None]
        data = np.broadcast_to((x + y) / 2, (height, width, channels)).astype(np.uint8)
    else:  # hard edges: where ringing filters (bicubic, lanczos) overshoot and clamp
        data = np.where(
            (np.arange(width)[None, :, None] // 3 + np.arange(height)[:, None, None] // 2) % 2,
            255,
            0,
        ).astype(np.uint8)
        data = np.broadcast_to(data, (height, width, channels))
    array = np.ascontiguousarray(data).reshape(height, width, channels)
    return Image.fromarray(array[:, :, 0] if mode == "L" else array, mode)


def test_600_random_resizes_are_identical_to_pillow():
    rng = random.Random(20261201)
    mismatches = []
    for case in range(600):
        mode = rng.choice(["RGB", "RGB", "L"])
        width, height = rng.randint(1, 90), rng.randint(1, 90)
        image = random_image(rng, mode, width, height)
        # Up, down, extreme and mixed factors.
        size = (
            rng.choice([1, rng.randint(1, 200), width * rng.randint(1, 4), max(1, width // 3)]),
            rng.choice([1, rng.randint(1, 200), height * rng.randint(1, 4), max(1, height // 7)]),
        )
        name = rng.choice(list(FILTERS))
        expected = image.resize(size, FILTERS[name]).tobytes()
        got = ours(image, size, FILTERS[name])
        if got != expected:
            mismatches.append(f"case {case}: {mode} {width}x{height} -> {size} {name}")
    assert not mismatches, f"{len(mismatches)} differ, e.g. {mismatches[:5]}"


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_typical_model_sizes(name):
    # A camera-sized photo to the 224 / 384 squares vision models take, and back up.
    rng = random.Random(7)
    image = random_image(rng, "RGB", 640, 480)
    for size in [(224, 224), (384, 384), (1000, 750)]:
        assert ours(image, size, FILTERS[name]) == image.resize(size, FILTERS[name]).tobytes()


def test_bad_sizes_are_value_errors():
    pixels = bytes(12)
    with pytest.raises(ValueError, match="empty"):
        _native.resize_image(pixels, 2, 2, 3, 0, 5, 2)
    with pytest.raises(ValueError, match="over the limit"):
        _native.resize_image(pixels, 2, 2, 3, 1 << 20, 5, 2)
    with pytest.raises(ValueError, match="do not match"):
        _native.resize_image(pixels, 3, 3, 3, 5, 5, 2)
    with pytest.raises(ValueError, match="convert to RGB"):  # Pillow premultiplies alpha
        _native.resize_image(bytes(16), 2, 2, 4, 5, 5, 2)
    with pytest.raises(ValueError, match="resampling filter"):
        _native.resize_image(pixels, 2, 2, 3, 5, 5, 9)
