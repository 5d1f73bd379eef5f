// The image processor (see image_processor.h): preprocessing one image, and fitting a batch to
// the graph as transformers pads a batch (bottom/right, zeros, pixel_mask 1 over the image).
#include "processors/image_processor.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "modelexport/package.h"

namespace modelexport::processors {
namespace {

constexpr const char* kPixelValues = "pixel_values";
constexpr const char* kPixelMask = "pixel_mask";

std::string size_text(std::size_t width, std::size_t height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

Image to_rgb(const Image& image) {
  if (image.channels == 3) return image;
  if (image.channels != 1) {
    throw std::invalid_argument("an image has " + std::to_string(image.channels) +
                                " channels; the image processor takes RGB or L");
  }
  Image rgb;
  rgb.width = image.width;
  rgb.height = image.height;
  rgb.channels = 3;
  rgb.pixels.resize(image.pixels.size() * 3);
  for (std::size_t i = 0; i < image.pixels.size(); ++i) {
    std::fill_n(rgb.pixels.begin() + static_cast<std::ptrdiff_t>(3 * i), 3, image.pixels[i]);
  }
  return rgb;
}

}  // namespace

ImageProcessor::ImageProcessor(const Package& package, const runtime::ShapePolicy& policy)
    : config_(parse_image_processor_config(package.image_processor_config(),
                                           package.model_path() + ": image_processor")) {
  fit_graph(policy, package.model_path());
}

ImageProcessor::ImageProcessor(const std::string& config_json, const runtime::ShapePolicy& policy,
                               const std::string& origin)
    : config_(parse_image_processor_config(config_json, origin)) {
  fit_graph(policy, origin);
}

void ImageProcessor::fit_graph(const runtime::ShapePolicy& policy, const std::string& origin) {
  for (const auto& spec : policy.inputs()) {
    if (spec.name == kPixelMask) {
      has_pixel_mask_ = true;
    } else if (spec.name != kPixelValues) {
      throw std::invalid_argument(origin + ": unexpected graph input '" + spec.name +
                                  "' for an image model");
    }
  }
  const TensorInfo* pixels = policy.input(kPixelValues);
  if (pixels == nullptr)
    throw std::invalid_argument(origin + ": the graph has no pixel_values input");
  if (pixels->rank_known && pixels->dims.size() != 4) {
    throw std::invalid_argument(origin + ": pixel_values has " +
                                std::to_string(pixels->dims.size()) + " axes; expected 4");
  }
  if (const auto channels = policy.fixed_dim(kPixelValues, 1); channels && *channels != 3) {
    throw std::invalid_argument(origin + ": pixel_values takes " + std::to_string(*channels) +
                                " channels; the image processor makes 3");
  }
  fixed_height_ = policy.fixed_dim(kPixelValues, 2);
  fixed_width_ = policy.fixed_dim(kPixelValues, 3);
  // A graph fixed at one size cannot take the other size every image has after the steps.
  if (const auto& fixed = config_.fixed_output) {
    if ((fixed_height_ && *fixed_height_ != (*fixed)[0]) ||
        (fixed_width_ && *fixed_width_ != (*fixed)[1])) {
      throw std::invalid_argument(
          origin + ": " + config_.class_name + " makes " + size_text((*fixed)[1], (*fixed)[0]) +
          " images; the graph takes " +
          size_text(fixed_width_.value_or((*fixed)[1]), fixed_height_.value_or((*fixed)[0])));
    }
  }
}

const std::string& ImageProcessor::type() const {
  static const std::string type = kType;
  return type;
}

Prepared ImageProcessor::prepare(const Image& image) const {
  if (image.width == 0 || image.height == 0) throw std::invalid_argument("an image is empty");
  if (image.pixels.size() != image.width * image.height * image.channels) {
    throw std::invalid_argument("an image's pixels do not match its size");
  }
  StepImage work;
  work.u8 = to_rgb(image);
  work.height = image.height;
  work.width = image.width;
  Prepared prepared;
  PreparedImage& out = prepared.image;
  out.original_width = image.width;
  out.original_height = image.height;
  out.resized_width = image.width;
  out.resized_height = image.height;
  for (const ImageStep& step : config_.steps) {
    apply_step(step, work);
    if (std::holds_alternative<ResizeStep>(step)) {
      out.resized_width = work.width;
      out.resized_height = work.height;
    }
  }
  if (!work.is_float) {  // no rescale nor normalize: the 8-bit values as floats
    apply_step(NormalizeStep{{0.0F, 0.0F, 0.0F}, {1.0F, 1.0F, 1.0F}}, work);
  }
  out.width = work.width;
  out.height = work.height;
  const std::size_t limit_height = fixed_height_.value_or(
      config_.padding.pad_size ? (*config_.padding.pad_size)[0] : work.height);
  const std::size_t limit_width =
      fixed_width_.value_or(config_.padding.pad_size ? (*config_.padding.pad_size)[1] : work.width);
  if (work.height > limit_height || work.width > limit_width) {
    throw std::invalid_argument(
        "an image of " + size_text(image.width, image.height) + " preprocesses to " +
        size_text(work.width, work.height) + ", larger than the " +
        size_text(limit_width, limit_height) +
        (fixed_height_ || fixed_width_ ? " the graph takes" : " of pad_size"));
  }
  out.pixels.shape = {3, static_cast<std::int64_t>(work.height),
                      static_cast<std::int64_t>(work.width)};
  out.pixels.data = std::move(work.planes);
  return prepared;
}

Feeds ImageProcessor::feeds(std::vector<Prepared>& rows, const runtime::ShapePolicy& policy) const {
  std::size_t tallest = 0;
  std::size_t widest = 0;
  for (const auto& row : rows) {
    tallest = std::max(tallest, row.image.height);
    widest = std::max(widest, row.image.width);
  }
  if (config_.padding.pad_size) {
    tallest = std::max(tallest, (*config_.padding.pad_size)[0]);
    widest = std::max(widest, (*config_.padding.pad_size)[1]);
  }
  const std::size_t height = policy.padded_length(kPixelValues, 2, tallest);
  const std::size_t width = policy.padded_length(kPixelValues, 3, widest);
  const std::size_t plane = height * width;

  FloatTensor pixels;
  pixels.shape = {static_cast<std::int64_t>(rows.size()), 3, static_cast<std::int64_t>(height),
                  static_cast<std::int64_t>(width)};
  pixels.data.assign(rows.size() * 3 * plane, 0.0F);
  Int64Tensor mask;
  mask.shape = {static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(height),
                static_cast<std::int64_t>(width)};
  if (has_pixel_mask_) mask.data.assign(rows.size() * plane, 0);

  for (std::size_t r = 0; r < rows.size(); ++r) {
    const PreparedImage& image = rows[r].image;
    if (image.pixels.data.size() != 3 * image.height * image.width) continue;  // a filler row
    for (std::size_t c = 0; c < 3; ++c) {
      for (std::size_t y = 0; y < image.height; ++y) {
        const float* from = image.pixels.data.data() + (c * image.height + y) * image.width;
        std::copy_n(from, image.width, pixels.data.data() + (r * 3 + c) * plane + y * width);
      }
    }
    if (has_pixel_mask_) {
      for (std::size_t y = 0; y < image.height; ++y) {
        std::fill_n(mask.data.begin() + static_cast<std::ptrdiff_t>(r * plane + y * width),
                    image.width, 1);
      }
    }
  }
  Feeds feeds;
  feeds.emplace_back(kPixelValues, std::move(pixels));
  if (has_pixel_mask_) feeds.emplace_back(kPixelMask, std::move(mask));
  return feeds;
}

}  // namespace modelexport::processors
