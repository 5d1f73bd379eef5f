// modelexport._native.load_image: decode_image / load_image_file (image_decode.h) to a numpy
// uint8 array of shape (height, width, 3), owning the decoded pixels without a copy.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/variant.h>

#include <optional>
#include <string>
#include <variant>

#include "modelexport/image_decode.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using ImageArray = nb::ndarray<nb::numpy, std::uint8_t, nb::ndim<3>>;

ImageArray load_image(const std::variant<nb::bytes, std::string>& source,
                      std::optional<std::size_t> max_pixels) {
  modelexport::ImageDecodeOptions options;
  if (max_pixels) options.max_pixels = *max_pixels;
  auto* pixels = new std::vector<std::uint8_t>();
  nb::capsule owner(pixels,
                    [](void* p) noexcept { delete static_cast<std::vector<std::uint8_t>*>(p); });
  modelexport::Image image;
  {
    nb::gil_scoped_release release;
    if (const auto* bytes = std::get_if<nb::bytes>(&source)) {
      // bytes are immutable: reading them without the GIL is safe while `source` holds them.
      image = modelexport::decode_image(static_cast<const std::uint8_t*>(bytes->data()),
                                        bytes->size(), options);
    } else {
      image = modelexport::load_image_file(std::get<std::string>(source), options);
    }
  }
  *pixels = std::move(image.pixels);
  return ImageArray(pixels->data(), {image.height, image.width, image.channels}, owner);
}

}  // namespace

void bind_image(nb::module_& m) {
  m.def("load_image", &load_image, "source"_a, "max_pixels"_a = nb::none(),
        "Decodes an image file (path) or its bytes to an RGB uint8 array of shape (height, "
        "width, 3), equal to transformers' load_image: "
        "ImageOps.exif_transpose(Image.open(f)).convert('RGB'). JPEG, PNG, GIF (first frame), "
        "WebP and BMP; max_pixels defaults to Pillow's decompression-bomb limit. Raises "
        "ValueError for bad data.");
}
