"""Test images for the vision pipelines: real CC0 photographs shipped with scikit-image, and
Pillow-generated images of odd sizes, modes (L, LA, P, RGBA, CMYK, I;16) and EXIF
orientations. Written into a folder by `write_images`; nothing is committed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

# Photographs and scans in scikit-image's own data folder (no download needed).
SKIMAGE_FILES = (
    "chelsea.png",
    "coffee.png",
    "astronaut.png",
    "rocket.jpg",
    "motorcycle_left.png",
    "page.png",
    "text.png",
    "camera.png",
    "logo.png",
)


def skimage_images() -> list[Path]:
    """The photographs of SKIMAGE_FILES that the installed scikit-image ships."""
    import skimage

    folder = Path(skimage.__file__).parent / "data"
    return [folder / name for name in SKIMAGE_FILES if (folder / name).is_file()]


def _gradient(width: int, height: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), (x + y) % 256])
    noise = rng.integers(0, 40, size=(3, height, width))
    return np.clip(base + noise, 0, 255).astype(np.uint8).transpose(1, 2, 0)


def write_images(folder: Path) -> list[Path]:
    """Pillow-generated images of odd sizes, modes and orientations, written into `folder`."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []

    def save(image: Image.Image, name: str, **kwargs: object) -> None:
        path = folder / name
        image.save(path, **kwargs)
        paths.append(path)

    rgb = Image.fromarray(_gradient(97, 61, 1))
    save(rgb, "odd-rgb.png")
    save(Image.fromarray(_gradient(5, 233, 2)), "tall.png")
    save(Image.fromarray(_gradient(301, 3, 3)), "wide.png")
    save(Image.fromarray(_gradient(1, 1, 4)), "pixel.png")
    save(rgb.convert("L"), "gray.png")
    save(rgb.convert("LA"), "gray-alpha.png")
    save(rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=17), "palette.png")
    save(Image.fromarray(_gradient(64, 48, 5)).convert("RGBA"), "rgba.png")
    save(rgb.convert("CMYK"), "cmyk.jpg", quality=92)
    sixteen = (np.asarray(rgb.convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    save(Image.fromarray(sixteen), "gray16.png")  # mode I;16
    save(rgb, "photo.jpg", quality=90)
    for orientation in (3, 6, 8):
        exif = Image.Exif()
        exif[0x0112] = orientation
        save(Image.fromarray(_gradient(80, 50, orientation)), f"exif-{orientation}.jpg", exif=exif)
    return paths
