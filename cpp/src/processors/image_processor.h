// The image processor: preprocessor_config.json read into a list of steps (resize, center crop,
// rescale, normalize, channel flip, padding) applied in the order and with the arithmetic of the
// transformers PIL-backend image processor of the same class, then fitted to the graph's
// pixel_values (and pixel_mask) by the shape policy.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "modelexport/image.h"
#include "processors/processor.h"

namespace modelexport::processors {

// --- the steps (image_operations.cpp) --------------------------------------------------------

// How a resize step computes its target size from the image's (transformers' rules, each with
// its own rounding).
enum class ResizeRule {
  kExact,                 // size {height, width}
  kShortestEdge,          // {shortest_edge}: int(size * long / short) for the long side
  kShortestLongest,       // {shortest_edge, longest_edge}: get_size_with_aspect_ratio (DETR)
  kShortestLongestMod16,  // the same with YOLOS's order of cases, both sides floored to * 16
  kMaxHeightWidth,        // {max_height, max_width}: fit inside, aspect kept
  kFitMultiple,           // DPT: {height, width}, keep_aspect_ratio, ensure_multiple_of
};

struct ResizeStep {
  ResizeRule rule = ResizeRule::kExact;
  std::size_t height = 0;  // kExact, kMaxHeightWidth (max_height), kFitMultiple
  std::size_t width = 0;
  std::size_t shortest_edge = 0;
  std::size_t longest_edge = 0;
  bool keep_aspect_ratio = false;  // kFitMultiple
  std::size_t multiple = 1;        // kFitMultiple
  Resample filter = Resample::kBilinear;
  // {height, width} of the result for an image of `height` x `width`.
  std::array<std::size_t, 2> target(std::size_t height, std::size_t width) const;
};
// transformers' center_crop: a crop larger than the image pads it with zeros (uint8 zeros,
// before rescaling), the image at ceil((crop - size) / 2).
struct CenterCropStep {
  std::size_t height = 0;
  std::size_t width = 0;
};
// uint8 -> float64 * factor -> float32, then (EfficientNet's rescale_offset) - 1 in float32.
struct RescaleStep {
  double factor = 1.0 / 255.0;
  bool offset = false;
};
// (x - mean) / std in float32, per channel.
struct NormalizeStep {
  std::array<float, 3> mean{};
  std::array<float, 3> std{};
};
struct FlipChannelsStep {};  // RGB -> BGR (MobileViT)
// DPT's size_divisor padding: each side padded with zeros to a multiple, centred.
struct PadToMultipleStep {
  std::size_t divisor = 1;
};

using ImageStep = std::variant<ResizeStep, CenterCropStep, RescaleStep, NormalizeStep,
                               FlipChannelsStep, PadToMultipleStep>;

// An image between steps: 8-bit interleaved until the first float step, then float32 planes.
struct StepImage {
  Image u8;                   // while !is_float
  std::vector<float> planes;  // [3, height, width] once is_float
  std::size_t height = 0;
  std::size_t width = 0;
  bool is_float = false;
};
void apply_step(const ImageStep& step, StepImage& image);

// --- the configuration (image_processor_config.cpp) ------------------------------------------

// How a batch is padded after the per-image steps: not at all (the graph then needs one size),
// bottom/right to the batch's largest image or to a fixed pad_size (do_pad), with or without a
// pixel_mask (DETR and YOLOS return one).
struct BatchPadding {
  bool enabled = false;
  std::optional<std::array<std::size_t, 2>> pad_size;  // {height, width}
};

struct ImageProcessorConfig {
  std::string class_name;  // e.g. "ViTImageProcessor"
  std::vector<ImageStep> steps;
  BatchPadding padding;
  std::vector<std::string> model_input_names;  // "pixel_values" (, "pixel_mask")
  // The size every image has after the steps, when the steps fix it (a crop, an exact resize).
  std::optional<std::array<std::size_t, 2>> fixed_output;
};

// preprocessor_config.json (its text) as steps. The class comes from image_processor_type (or
// the legacy feature_extractor_type); keys the file leaves out take that class's defaults as
// transformers defines them. Throws std::invalid_argument naming `origin` and the key for an
// unsupported class, size form, resample value or a malformed value.
ImageProcessorConfig parse_image_processor_config(const std::string& json_text,
                                                  const std::string& origin);

// --- the processor (image_processor.cpp) -------------------------------------------------------

class ImageProcessor final : public Processor {
 public:
  static constexpr const char* kType = "image";

  // From the package's hf_processor_config "image_processor" (else preprocessor_config.json
  // beside model.onnx), for a graph fitted by `policy`.
  ImageProcessor(const Package& package, const runtime::ShapePolicy& policy);
  // From preprocessor_config.json text (tests, the parity binding).
  ImageProcessor(const std::string& config_json, const runtime::ShapePolicy& policy,
                 const std::string& origin);

  const std::string& type() const override;
  // pixel_values [rows, 3, H, W] float32 (and pixel_mask [rows, H, W] int64 when the graph has
  // that input): each image at the top left, zeros elsewhere. H, W: the graph's fixed size, else
  // the batch's largest (or do_pad's pad_size). Rows without pixels are all zeros.
  Feeds feeds(std::vector<Prepared>& rows, const runtime::ShapePolicy& policy) const override;

  // One RGB (or L) image preprocessed: pixels [3, height, width] before batch padding. Throws
  // std::invalid_argument when the graph fixes a size the result does not fit in.
  Prepared prepare(const Image& image) const;

  const ImageProcessorConfig& config() const { return config_; }
  // The height and width the graph fixes, if it does.
  std::optional<std::size_t> fixed_height() const { return fixed_height_; }
  std::optional<std::size_t> fixed_width() const { return fixed_width_; }

 private:
  void fit_graph(const runtime::ShapePolicy& policy, const std::string& origin);

  ImageProcessorConfig config_;
  std::optional<std::size_t> fixed_height_;
  std::optional<std::size_t> fixed_width_;
  bool has_pixel_mask_ = false;
};

}  // namespace modelexport::processors
