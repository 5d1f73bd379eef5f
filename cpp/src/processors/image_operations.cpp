// The image processor's steps (see image_processor.h), with transformers' arithmetic: target
// sizes rounded as its Python does (int() truncates, round() rounds half to even), resizing and
// cropping on 8-bit pixels, rescaling in float64 then float32, normalizing in float32.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "processors/image_processor.h"

namespace modelexport::processors {
namespace {

// Python's int(x) for the non-negative sizes here.
std::size_t truncate(double x) { return x <= 0 ? 0 : static_cast<std::size_t>(x); }
// Python's round(x): half to even (the default rounding mode of nearbyint).
std::size_t round_half_even(double x) { return truncate(std::nearbyint(x)); }
// Python's a // b for b > 0.
std::ptrdiff_t floor_div(std::ptrdiff_t a, std::ptrdiff_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// transformers' get_size_with_aspect_ratio; `mod16` follows get_size_with_aspect_ratio_yolos,
// which tests width < height before the "already the right size" case and floors both sides
// to a multiple of 16.
std::array<std::size_t, 2> aspect_size(std::size_t height, std::size_t width, std::size_t size,
                                       std::size_t max_size, bool mod16) {
  const double min_side = static_cast<double>(std::min(height, width));
  const double max_side = static_cast<double>(std::max(height, width));
  double raw_size = 0;
  bool have_raw = false;
  if (max_side / min_side * static_cast<double>(size) > static_cast<double>(max_size)) {
    raw_size = static_cast<double>(max_size) * min_side / max_side;
    have_raw = true;
    size = round_half_even(raw_size);
  }
  const auto scaled = [&](std::size_t numerator, std::size_t denominator) {
    if (have_raw) {
      return truncate(raw_size * static_cast<double>(numerator) / static_cast<double>(denominator));
    }
    return truncate(static_cast<double>(size * numerator) / static_cast<double>(denominator));
  };
  const bool already = (height <= width && height == size) || (width <= height && width == size);
  std::size_t oh = 0;
  std::size_t ow = 0;
  if (mod16 && width < height) {
    ow = size;
    oh = scaled(height, width);
  } else if (already) {
    oh = height;
    ow = width;
  } else if (width < height) {
    ow = size;
    oh = scaled(height, width);
  } else {
    oh = size;
    ow = scaled(width, height);
  }
  if (mod16) {
    oh -= oh % 16;
    ow -= ow % 16;
  }
  return {oh, ow};
}

void ensure_float(StepImage& image) {
  if (image.is_float) return;
  const std::size_t plane = image.height * image.width;
  image.planes.assign(3 * plane, 0.0F);
  for (std::size_t i = 0; i < plane; ++i) {
    for (std::size_t c = 0; c < 3; ++c) {
      image.planes[c * plane + i] = static_cast<float>(image.u8.pixels[i * 3 + c]);
    }
  }
  image.is_float = true;
  image.u8 = Image{};
}

void require_u8(const StepImage& image, const char* step) {
  if (image.is_float) {
    throw std::logic_error(std::string(step) + " must come before rescaling and normalizing");
  }
}

struct Apply {
  StepImage& image;

  void operator()(const ResizeStep& step) const {
    require_u8(image, "resize");
    const auto [height, width] = step.target(image.height, image.width);
    if (height == 0 || width == 0) {
      throw std::invalid_argument("an image of " + std::to_string(image.width) + "x" +
                                  std::to_string(image.height) + " resizes to " +
                                  std::to_string(width) + "x" + std::to_string(height));
    }
    // Pillow returns a copy when the size does not change.
    if (height != image.height || width != image.width) {
      image.u8 = resize(image.u8, width, height, step.filter);
    }
    image.height = height;
    image.width = width;
  }

  void operator()(const CenterCropStep& step) const {
    require_u8(image, "center crop");
    const auto top = floor_div(
        static_cast<std::ptrdiff_t>(image.height) - static_cast<std::ptrdiff_t>(step.height), 2);
    const auto left = floor_div(
        static_cast<std::ptrdiff_t>(image.width) - static_cast<std::ptrdiff_t>(step.width), 2);
    Image out;
    out.width = step.width;
    out.height = step.height;
    out.channels = 3;
    out.pixels.assign(out.width * out.height * 3, 0);
    for (std::size_t y = 0; y < out.height; ++y) {
      const std::ptrdiff_t sy = static_cast<std::ptrdiff_t>(y) + top;
      if (sy < 0 || sy >= static_cast<std::ptrdiff_t>(image.height)) continue;
      for (std::size_t x = 0; x < out.width; ++x) {
        const std::ptrdiff_t sx = static_cast<std::ptrdiff_t>(x) + left;
        if (sx < 0 || sx >= static_cast<std::ptrdiff_t>(image.width)) continue;
        const std::size_t from = (static_cast<std::size_t>(sy) * image.width + sx) * 3;
        std::copy_n(image.u8.pixels.begin() + static_cast<std::ptrdiff_t>(from), 3,
                    out.pixels.begin() + static_cast<std::ptrdiff_t>((y * out.width + x) * 3));
      }
    }
    image.u8 = std::move(out);
    image.height = step.height;
    image.width = step.width;
  }

  void operator()(const RescaleStep& step) const {
    if (!image.is_float) {
      // transformers' rescale: image.astype(float64) * scale, then astype(float32).
      const std::size_t plane = image.height * image.width;
      image.planes.assign(3 * plane, 0.0F);
      for (std::size_t i = 0; i < plane; ++i) {
        for (std::size_t c = 0; c < 3; ++c) {
          image.planes[c * plane + i] =
              static_cast<float>(static_cast<double>(image.u8.pixels[i * 3 + c]) * step.factor);
        }
      }
      image.is_float = true;
      image.u8 = Image{};
    } else {
      for (float& v : image.planes) v = static_cast<float>(static_cast<double>(v) * step.factor);
    }
    if (step.offset) {
      for (float& v : image.planes) v -= 1.0F;
    }
  }

  void operator()(const NormalizeStep& step) const {
    ensure_float(image);
    const std::size_t plane = image.height * image.width;
    for (std::size_t c = 0; c < 3; ++c) {
      float* values = image.planes.data() + c * plane;
      for (std::size_t i = 0; i < plane; ++i) values[i] = (values[i] - step.mean[c]) / step.std[c];
    }
  }

  void operator()(const FlipChannelsStep&) const {
    ensure_float(image);
    const std::size_t plane = image.height * image.width;
    std::swap_ranges(image.planes.begin(),
                     image.planes.begin() + static_cast<std::ptrdiff_t>(plane),
                     image.planes.begin() + static_cast<std::ptrdiff_t>(2 * plane));
  }

  void operator()(const PadToMultipleStep& step) const {
    ensure_float(image);
    const auto padded = [&step](std::size_t size) {
      return (size + step.divisor - 1) / step.divisor * step.divisor;
    };
    const std::size_t height = padded(image.height);
    const std::size_t width = padded(image.width);
    const std::size_t top = (height - image.height) / 2;
    const std::size_t left = (width - image.width) / 2;
    std::vector<float> out(3 * height * width, 0.0F);
    for (std::size_t c = 0; c < 3; ++c) {
      for (std::size_t y = 0; y < image.height; ++y) {
        const float* from = image.planes.data() + (c * image.height + y) * image.width;
        std::copy_n(from, image.width, out.data() + (c * height + top + y) * width + left);
      }
    }
    image.planes = std::move(out);
    image.height = height;
    image.width = width;
  }
};

}  // namespace

std::array<std::size_t, 2> ResizeStep::target(std::size_t image_height,
                                              std::size_t image_width) const {
  switch (rule) {
    case ResizeRule::kExact:
      return {height, width};
    case ResizeRule::kShortestEdge: {
      // get_resize_output_image_size(default_to_square=False)
      const bool portrait = image_width <= image_height;
      const std::size_t short_side = portrait ? image_width : image_height;
      const std::size_t long_side = portrait ? image_height : image_width;
      const std::size_t new_long = truncate(static_cast<double>(shortest_edge * long_side) /
                                            static_cast<double>(short_side));
      return portrait ? std::array<std::size_t, 2>{new_long, shortest_edge}
                      : std::array<std::size_t, 2>{shortest_edge, new_long};
    }
    case ResizeRule::kShortestLongest:
      return aspect_size(image_height, image_width, shortest_edge, longest_edge, false);
    case ResizeRule::kShortestLongestMod16:
      return aspect_size(image_height, image_width, shortest_edge, longest_edge, true);
    case ResizeRule::kMaxHeightWidth: {
      const double scale = std::min(static_cast<double>(height) / static_cast<double>(image_height),
                                    static_cast<double>(width) / static_cast<double>(image_width));
      return {truncate(static_cast<double>(image_height) * scale),
              truncate(static_cast<double>(image_width) * scale)};
    }
    case ResizeRule::kFitMultiple: {
      double scale_height = static_cast<double>(height) / static_cast<double>(image_height);
      double scale_width = static_cast<double>(width) / static_cast<double>(image_width);
      if (keep_aspect_ratio) {
        // Scale as little as possible.
        if (std::abs(1 - scale_width) < std::abs(1 - scale_height)) {
          scale_height = scale_width;
        } else {
          scale_width = scale_height;
        }
      }
      const auto constrain = [this](double value) {
        const double m = static_cast<double>(multiple);
        return round_half_even(value / m) * multiple;
      };
      return {constrain(scale_height * static_cast<double>(image_height)),
              constrain(scale_width * static_cast<double>(image_width))};
    }
  }
  throw std::logic_error("unknown resize rule");
}

void apply_step(const ImageStep& step, StepImage& image) { std::visit(Apply{image}, step); }

}  // namespace modelexport::processors
