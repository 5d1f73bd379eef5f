// Image decoding (JPEG, PNG, GIF, WebP, BMP) to 8-bit RGB, pixel for pixel what transformers'
// load_image returns: PIL.ImageOps.exif_transpose(PIL.Image.open(f)).convert("RGB") (Pillow
// 13.0), and the PNG encoder the tools use to write segmentation masks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "modelexport/image.h"
#include "modelexport/limits.h"

namespace modelexport {

struct ImageDecodeOptions {
  // Images with more pixels than this are refused before their pixels are allocated: Pillow's
  // DecompressionBombError threshold (2 x Image.MAX_IMAGE_PIXELS = 2 x 89,478,485).
  std::size_t max_pixels = limits::kMaxDecodedImagePixels;
};

// Decodes an encoded image, its format sniffed from its first bytes (never from a file name),
// and applies its EXIF orientation (or XMP tiff:Orientation, as Pillow does) the way
// ImageOps.exif_transpose does. The result always has 3 channels (RGB): alpha is dropped, not
// composited, as Image.convert("RGB") drops it; GIF and animated WebP give their first frame.
// Throws std::invalid_argument, one line, for empty, truncated or corrupt data, an unsupported
// format, a zero-size image or one above options.max_pixels; callers prepend the input's name.
Image decode_image(const std::uint8_t* data, std::size_t size,
                   const ImageDecodeOptions& options = {});

// decode_image on a file's bytes; errors are prefixed with the path. A file that cannot be read
// is a std::runtime_error.
Image load_image_file(const std::string& path, const ImageDecodeOptions& options = {});

// A PNG (8-bit, default zlib compression) of a 1-channel (grayscale) or 3-channel (RGB) image.
// Throws std::invalid_argument for an empty image, another channel count or pixels that do not
// match the declared size.
std::vector<std::uint8_t> encode_png(const Image& image);

}  // namespace modelexport
