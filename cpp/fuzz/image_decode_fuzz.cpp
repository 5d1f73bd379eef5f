// libFuzzer target: bytes -> decode_image (every format by its magic bytes), with a pixel limit
// low enough that the fuzzer explores headers rather than allocating large images; decoded
// images are re-encoded with encode_png and decoded again, which must give them back. Bad data
// must be a std::invalid_argument; anything else (a crash, a sanitizer report, another
// exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>

#include "modelexport/image_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  modelexport::ImageDecodeOptions options;
  options.max_pixels = std::size_t{1} << 22;
  modelexport::Image image;
  try {
    image = modelexport::decode_image(data, size, options);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  if (image.channels != 3 || image.pixels.size() != image.width * image.height * 3) std::abort();
  if (image.width * image.height <= (std::size_t{1} << 16)) {
    const std::vector<std::uint8_t> png = modelexport::encode_png(image);
    const modelexport::Image again = modelexport::decode_image(png.data(), png.size(), options);
    if (again.pixels != image.pixels || again.width != image.width) std::abort();
  }
  return 0;
}
