// object-detection: DETR-style class logits and normalized center boxes -> labelled pixel boxes.
#include "modelexport/pipelines/object_detection.h"

#include <cmath>
#include <stdexcept>

#include "modelexport/package.h"
#include "pipelines/image_inputs.h"
#include "pipelines/model_runner.h"
#include "pipelines/task_support.h"

namespace modelexport {
namespace {

// torch's Tensor.int(): truncation toward zero, saturating where the float is out of range.
int truncated(float value) {
  if (!(value > -2147483648.0F)) return value != value ? 0 : INT32_MIN;
  if (value >= 2147483648.0F) return INT32_MAX;
  return static_cast<int>(value);
}

}  // namespace

std::vector<DetectedObject> detect_objects(const FloatTensor& logits, const FloatTensor& boxes,
                                           const std::vector<std::string>& labels,
                                           std::size_t width, std::size_t height,
                                           double threshold) {
  if (logits.shape.size() != 2 || boxes.shape.size() != 2 || boxes.shape[1] != 4 ||
      logits.shape[0] != boxes.shape[0] || logits.shape[1] < 2) {
    throw std::runtime_error(
        "object-detection needs logits [queries, classes + 1] and pred_boxes [queries, 4]");
  }
  const auto queries = static_cast<std::size_t>(logits.shape[0]);
  const auto classes = static_cast<std::size_t>(logits.shape[1]);
  // Computed in float32 like the reference; the threshold is compared as a float32 too.
  const auto cut = static_cast<float>(threshold);
  const auto w = static_cast<float>(width);
  const auto h = static_cast<float>(height);
  std::vector<DetectedObject> objects;
  for (std::size_t q = 0; q < queries; ++q) {
    const float* row = logits.data.data() + q * classes;
    float top = row[0];
    for (std::size_t c = 1; c < classes; ++c) top = std::max(top, row[c]);
    float sum = 0;
    for (std::size_t c = 0; c < classes; ++c) sum += std::exp(row[c] - top);
    std::size_t best = 0;
    for (std::size_t c = 1; c + 1 < classes; ++c) {
      if (row[c] > row[best]) best = c;
    }
    const float score = std::exp(row[best] - top) / sum;
    if (!(score > cut)) continue;
    const float* box = boxes.data.data() + q * 4;
    const float cx = box[0], cy = box[1], bw = box[2], bh = box[3];
    DetectedObject object;
    object.score = score;
    object.label = best < labels.size() ? labels[best] : "LABEL_" + std::to_string(best);
    object.box = {truncated((cx - 0.5F * bw) * w), truncated((cy - 0.5F * bh) * h),
                  truncated((cx + 0.5F * bw) * w), truncated((cy + 0.5F * bh) * h)};
    objects.push_back(std::move(object));
  }
  return objects;
}

ObjectDetectionPipeline::ObjectDetectionPipeline(std::shared_ptr<const Package> package,
                                                 const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {}

std::vector<std::vector<DetectedObject>> ObjectDetectionPipeline::operator()(
    const std::vector<Image>& images, double threshold) const {
  const auto& processor = runner_->processor_for<processors::ImageProcessor>("object-detection");
  std::vector<std::vector<DetectedObject>> results;
  for (const auto& row :
       runner_->run(pipelines::prepare_images(processor, images), {"logits", "pred_boxes"})) {
    const auto& geometry = row.input.image;
    results.push_back(detect_objects(row.outputs[0], row.outputs[1], runner_->package().labels(),
                                     geometry.original_width, geometry.original_height, threshold));
  }
  return results;
}

namespace {

class ObjectDetectionTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "object-detection";

  ObjectDetectionTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                      const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options), decode_(options.image_decode) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    const auto rows =
        typed_(pipelines::image_inputs(inputs, decode_), options.find("threshold")->as_number());
    std::vector<Value> results;
    for (const auto& objects : rows) {
      Value list = Value::array();
      for (const auto& o : objects) {
        list.push_back(Value::object({{"score", o.score},
                                      {"label", o.label},
                                      {"box", Value::object({{"xmin", o.box.xmin},
                                                             {"ymin", o.box.ymin},
                                                             {"xmax", o.box.xmax},
                                                             {"ymax", o.box.ymax}})}}));
      }
      results.push_back(std::move(list));
    }
    return results;
  }

 private:
  ObjectDetectionPipeline typed_;
  ImageDecodeOptions decode_;
};

}  // namespace

TaskInfo object_detection_task() {
  TaskInfo task = pipelines::image_task("object-detection", "AutoModelForObjectDetection", "",
                                        {"logits", "pred_boxes"}, {"ForObjectDetection"});
  task.options = {
      {"threshold", OptionKind::kNumber, Value(0.5), {}, "lowest score kept (default 0.5)"},
  };
  task.create = pipelines::create_task_pipeline<ObjectDetectionTask>;
  return task;
}

}  // namespace modelexport
