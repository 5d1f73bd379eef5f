// image-feature-extraction: per-patch hidden states, or the pooled output with pool=True.
#include "modelexport/pipelines/image_feature_extraction.h"

#include "modelexport/package.h"
#include "pipelines/image_inputs.h"
#include "pipelines/model_runner.h"
#include "pipelines/task_support.h"

namespace modelexport {

ImageFeatureExtractionPipeline::ImageFeatureExtractionPipeline(
    std::shared_ptr<const Package> package, const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {}

std::vector<FloatTensor> ImageFeatureExtractionPipeline::operator()(
    const std::vector<Image>& images, bool pool) const {
  const auto& processor =
      runner_->processor_for<processors::ImageProcessor>("image-feature-extraction");
  const std::string output = pool ? "pooler_output" : "last_hidden_state";
  if (pool && !runner_->has_output(output)) {
    throw PipelineError(runner_->package().model_path() +
                        ": no pooler_output (the model has no pooler); pool needs one");
  }
  std::vector<FloatTensor> results;
  for (auto& row : runner_->run(pipelines::prepare_images(processor, images), {output})) {
    results.push_back(std::move(row.outputs.front()));
  }
  return results;
}

namespace {

// A tensor as nested lists, with transformers' leading batch axis of one.
Value nested(const FloatTensor& tensor, std::size_t axis, std::size_t& offset) {
  Value::Array items;
  const auto size = static_cast<std::size_t>(tensor.shape[axis]);
  items.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    if (axis + 1 == tensor.shape.size()) {
      items.emplace_back(static_cast<double>(tensor.data[offset++]));
    } else {
      items.push_back(nested(tensor, axis + 1, offset));
    }
  }
  return Value(std::move(items));
}

class ImageFeatureExtractionTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "image-feature-extraction";

  ImageFeatureExtractionTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                             const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options), decode_(options.image_decode) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    std::vector<Value> results;
    for (const auto& tensor :
         typed_(pipelines::image_inputs(inputs, decode_), options.find("pool")->as_bool())) {
      std::size_t offset = 0;
      results.push_back(
          Value(Value::Array{tensor.shape.empty() ? Value(static_cast<double>(tensor.data.at(0)))
                                                  : nested(tensor, 0, offset)}));
    }
    return results;
  }

 private:
  ImageFeatureExtractionPipeline typed_;
  ImageDecodeOptions decode_;
};

}  // namespace

TaskInfo image_feature_extraction_task() {
  TaskInfo task =
      pipelines::image_task("image-feature-extraction", "AutoModel", "ORTModelForFeatureExtraction",
                            {"last_hidden_state", "pooler_output"}, {"Model"});
  task.options = {
      {"pool", OptionKind::kFlag, Value(false), {}, "the pooled output instead of every patch"},
  };
  task.create = pipelines::create_task_pipeline<ImageFeatureExtractionTask>;
  return task;
}

}  // namespace modelexport
