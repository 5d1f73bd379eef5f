"""Native image decoding (cpp/src/image/decode*.cpp, _native.load_image) against what
transformers' load_image returns, ImageOps.exif_transpose(Image.open(f)).convert("RGB"), byte
for byte: Pillow-written images of every mode and format, all EXIF orientations, odd sizes, the
photographs shipped with scikit-image, and the errors for bad data."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

PIL = pytest.importorskip("PIL")
from PIL import Image, ImageOps  # noqa: E402

from modelexport import _native  # noqa: E402


def reference(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(ImageOps.exif_transpose(image).convert("RGB"))


def picture(width: int, height: int, seed: int = 0) -> np.ndarray:
    """An RGB test picture: gradients (smooth areas JPEG keeps) plus noise (edges it does not)."""
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 255, width)[None, :]
    y = np.linspace(0, 255, height)[:, None]
    base = np.stack([x + 0 * y, y + 0 * x, (x + y) / 2], axis=-1)
    noise = rng.integers(-40, 40, size=(height, width, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def exif_bytes(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(width: int, height: int, depth: int, color_type: int, rows: list[bytes]) -> bytes:
    """A PNG written by hand (filter 0): the bit depths Pillow cannot write (16-bit RGB, LA, RGBA;
    1/2/4-bit grey)."""
    header = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, 0)
    data = zlib.compress(b"".join(b"\0" + row for row in rows))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def place_gif_frame(gif: bytes, screen: tuple[int, int], offset: tuple[int, int]) -> bytes:
    """The GIF with its logical screen and its first frame's position rewritten: frames placed
    inside a larger screen, or reaching past a smaller one (which Pillow enlarges)."""
    data = bytearray(gif)
    flags = data[10]
    data[6:10] = struct.pack("<HH", *screen)
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while data[pos] == 0x21:  # extensions: introducer, label, sub-blocks
        pos += 2
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    assert data[pos] == 0x2C
    data[pos + 1 : pos + 5] = struct.pack("<HH", *offset)
    return bytes(data)


def write_cases(root: Path | None) -> dict[str, Path]:
    """Writes the test images into root; with None, only names them (for the test ids)."""
    cases: dict[str, Path] = {}

    def save(name: str, image: Image.Image, **options) -> None:
        if root is not None:
            image.save(root / name, **options)
        cases[name] = root / name if root is not None else Path(name)

    def write(name: str, data: bytes) -> None:
        if root is not None:
            (root / name).write_bytes(data)
        cases[name] = root / name if root is not None else Path(name)

    rgb = Image.fromarray(picture(67, 45))
    alpha = Image.fromarray(picture(67, 45, seed=1)[:, :, 0])
    rgba = rgb.copy()
    rgba.putalpha(alpha)
    gray = rgb.convert("L")

    # PNG, every mode Pillow opens a PNG in.
    save("mode_1.png", gray.convert("1"))
    save("mode_L.png", gray)
    save("mode_LA.png", rgba.convert("LA"))
    save("mode_P.png", rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=200))
    small_palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=12)
    save("mode_P_4bit.png", small_palette, bits=4)
    save("mode_P_trns.png", small_palette, transparency=3)
    save("mode_RGB.png", rgb)
    save("mode_RGB_trns.png", rgb, transparency=(10, 20, 30))
    save("mode_RGBA.png", rgba)
    save("mode_L_trns.png", gray, transparency=7)
    wide = (picture(40, 30)[:, :, 0].astype(np.uint16) * 257 // 3).astype(np.uint16)
    wide[0, :20] = np.arange(20)  # values below 256, which survive Pillow's clip
    save("mode_I16.png", Image.fromarray(wide))
    rows16 = [r.astype(">u2").tobytes() for r in picture(31, 9).astype(np.uint16) * 257 + 5]
    write("rgb16.png", raw_png(31, 9, 16, 2, rows16))
    rgba16 = np.concatenate([picture(31, 9), picture(31, 9, 2)[:, :, :1]], axis=-1)
    write(
        "rgba16.png",
        raw_png(
            31, 9, 16, 6, [r.astype(">u2").tobytes() for r in rgba16.astype(np.uint16) * 255 + 7]
        ),
    )
    la16 = picture(31, 9)[:, :, :2].astype(np.uint16) * 255
    write("la16.png", raw_png(31, 9, 16, 4, [r.astype(">u2").tobytes() for r in la16]))
    # A palette shorter than the indices used: Pillow shows the missing entries as black.
    short_palette = raw_png(16, 4, 8, 3, [bytes(range(y * 16, y * 16 + 16)) for y in range(4)])
    plte = png_chunk(b"PLTE", bytes(range(30)))
    write("short_palette.png", short_palette[:33] + plte + short_palette[33:])
    for depth in (1, 2, 4):
        levels = picture(24, 5)[:, :, 0] >> (8 - depth)
        packed = [
            np.packbits(np.unpackbits(r[:, None], axis=1)[:, 8 - depth :]).tobytes() for r in levels
        ]
        write(f"gray{depth}bit.png", raw_png(24, 5, depth, 0, packed))

    # JPEG: subsamplings, progressive, greyscale, CMYK (Pillow writes Adobe-inverted CMYK).
    save("baseline_420.jpg", rgb, quality=90)
    save("baseline_444.jpg", rgb, quality=75, subsampling=0)
    save("baseline_422.jpg", rgb, quality=50, subsampling=1)
    save("progressive.jpg", rgb, quality=85, progressive=True)
    save("progressive_gray.jpg", gray, progressive=True)
    save("gray.jpg", gray)
    save("cmyk.jpg", rgb.convert("CMYK"), quality=90)
    save("xmp_orientation.jpg", rgb, xmp=b"<x:xmpmeta><tiff:Orientation>6</tiff:Orientation>")

    # BMP: 24-bit, 32-bit, 8-bit palette (colour and grey), 1-bit.
    save("rgb24.bmp", rgb)
    save("rgba32.bmp", rgba)
    save("palette8.bmp", rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=100))
    save("gray8.bmp", gray)
    save("mono1.bmp", gray.convert("1"))

    # GIF: first frame of an animation, with and without transparency; greyscale.
    frames = [Image.fromarray(picture(50, 33, seed)).convert("P") for seed in range(3)]
    save("animated.gif", frames[0], save_all=True, append_images=frames[1:], duration=50)
    save("transparent.gif", frames[1], transparency=5, save_all=True, append_images=frames[:1])
    save("gray.gif", gray)
    if root is not None:
        frames[0].save(root / "frame.gif")
        frames[0].save(root / "frame_trns.gif", transparency=9)
    frame = (root / "frame.gif").read_bytes() if root is not None else b""
    frame_trns = (root / "frame_trns.gif").read_bytes() if root is not None else b""
    write("offset_in_screen.gif", place_gif_frame(frame, (70, 50), (7, 11)) if frame else b"")
    write("offset_trns.gif", place_gif_frame(frame_trns, (61, 40), (3, 2)) if frame else b"")
    write("past_screen.gif", place_gif_frame(frame, (20, 20), (5, 9)) if frame else b"")

    # WebP: lossy and lossless, with and without alpha, animated.
    save("lossy.webp", rgb, quality=80)
    save("lossy_alpha.webp", rgba, quality=70)
    save("lossless.webp", rgb, lossless=True)
    save("lossless_alpha.webp", rgba, lossless=True)
    save("animated.webp", frames[0].convert("RGB"), save_all=True, append_images=frames[1:])

    # Every EXIF orientation, in every format whose EXIF Pillow reads.
    oriented = Image.fromarray(picture(13, 6))
    for orientation in range(1, 9):
        for fmt, options in (("jpg", {"quality": 95}), ("png", {}), ("webp", {"lossless": True})):
            save(
                f"orientation{orientation}.{fmt}", oriented, exif=exif_bytes(orientation), **options
            )

    # Odd sizes.
    for width, height in ((1, 1), (3, 7), (1000, 1), (1, 600)):
        image = Image.fromarray(picture(width, height))
        for fmt in ("png", "jpg", "bmp", "gif", "webp"):
            save(f"size{width}x{height}.{fmt}", image)
    return cases


CASE_NAMES = sorted(write_cases(None))


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Path]:
    return write_cases(tmp_path_factory.mktemp("images"))


@pytest.mark.parametrize("name", CASE_NAMES)
def test_identical_to_pillow(cases, name):
    path = cases[name]
    expected = reference(path)
    got = _native.load_image(str(path))
    assert got.dtype == np.uint8 and got.shape == expected.shape
    if not np.array_equal(got, expected):
        diff = np.abs(got.astype(int) - expected.astype(int))
        pytest.fail(f"{name}: {np.count_nonzero(diff)} values differ, max by {diff.max()}")
    # The same from the bytes.
    assert np.array_equal(_native.load_image(path.read_bytes()), expected)


def skimage_files() -> list[Path]:
    try:
        import skimage
    except ImportError:
        return []
    folder = Path(skimage.__file__).parent / "data"
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".png", ".jpg", ".gif"))


@pytest.mark.parametrize("path", skimage_files(), ids=lambda p: p.name)
def test_scikit_image_photos_identical_to_pillow(path):
    assert np.array_equal(_native.load_image(str(path)), reference(path))


def one_line_error(source, **kwargs) -> str:
    with pytest.raises(ValueError) as error:
        _native.load_image(source, **kwargs)
    message = str(error.value)
    assert message and "\n" not in message
    return message


def test_errors_are_one_line_value_errors(cases, tmp_path):
    assert "empty" in one_line_error(b"")
    assert "unsupported image format" in one_line_error(b"GIF8 not an image at all")
    # Truncated files of every format.
    for name in ("baseline_420.jpg", "progressive.jpg", "mode_RGB.png", "animated.gif"):
        data = cases[name].read_bytes()
        assert "truncated" in one_line_error(data[: len(data) // 5]), name
    assert one_line_error(cases["lossy.webp"].read_bytes()[:100])
    assert "truncated" in one_line_error(cases["rgb24.bmp"].read_bytes()[:-300])
    # Corrupt data after a valid header.
    data = bytearray(cases["mode_RGB.png"].read_bytes())
    data[60:80] = b"\xff" * 20
    assert "PNG" in one_line_error(bytes(data))
    # Decompression bombs: a header declaring 100000 x 100000 pixels, refused before decoding.
    bomb = raw_png(100000, 100000, 8, 2, [])
    assert "above the limit" in one_line_error(bomb)
    gif_bomb = (
        b"GIF89a"
        + struct.pack("<HH", 65535, 65535)
        + b"\0\0\0"
        + b",\0\0\0\0\xff\xff\xff\xff\0\x02"
    )
    assert "above the limit" in one_line_error(gif_bomb)
    # The limit is an option; a file path prefixes the message.
    assert "above the limit of 100 pixels" in one_line_error(
        str(cases["mode_RGB.png"]), max_pixels=100
    )
    assert one_line_error(str(cases["mode_RGB.png"]), max_pixels=100).startswith(
        str(cases["mode_RGB.png"])
    )
    zero = raw_png(0, 5, 8, 2, [])
    assert one_line_error(zero)
    (tmp_path / "notes.png").write_bytes(b"plain text, whatever the extension says")
    assert "unsupported image format" in one_line_error(str(tmp_path / "notes.png"))
