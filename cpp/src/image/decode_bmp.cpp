// BMP through stb_image (Debian's libstb-dev header), compiled here with only its BMP decoder
// and no stdio: uncompressed 1/4/8-bit palette, 16/24/32-bit and bit-field BMPs. Its output
// equals Pillow's convert("RGB") on the variants tests/test_image_decode.py checks. RLE-
// compressed BMPs, which stb_image does not read, are refused. Known gap: a corrupt palette BMP
// whose indices reach past its stored palette gets stb_image's uninitialised palette entries
// there (Pillow gives black); no read outside the buffers, but not Pillow's bytes.
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "image/decode_formats.h"

// Third-party code: our warnings do not apply to it.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS (1 << 24)
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

namespace modelexport::image_detail {
namespace {

struct StbFree {
  void operator()(stbi_uc* pixels) const { stbi_image_free(pixels); }
};

std::uint32_t le(const std::uint8_t* data, std::size_t size, std::size_t at, int bytes) {
  std::uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) {
    const std::size_t k = at + static_cast<std::size_t>(i);
    value = (value << 8) | (k < size ? data[k] : 0u);
  }
  return value;
}

// stb_image reads zeros past the end of the data; Pillow reports a truncated file. An
// uncompressed BMP needs its pixel offset plus |height| rows padded to 4 bytes.
bool truncated(const std::uint8_t* data, std::size_t size) {
  const std::uint64_t offset = le(data, size, 10, 4);
  const std::uint32_t header = le(data, size, 14, 4);
  std::uint64_t width = 0;
  std::uint64_t height = 0;
  std::uint64_t bits = 0;
  if (header == 12) {  // OS/2 BITMAPCOREHEADER
    width = le(data, size, 18, 2);
    height = le(data, size, 20, 2);
    bits = le(data, size, 24, 2);
  } else if (header >= 40) {
    if (le(data, size, 30, 4) == 1 || le(data, size, 30, 4) == 2) return false;  // RLE: refused
    const auto w = static_cast<std::int32_t>(le(data, size, 18, 4));
    const auto h = static_cast<std::int32_t>(le(data, size, 22, 4));
    width = static_cast<std::uint64_t>(w < 0 ? -static_cast<std::int64_t>(w) : w);
    height = static_cast<std::uint64_t>(h < 0 ? -static_cast<std::int64_t>(h) : h);
    bits = le(data, size, 28, 2);
  } else {
    return false;
  }
  const std::uint64_t stride = (width * bits + 31) / 32 * 4;
  return size < offset + stride * height;
}

}  // namespace

DecodedImage decode_bmp(const std::uint8_t* data, std::size_t size, std::size_t max_pixels) {
  if (size > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("BMP data over 2 GiB");
  }
  const int length = static_cast<int>(size);
  int width = 0;
  int height = 0;
  int channels = 0;
  if (!stbi_info_from_memory(data, length, &width, &height, &channels)) {
    throw std::invalid_argument(std::string("unsupported or corrupt BMP data: ") +
                                stbi_failure_reason());
  }
  check_image_size("BMP", static_cast<std::size_t>(width), static_cast<std::size_t>(height),
                   max_pixels);
  if (truncated(data, size)) throw std::invalid_argument("truncated BMP data");
  const std::unique_ptr<stbi_uc, StbFree> pixels(
      stbi_load_from_memory(data, length, &width, &height, &channels, 3));
  if (!pixels) {
    throw std::invalid_argument(std::string("unsupported or corrupt BMP data: ") +
                                stbi_failure_reason());
  }
  DecodedImage result;
  result.image = new_rgb_image(static_cast<std::size_t>(width), static_cast<std::size_t>(height));
  std::copy(pixels.get(), pixels.get() + result.image.pixels.size(), result.image.pixels.begin());
  return result;
}

}  // namespace modelexport::image_detail
