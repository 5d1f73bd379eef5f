"""Writes the seed corpus of cpp/fuzz/image_decode_fuzz.cpp: small images (a few hundred bytes
each) in every format and variant the decoder handles, written by Pillow, so that the fuzzer
starts past each format's header checks. Usage: make_image_fuzz_seeds.py OUT_DIR"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    rgb = Image.fromarray(rng.integers(0, 256, size=(9, 13, 3), dtype=np.uint8))
    rgba = rgb.copy()
    rgba.putalpha(Image.fromarray(rng.integers(0, 256, size=(9, 13), dtype=np.uint8)))
    exif = Image.Exif()
    exif[0x0112] = 6
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=7)
    seeds = {
        "rgb.png": (rgb, {}),
        "rgba.png": (rgba, {}),
        "gray.png": (rgb.convert("L"), {}),
        "gray16.png": (Image.fromarray(np.arange(117, dtype=np.uint16).reshape(9, 13) * 500), {}),
        "palette_trns.png": (palette, {"transparency": 2, "bits": 4}),
        "mono.png": (rgb.convert("1"), {}),
        "exif.png": (rgb, {"exif": exif.tobytes()}),
        "baseline.jpg": (rgb, {"quality": 50}),
        "progressive.jpg": (rgb, {"progressive": True}),
        "gray.jpg": (rgb.convert("L"), {}),
        "cmyk.jpg": (rgb.convert("CMYK"), {}),
        "exif.jpg": (rgb, {"exif": exif.tobytes()}),
        "rgb.bmp": (rgb, {}),
        "rgba.bmp": (rgba, {}),
        "palette.bmp": (palette, {}),
        "mono.bmp": (rgb.convert("1"), {}),
        "palette.gif": (palette, {"transparency": 1}),
        "animated.gif": (palette, {"save_all": True, "append_images": [rgb.convert("P")]}),
        "lossy.webp": (rgba, {"quality": 30}),
        "lossless.webp": (rgba, {"lossless": True, "exif": exif.tobytes()}),
        "animated.webp": (rgb, {"save_all": True, "append_images": [rgba]}),
    }
    for name, (image, options) in seeds.items():
        image.save(out / name, **options)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
