// image-segmentation: per-pixel class logits -> one mask per label present in the image.
#include "modelexport/pipelines/image_segmentation.h"

#include <algorithm>
#include <stdexcept>

#include "modelexport/package.h"
#include "pipelines/image_inputs.h"
#include "pipelines/model_runner.h"
#include "pipelines/task_support.h"

namespace modelexport {
namespace {

// One axis of torch's bilinear upsampling (align_corners=False): the source index and the
// weight of the next source pixel, computed in float as its CPU kernel does.
struct Tap {
  std::size_t index = 0;
  std::size_t step = 0;  // 1, or 0 at the last source pixel
  float lambda = 0;
};

std::vector<Tap> taps(std::size_t in, std::size_t out) {
  const float scale = static_cast<float>(in) / static_cast<float>(out);
  std::vector<Tap> result(out);
  for (std::size_t o = 0; o < out; ++o) {
    const float source = std::max(scale * (static_cast<float>(o) + 0.5F) - 0.5F, 0.0F);
    Tap& tap = result[o];
    tap.index = std::min(static_cast<std::size_t>(source), in - 1);
    tap.step = tap.index < in - 1 ? 1 : 0;
    tap.lambda = source - static_cast<float>(tap.index);
  }
  return result;
}

}  // namespace

FloatTensor resize_logits_bilinear(const FloatTensor& logits, std::size_t height,
                                   std::size_t width) {
  if (logits.shape.size() != 3 || logits.shape[1] < 1 || logits.shape[2] < 1) {
    throw std::runtime_error("image-segmentation needs logits [classes, height, width]");
  }
  const auto classes = static_cast<std::size_t>(logits.shape[0]);
  const auto in_h = static_cast<std::size_t>(logits.shape[1]);
  const auto in_w = static_cast<std::size_t>(logits.shape[2]);
  const auto rows = taps(in_h, height);
  const auto cols = taps(in_w, width);
  FloatTensor out;
  out.shape = {static_cast<std::int64_t>(classes), static_cast<std::int64_t>(height),
               static_cast<std::int64_t>(width)};
  out.data.resize(classes * height * width);
  for (std::size_t c = 0; c < classes; ++c) {
    const float* plane = logits.data.data() + c * in_h * in_w;
    float* target = out.data.data() + c * height * width;
    for (std::size_t y = 0; y < height; ++y) {
      const Tap& r = rows[y];
      const float* top = plane + r.index * in_w;
      const float* bottom = top + r.step * in_w;
      const float h1 = r.lambda, h0 = 1.0F - r.lambda;
      for (std::size_t x = 0; x < width; ++x) {
        const Tap& t = cols[x];
        const float w1 = t.lambda, w0 = 1.0F - t.lambda;
        target[y * width + x] = h0 * (w0 * top[t.index] + w1 * top[t.index + t.step]) +
                                h1 * (w0 * bottom[t.index] + w1 * bottom[t.index + t.step]);
      }
    }
  }
  return out;
}

std::vector<Segment> semantic_segments(const FloatTensor& logits,
                                       const std::vector<std::string>& labels, std::size_t width,
                                       std::size_t height) {
  const FloatTensor resized = resize_logits_bilinear(logits, height, width);
  const auto classes = static_cast<std::size_t>(resized.shape[0]);
  const std::size_t pixels = height * width;
  std::vector<std::size_t> best(pixels, 0);
  for (std::size_t c = 1; c < classes; ++c) {
    const float* plane = resized.data.data() + c * pixels;
    for (std::size_t p = 0; p < pixels; ++p) {
      if (plane[p] > resized.data[best[p] * pixels + p]) best[p] = c;
    }
  }
  std::vector<bool> present(classes, false);
  for (std::size_t c : best) present[c] = true;
  std::vector<Segment> segments;
  for (std::size_t c = 0; c < classes; ++c) {
    if (!present[c]) continue;
    Segment segment;
    segment.label = c < labels.size() ? labels[c] : "LABEL_" + std::to_string(c);
    segment.mask.width = width;
    segment.mask.height = height;
    segment.mask.channels = 1;
    segment.mask.pixels.resize(pixels);
    for (std::size_t p = 0; p < pixels; ++p) segment.mask.pixels[p] = best[p] == c ? 255 : 0;
    segments.push_back(std::move(segment));
  }
  return segments;
}

namespace {

// The logits of the image's own area when it was padded into a larger fixed canvas (a
// processor that keeps the aspect ratio): the same share of the logits' rows and columns,
// rounded up. transformers never pads a single image, so this is where a fixed-size package
// would otherwise resize the padding into the mask.
FloatTensor unpadded(const FloatTensor& logits, std::size_t height, std::size_t width,
                     std::optional<std::size_t> canvas_height,
                     std::optional<std::size_t> canvas_width) {
  const auto classes = static_cast<std::size_t>(logits.shape[0]);
  const auto rows = static_cast<std::size_t>(logits.shape[1]);
  const auto cols = static_cast<std::size_t>(logits.shape[2]);
  const auto share = [](std::size_t n, std::size_t part, std::optional<std::size_t> whole) {
    if (!whole || part == 0 || part >= *whole) return n;
    return std::max<std::size_t>(1, (n * part + *whole - 1) / *whole);
  };
  const std::size_t keep_rows = share(rows, height, canvas_height);
  const std::size_t keep_cols = share(cols, width, canvas_width);
  if (keep_rows == rows && keep_cols == cols) return logits;
  FloatTensor out;
  out.shape = {static_cast<std::int64_t>(classes), static_cast<std::int64_t>(keep_rows),
               static_cast<std::int64_t>(keep_cols)};
  out.data.reserve(classes * keep_rows * keep_cols);
  for (std::size_t c = 0; c < classes; ++c) {
    for (std::size_t y = 0; y < keep_rows; ++y) {
      const float* begin = logits.data.data() + (c * rows + y) * cols;
      out.data.insert(out.data.end(), begin, begin + keep_cols);
    }
  }
  return out;
}

}  // namespace

ImageSegmentationPipeline::ImageSegmentationPipeline(std::shared_ptr<const Package> package,
                                                     const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {}

std::vector<std::vector<Segment>> ImageSegmentationPipeline::operator()(
    const std::vector<Image>& images) const {
  const auto& processor = runner_->processor_for<processors::ImageProcessor>("image-segmentation");
  std::vector<std::vector<Segment>> results;
  for (const auto& row : runner_->run(pipelines::prepare_images(processor, images), {"logits"})) {
    const auto& geometry = row.input.image;
    pipelines::check_output(row.outputs.front(), "logits",
                            {std::nullopt, std::nullopt, std::nullopt});
    const FloatTensor logits = unpadded(row.outputs.front(), geometry.height, geometry.width,
                                        processor.fixed_height(), processor.fixed_width());
    results.push_back(semantic_segments(logits, runner_->package().labels(),
                                        geometry.original_width, geometry.original_height));
  }
  return results;
}

namespace {

class ImageSegmentationTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "image-segmentation";

  ImageSegmentationTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                        const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options), decode_(options.image_decode) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    const Value* subtask = options.find("subtask");
    if (subtask != nullptr && subtask->as_string() != "semantic") {
      // transformers' error for a head without that post-processing.
      throw PipelineError("subtask " + subtask->as_string() + " is not supported by " +
                          package().model_path() + " (a semantic-segmentation head)");
    }
    std::vector<Value> results;
    for (auto& segments : typed_(pipelines::image_inputs(inputs, decode_))) {
      Value list = Value::array();
      for (auto& s : segments) {
        list.push_back(Value::object({{"score", s.score ? Value(*s.score) : Value()},
                                      {"label", s.label},
                                      {"mask", Value::image(std::move(s.mask))}}));
      }
      results.push_back(std::move(list));
    }
    return results;
  }

 private:
  ImageSegmentationPipeline typed_;
  ImageDecodeOptions decode_;
};

}  // namespace

TaskInfo image_segmentation_task() {
  TaskInfo task = pipelines::image_task("image-segmentation", "AutoModelForSemanticSegmentation",
                                        "ORTModelForSemanticSegmentation", {"logits"},
                                        {"ForSemanticSegmentation"});
  task.options = {
      {"subtask",
       OptionKind::kChoice,
       Value(),
       {"semantic", "instance", "panoptic"},
       "kind of segmentation (default: what the model's head does)"},
  };
  task.create = pipelines::create_task_pipeline<ImageSegmentationTask>;
  return task;
}

}  // namespace modelexport
