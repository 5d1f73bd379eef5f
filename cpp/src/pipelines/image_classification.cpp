// image-classification: logits -> softmax / sigmoid by the config, top_k labels from id2label.
#include "modelexport/pipelines/image_classification.h"

#include "modelexport/package.h"
#include "pipelines/image_inputs.h"
#include "pipelines/model_runner.h"
#include "pipelines/task_support.h"

namespace modelexport {

ImageClassificationPipeline::ImageClassificationPipeline(std::shared_ptr<const Package> package,
                                                         const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {}

std::vector<std::vector<ScoredLabel>> ImageClassificationPipeline::operator()(
    const std::vector<Image>& images, std::size_t top_k, ClassificationFunction function) const {
  const auto& processor =
      runner_->processor_for<processors::ImageProcessor>("image-classification");
  const Package& package = runner_->package();
  std::vector<std::vector<ScoredLabel>> results;
  for (const auto& row : runner_->run(pipelines::prepare_images(processor, images), {"logits"})) {
    pipelines::check_output(row.outputs.front(), "logits", {std::nullopt});
    // transformers' image rule is the text rule: regression -> none; multi-label or one label
    // -> sigmoid; otherwise softmax.
    results.push_back(classify_logits(row.outputs.front().data, package.labels(),
                                      package.problem_type(), function, top_k));
  }
  return results;
}

namespace {

class ImageClassificationTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "image-classification";

  ImageClassificationTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                          const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options), decode_(options.image_decode) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    const Value* function = options.find("function_to_apply");
    const auto rows = typed_(pipelines::image_inputs(inputs, decode_),
                             static_cast<std::size_t>(options.find("top_k")->as_int()),
                             classification_function(function ? function->as_string() : "default"));
    std::vector<Value> results;
    for (const auto& labels : rows) {
      Value list = Value::array();
      for (const auto& l : labels)
        list.push_back(Value::object({{"label", l.label}, {"score", l.score}}));
      results.push_back(std::move(list));
    }
    return results;
  }

 private:
  ImageClassificationPipeline typed_;
  ImageDecodeOptions decode_;
};

}  // namespace

TaskInfo image_classification_task() {
  TaskInfo task = pipelines::image_task(
      "image-classification", "AutoModelForImageClassification", "ORTModelForImageClassification",
      {"logits"}, {"ForImageClassification", "ForImageClassificationWithTeacher"});
  task.options = {
      {"top_k", OptionKind::kCount, Value(5), {}, "labels per image, best first (default 5)"},
      {"function_to_apply",
       OptionKind::kChoice,
       Value(),
       {"default", "softmax", "sigmoid", "none"},
       "scores from logits (default: by the config's problem_type and label count)"},
  };
  task.create = pipelines::create_task_pipeline<ImageClassificationTask>;
  return task;
}

}  // namespace modelexport
