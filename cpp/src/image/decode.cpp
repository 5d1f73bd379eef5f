// decode_image: sniffs the format from the magic bytes, dispatches to the format's decoder
// (decode_<format>.cpp, each a Debian library) and applies the orientation as Pillow does.
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "image/decode_formats.h"
#include "modelexport/image_decode.h"

namespace modelexport {
namespace image_detail {

void check_image_size(std::string_view format, std::size_t width, std::size_t height,
                      std::size_t max_pixels) {
  const std::string what = std::string(format) + " image of " + std::to_string(width) + "x" +
                           std::to_string(height) + " pixels";
  if (width == 0 || height == 0) throw std::invalid_argument(what + " is empty (zero-size)");
  // Declared sides are at most 2^32 each: the product fits in 64 bits.
  if (width * height > max_pixels) {
    throw std::invalid_argument(what + " is above the limit of " + std::to_string(max_pixels) +
                                " pixels (a decompression bomb?)");
  }
}

Image new_rgb_image(std::size_t width, std::size_t height) {
  Image image;
  image.width = width;
  image.height = height;
  image.channels = 3;
  image.pixels.assign(width * height * 3, 0);
  return image;
}

}  // namespace image_detail

namespace {

bool starts_with(const std::uint8_t* data, std::size_t size, const char* magic,
                 std::size_t offset = 0) {
  const std::size_t n = std::strlen(magic);
  return size >= offset + n && std::memcmp(data + offset, magic, n) == 0;
}

}  // namespace

Image decode_image(const std::uint8_t* data, std::size_t size, const ImageDecodeOptions& options) {
  using namespace image_detail;
  if (data == nullptr || size == 0) throw std::invalid_argument("empty image data");
  DecodedImage decoded;
  const std::size_t limit = options.max_pixels;
  if (starts_with(data, size, "\xFF\xD8\xFF")) {
    decoded = decode_jpeg(data, size, limit);
  } else if (starts_with(data, size, "\x89PNG\r\n\x1A\n")) {
    decoded = decode_png(data, size, limit);
  } else if (starts_with(data, size, "GIF87a") || starts_with(data, size, "GIF89a")) {
    decoded = decode_gif(data, size, limit);
  } else if (starts_with(data, size, "RIFF") && starts_with(data, size, "WEBP", 8)) {
    decoded = decode_webp(data, size, limit);
  } else if (starts_with(data, size, "BM")) {
    decoded = decode_bmp(data, size, limit);
  } else {
    throw std::invalid_argument(
        "unsupported image format (expected JPEG, PNG, GIF, WebP or BMP data)");
  }
  return apply_orientation(std::move(decoded.image), image_orientation(decoded.exif, decoded.xmp));
}

Image load_image_file(const std::string& path, const ImageDecodeOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open image file " + path);
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error("cannot read image file " + path);
  try {
    return decode_image(bytes.data(), bytes.size(), options);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(path + ": " + e.what());
  }
}

}  // namespace modelexport
