// audio-classification: logits -> softmax / sigmoid by the config, top_k labels from id2label.
#include "modelexport/pipelines/audio_classification.h"

#include "modelexport/package.h"
#include "pipelines/audio_inputs.h"
#include "pipelines/model_runner.h"
#include "pipelines/task_support.h"

namespace modelexport {
AudioClassificationPipeline::AudioClassificationPipeline(std::shared_ptr<const Package> package,
                                                         const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {}

double AudioClassificationPipeline::sampling_rate() const {
  return runner_->processor_for<processors::AudioProcessor>("audio-classification").sampling_rate();
}

std::vector<std::vector<ScoredLabel>> AudioClassificationPipeline::operator()(
    const std::vector<Audio>& clips, std::size_t top_k, ClassificationFunction function) const {
  const auto& processor =
      runner_->processor_for<processors::AudioProcessor>("audio-classification");
  const Package& package = runner_->package();
  if (function == ClassificationFunction::kDefault) {
    // The audio pipeline's rule (not text-classification's: one label is still softmax).
    const std::string& problem = package.problem_type();
    function = problem == "regression"                   ? ClassificationFunction::kNone
               : problem == "multi_label_classification" ? ClassificationFunction::kSigmoid
                                                         : ClassificationFunction::kSoftmax;
  }
  std::vector<std::vector<ScoredLabel>> results;
  for (const auto& row : pipelines::run_clips(
           *runner_, processor, pipelines::prepare_clips(processor, clips), {"logits"})) {
    pipelines::check_output(row.outputs.front(), "logits", {std::nullopt});
    results.push_back(classify_logits(row.outputs.front().data, package.labels(),
                                      package.problem_type(), function, top_k));
  }
  return results;
}

namespace {

class AudioClassificationTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "audio-classification";

  AudioClassificationTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                          const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options), decode_(options.audio_decode) {}

 protected:
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    const Value* function = options.find("function_to_apply");
    const auto rows = typed_(pipelines::audio_inputs(inputs, typed_.sampling_rate(), decode_),
                             static_cast<std::size_t>(options.find("top_k")->as_int()),
                             classification_function(function ? function->as_string() : "default"));
    std::vector<Value> results;
    for (const auto& labels : rows) {
      Value list = Value::array();
      // transformers' key order for audio: score first.
      for (const auto& l : labels)
        list.push_back(Value::object({{"score", l.score}, {"label", l.label}}));
      results.push_back(std::move(list));
    }
    return results;
  }

 private:
  AudioClassificationPipeline typed_;
  AudioDecodeOptions decode_;
};

}  // namespace

TaskInfo audio_classification_task() {
  TaskInfo task = pipelines::audio_task("audio-classification", "AutoModelForAudioClassification",
                                        "ORTModelForAudioClassification", {"logits"},
                                        {"ForSequenceClassification", "ForAudioClassification"});
  task.options = {
      {"top_k", OptionKind::kCount, Value(5), {}, "labels per clip, best first (default 5)"},
      {"function_to_apply",
       OptionKind::kChoice,
       Value(),
       {"default", "softmax", "sigmoid", "none"},
       "scores from logits (default: none for regression, sigmoid for multi-label, else "
       "softmax)"},
  };
  task.create = pipelines::create_task_pipeline<AudioClassificationTask>;
  return task;
}

}  // namespace modelexport
