// Image: 8-bit pixels with interleaved channels, and resizing that is bit-exact with Pillow's
// Image.resize for the same filter (its two-pass convolution with antialiasing when shrinking,
// 22-bit fixed-point coefficients and rounding; nearest neighbour by its affine scaling).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace modelexport {

struct Image {
  std::size_t width = 0;
  std::size_t height = 0;
  std::size_t channels = 3;          // 1 (L) or 3 (RGB)
  std::vector<std::uint8_t> pixels;  // row-major, height * width * channels
};

// Pillow's resampling filters, numbered as PIL.Image.Resampling numbers them.
enum class Resample {
  kNearest = 0,
  kLanczos = 1,
  kBilinear = 2,
  kBicubic = 3,
  kBox = 4,
  kHamming = 5
};

// "nearest" | "lanczos" | "bilinear" | "bicubic" | "box" | "hamming", or Pillow's number (as
// transformers stores it in preprocessor_config.json); throws std::invalid_argument otherwise.
Resample parse_resample(std::string_view name);
Resample resample_from_pil(int value);

// `image` resized to width x height, as Pillow's Image.resize(size, filter) returns it.
// Throws std::invalid_argument for an empty image or size, a size over limits::kMaxImageSide,
// a channel count other than 1 or 3 (Pillow premultiplies alpha; convert to RGB first), or
// pixels that do not match the declared size.
Image resize(const Image& image, std::size_t width, std::size_t height, Resample filter);

}  // namespace modelexport
