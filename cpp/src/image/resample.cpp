// Resizing bit-exact with Pillow (see modelexport/image.h). The convolution filters are the ones
// Pillow defines, evaluated in double; coefficients are normalized per output pixel, turned into
// 22-bit fixed point with Pillow's rounding, and applied horizontally then vertically to the
// 8-bit pixels with integer accumulation, rounding and clamping, as Pillow's 8-bit path does.
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "modelexport/image.h"
#include "modelexport/limits.h"

namespace modelexport {
namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;
constexpr double kPi = 3.14159265358979323846;

struct Filter {
  double (*weight)(double x);
  double support;
};

double box_weight(double x) { return x > -0.5 && x <= 0.5 ? 1.0 : 0.0; }

double bilinear_weight(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

double hamming_weight(double x) {
  x = std::fabs(x);
  if (x == 0.0) return 1.0;
  if (x >= 1.0) return 0.0;
  x *= kPi;
  // Pillow writes the window's constants as float literals: their float values count.
  return std::sin(x) / x * (static_cast<double>(0.54f) + static_cast<double>(0.46f) * std::cos(x));
}

double bicubic_weight(double x) {
  constexpr double a = -0.5;
  x = std::fabs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= kPi;
  return std::sin(x) / x;
}

double lanczos_weight(double x) { return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0; }

Filter filter_of(Resample resample) {
  switch (resample) {
    case Resample::kBox:
      return {box_weight, 0.5};
    case Resample::kBilinear:
      return {bilinear_weight, 1.0};
    case Resample::kHamming:
      return {hamming_weight, 1.0};
    case Resample::kBicubic:
      return {bicubic_weight, 2.0};
    case Resample::kLanczos:
      return {lanczos_weight, 3.0};
    case Resample::kNearest:
      break;
  }
  throw std::logic_error("nearest has no convolution filter");
}

// For each output pixel along one axis: the first input pixel, how many it reads, and their
// fixed-point weights (ksize slots per output pixel).
struct Coefficients {
  std::size_t ksize = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<std::int32_t> weights;
};

Coefficients coefficients(std::size_t in_size, std::size_t out_size, const Filter& filter) {
  const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  const double filter_scale = std::max(scale, 1.0);
  const double support = filter.support * filter_scale;
  Coefficients c;
  c.ksize = static_cast<std::size_t>(std::ceil(support)) * 2 + 1;
  c.first.resize(out_size);
  c.count.resize(out_size);
  c.weights.assign(out_size * c.ksize, 0);
  std::vector<double> w(c.ksize);
  const int in = static_cast<int>(in_size);
  for (std::size_t out = 0; out < out_size; ++out) {
    const double center = (static_cast<double>(out) + 0.5) * scale;
    const double inverse = 1.0 / filter_scale;
    // Rounded by truncation toward zero, as Pillow's int conversion does.
    const int lo = std::max(static_cast<int>(center - support + 0.5), 0);
    const int hi = std::min(static_cast<int>(center + support + 0.5), in);
    const int n = hi - lo;
    double total = 0.0;
    for (int i = 0; i < n; ++i) {
      w[static_cast<std::size_t>(i)] = filter.weight((i + lo - center + 0.5) * inverse);
      total += w[static_cast<std::size_t>(i)];
    }
    for (int i = 0; i < n; ++i) {
      double v = w[static_cast<std::size_t>(i)];
      if (total != 0.0) v /= total;
      const double fixed = v * (1 << kPrecisionBits);
      c.weights[out * c.ksize + static_cast<std::size_t>(i)] =
          static_cast<std::int32_t>(v < 0 ? -0.5 + fixed : 0.5 + fixed);
    }
    c.first[out] = lo;
    c.count[out] = std::max(n, 0);
  }
  return c;
}

std::uint8_t clip8(std::int64_t sum) {
  if (sum < 0) return 0;
  const std::int64_t value = sum >> kPrecisionBits;
  return static_cast<std::uint8_t>(std::min<std::int64_t>(value, 255));
}

// One pass along the rows (horizontal) of rows [row_begin, row_end) of `in`.
Image horizontal(const Image& in, std::size_t width, std::size_t row_begin, std::size_t row_end,
                 const Coefficients& c) {
  Image out{width, row_end - row_begin, in.channels, {}};
  out.pixels.resize(out.width * out.height * out.channels);
  const std::size_t ch = in.channels;
  for (std::size_t y = 0; y < out.height; ++y) {
    const std::uint8_t* row = &in.pixels[(y + row_begin) * in.width * ch];
    std::uint8_t* dst = &out.pixels[y * width * ch];
    for (std::size_t x = 0; x < width; ++x) {
      const std::int32_t* k = &c.weights[x * c.ksize];
      const std::uint8_t* src = row + static_cast<std::size_t>(c.first[x]) * ch;
      for (std::size_t band = 0; band < ch; ++band) {
        std::int64_t sum = 1 << (kPrecisionBits - 1);
        for (int i = 0; i < c.count[x]; ++i) {
          sum += static_cast<std::int64_t>(src[static_cast<std::size_t>(i) * ch + band]) * k[i];
        }
        dst[x * ch + band] = clip8(sum);
      }
    }
  }
  return out;
}

// One pass along the columns (vertical); `c.first` is relative to `in`'s first row.
Image vertical(const Image& in, std::size_t height, const Coefficients& c, int row_offset) {
  Image out{in.width, height, in.channels, {}};
  out.pixels.resize(out.width * out.height * out.channels);
  const std::size_t stride = in.width * in.channels;
  for (std::size_t y = 0; y < height; ++y) {
    const std::int32_t* k = &c.weights[y * c.ksize];
    const std::size_t first = static_cast<std::size_t>(c.first[y] - row_offset);
    for (std::size_t i = 0; i < stride; ++i) {
      std::int64_t sum = 1 << (kPrecisionBits - 1);
      for (int j = 0; j < c.count[y]; ++j) {
        sum += static_cast<std::int64_t>(
                   in.pixels[(first + static_cast<std::size_t>(j)) * stride + i]) *
               k[j];
      }
      out.pixels[y * stride + i] = clip8(sum);
    }
  }
  return out;
}

// Pillow's nearest-neighbour resize: its affine scaling, stepping source coordinates by the
// scale from half a step in, truncated to pixels.
Image nearest(const Image& in, std::size_t width, std::size_t height) {
  const double x_step = static_cast<double>(in.width) / static_cast<double>(width);
  const double y_step = static_cast<double>(in.height) / static_cast<double>(height);
  auto coordinate = [](double v) { return v < 0.0 ? -1 : static_cast<int>(v); };
  std::vector<int> source_x(width);
  double xo = x_step * 0.5;
  for (std::size_t x = 0; x < width; ++x, xo += x_step) source_x[x] = coordinate(xo);
  Image out{width, height, in.channels, {}};
  out.pixels.assign(width * height * in.channels, 0);
  const std::size_t ch = in.channels;
  double yo = y_step * 0.5;
  for (std::size_t y = 0; y < height; ++y, yo += y_step) {
    const int sy = coordinate(yo);
    if (sy < 0 || static_cast<std::size_t>(sy) >= in.height) continue;
    for (std::size_t x = 0; x < width; ++x) {
      const int sx = source_x[x];
      if (sx < 0 || static_cast<std::size_t>(sx) >= in.width) continue;
      std::copy_n(
          &in.pixels[(static_cast<std::size_t>(sy) * in.width + static_cast<std::size_t>(sx)) * ch],
          ch, &out.pixels[(y * width + x) * ch]);
    }
  }
  return out;
}

void check_size(std::size_t width, std::size_t height, const char* what) {
  if (width == 0 || height == 0) {
    throw std::invalid_argument(std::string(what) + " size " + std::to_string(width) + "x" +
                                std::to_string(height) + " is empty");
  }
  if (width > limits::kMaxImageSide || height > limits::kMaxImageSide ||
      width * height > limits::kMaxImagePixels) {
    throw std::invalid_argument(std::string(what) + " size " + std::to_string(width) + "x" +
                                std::to_string(height) + " is over the limit (" +
                                std::to_string(limits::kMaxImageSide) + " a side, " +
                                std::to_string(limits::kMaxImagePixels) + " pixels)");
  }
}

}  // namespace

Resample parse_resample(std::string_view name) {
  if (name == "nearest") return Resample::kNearest;
  if (name == "lanczos") return Resample::kLanczos;
  if (name == "bilinear") return Resample::kBilinear;
  if (name == "bicubic") return Resample::kBicubic;
  if (name == "box") return Resample::kBox;
  if (name == "hamming") return Resample::kHamming;
  throw std::invalid_argument("unknown resampling filter '" + std::string(name) +
                              "' (nearest, lanczos, bilinear, bicubic, box or hamming)");
}

Resample resample_from_pil(int value) {
  if (value < 0 || value > 5) {
    // 6 and 7 are Pillow 13's Magic Kernel Sharp filters, which no transformers processor uses.
    throw std::invalid_argument("unsupported PIL resampling filter " + std::to_string(value) +
                                " (0 to 5: nearest, lanczos, bilinear, bicubic, box, hamming)");
  }
  return static_cast<Resample>(value);
}

Image resize(const Image& image, std::size_t width, std::size_t height, Resample filter) {
  check_size(image.width, image.height, "image");
  check_size(width, height, "target");
  // Pillow premultiplies alpha when it resizes RGBA / LA; images are converted to RGB (or L)
  // before resizing here, as transformers' processors do.
  if (image.channels != 1 && image.channels != 3) {
    throw std::invalid_argument("resize takes 1 (L) or 3 (RGB) channels, not " +
                                std::to_string(image.channels) + " (convert to RGB first)");
  }
  if (image.pixels.size() != image.width * image.height * image.channels) {
    throw std::invalid_argument("image pixels do not match its size");
  }
  if (width == image.width && height == image.height) return image;
  if (filter == Resample::kNearest) return nearest(image, width, height);
  const Filter f = filter_of(filter);
  const bool need_horizontal = width != image.width;
  const bool need_vertical = height != image.height;
  // Pillow (13) runs the vertical pass first when the height shrinks by more than twice as many
  // pixels as the width does; the order changes the rounding of the intermediate image.
  const auto in_w = static_cast<long long>(image.width);
  const auto in_h = static_cast<long long>(image.height);
  const long long height_cut = in_h - static_cast<long long>(height);
  const bool vertical_first =
      height_cut > 0 && height_cut > (in_w - static_cast<long long>(width)) * 2;
  if (vertical_first) {
    Image shorter = vertical(image, height, coefficients(image.height, height, f), 0);
    if (!need_horizontal) return shorter;
    return horizontal(shorter, width, 0, height, coefficients(image.width, width, f));
  }
  const Coefficients rows = coefficients(image.height, height, f);
  if (!need_horizontal) return vertical(image, height, rows, 0);
  // Only the input rows the vertical pass reads go through the horizontal one.
  const int first_row = rows.first.front();
  const int last_row = rows.first.back() + rows.count.back();
  Image wider = horizontal(image, width, static_cast<std::size_t>(first_row),
                           static_cast<std::size_t>(last_row), coefficients(image.width, width, f));
  if (!need_vertical) return wider;
  return vertical(wider, height, rows, first_row);
}

}  // namespace modelexport
