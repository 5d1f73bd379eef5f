// _native.preprocess_images: the native image processor over numpy images, for parity tests
// against transformers' image processors (tests/test_image_processor_parity.py).
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "processors/image_processor.h"

namespace nb = nanobind;
using namespace nb::literals;

namespace {

using ImageArray = nb::ndarray<const std::uint8_t, nb::ndim<3>, nb::c_contig, nb::device::cpu>;

template <typename T>
nb::ndarray<nb::numpy, T> to_numpy(modelexport::Tensor<T>&& tensor) {
  auto* owned = new std::vector<T>(std::move(tensor.data));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<T>*>(p); });
  std::vector<std::size_t> shape(tensor.shape.begin(), tensor.shape.end());
  return nb::ndarray<nb::numpy, T>(owned->data(), shape.size(), shape.data(), owner);
}

nb::dict preprocess_images(const std::string& config_json, const std::vector<ImageArray>& images,
                           std::optional<std::int64_t> height, std::optional<std::int64_t> width) {
  using modelexport::processors::ImageProcessor;
  // A graph as the exporter makes it: pixel_values [batch, 3, H, W] (H, W fixed when given)
  // and pixel_mask where the class returns one and pads.
  const auto config =
      modelexport::processors::parse_image_processor_config(config_json, "preprocessor_config");
  modelexport::TensorInfo pixels{"pixel_values",
                                 "float32",
                                 {-1, 3, height.value_or(-1), width.value_or(-1)},
                                 {"", "", "", ""}};
  std::vector<modelexport::TensorInfo> inputs{pixels};
  const bool mask = config.padding.enabled &&
                    std::find(config.model_input_names.begin(), config.model_input_names.end(),
                              "pixel_mask") != config.model_input_names.end();
  if (mask) {
    inputs.push_back(
        {"pixel_mask", "int64", {-1, height.value_or(-1), width.value_or(-1)}, {"", "", ""}});
  }
  const modelexport::runtime::ShapePolicy policy(inputs, std::max<std::size_t>(images.size(), 1));
  std::vector<modelexport::Image> decoded;
  for (const auto& array : images) {
    if (array.shape(2) != 3 && array.shape(2) != 1) {
      throw std::invalid_argument("images must be uint8 arrays of shape (height, width, 3 or 1)");
    }
    modelexport::Image image{array.shape(1), array.shape(0), array.shape(2), {}};
    image.pixels.assign(array.data(), array.data() + array.size());
    decoded.push_back(std::move(image));
  }
  modelexport::processors::Feeds feeds;
  {
    nb::gil_scoped_release release;
    const ImageProcessor processor(config_json, policy, "preprocessor_config");
    std::vector<modelexport::processors::Prepared> rows;
    for (const auto& image : decoded) rows.push_back(processor.prepare(image));
    feeds = processor.feeds(rows, policy);
  }
  nb::dict out;
  for (auto& [name, tensor] : feeds) {
    if (auto* f = std::get_if<modelexport::FloatTensor>(&tensor)) {
      out[name.c_str()] = to_numpy(std::move(*f));
    } else {
      out[name.c_str()] = to_numpy(std::move(std::get<modelexport::Int64Tensor>(tensor)));
    }
  }
  return out;
}

}  // namespace

void bind_image_processor(nb::module_& m) {
  m.def("preprocess_images", &preprocess_images, "preprocessor_config_json"_a, "images"_a,
        "height"_a = nb::none(), "width"_a = nb::none(),
        "Images (uint8 numpy arrays, height x width x 3) preprocessed by the native image "
        "processor as preprocessor_config.json configures it: {'pixel_values': [N, 3, H, W] "
        "float32 (, 'pixel_mask': [N, H, W] int64 where the class pads with a mask)}, padded to "
        "the batch's largest image, or to height x width as for a graph of that fixed size.");
}
