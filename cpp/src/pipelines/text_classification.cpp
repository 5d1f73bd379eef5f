// text-classification: logits -> softmax / sigmoid / none by problem_type, labels from id2label.
#include "modelexport/pipelines/text_classification.h"

#include <algorithm>

#include "modelexport/package.h"
#include "pipelines/model_runner.h"
#include "pipelines/numeric.h"
#include "pipelines/task_support.h"
#include "pipelines/text_inputs.h"
#include "processors/text_processor.h"

namespace modelexport {

std::vector<ScoredLabel> classify_logits(const std::vector<float>& logits,
                                         const std::vector<std::string>& labels,
                                         const std::string& problem_type,
                                         ClassificationFunction function,
                                         std::optional<std::size_t> top_k) {
  if (function == ClassificationFunction::kDefault) {
    // transformers' rule: regression -> none; multi-label or one label -> sigmoid; else softmax.
    if (problem_type == "regression") {
      function = ClassificationFunction::kNone;
    } else if (problem_type == "multi_label_classification" || logits.size() == 1) {
      function = ClassificationFunction::kSigmoid;
    } else {
      function = ClassificationFunction::kSoftmax;
    }
  }
  std::vector<double> scores(logits.begin(), logits.end());
  if (function == ClassificationFunction::kSoftmax) {
    pipelines::softmax_in_place(scores);
  } else if (function == ClassificationFunction::kSigmoid) {
    pipelines::sigmoid_in_place(scores);
  }
  std::vector<ScoredLabel> ranked;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    ranked.push_back({i < labels.size() ? labels[i] : "LABEL_" + std::to_string(i), scores[i]});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const ScoredLabel& a, const ScoredLabel& b) { return a.score > b.score; });
  if (top_k && *top_k < ranked.size()) ranked.resize(*top_k);
  return ranked;
}

ClassificationFunction classification_function(const std::string& name) {
  if (name == "softmax") return ClassificationFunction::kSoftmax;
  if (name == "sigmoid") return ClassificationFunction::kSigmoid;
  if (name == "none") return ClassificationFunction::kNone;
  return ClassificationFunction::kDefault;
}

TextClassificationPipeline::TextClassificationPipeline(std::shared_ptr<const Package> package,
                                                       const PipelineOptions& options)
    : runner_(std::make_shared<pipelines::ModelRunner>(std::move(package), options)) {}

TextClassificationPipeline::TextClassificationPipeline(const std::string& package_path,
                                                       const PipelineOptions& options)
    : TextClassificationPipeline(
          std::make_shared<const Package>(Package::open(package_path, options.task)), options) {}

std::vector<std::vector<ScoredLabel>> TextClassificationPipeline::operator()(
    const std::vector<TextInput>& inputs, std::optional<std::size_t> top_k,
    ClassificationFunction function) const {
  const auto& text = runner_->processor_for<processors::TextProcessor>("text-classification");
  const Package& package = runner_->package();
  std::vector<std::vector<ScoredLabel>> results;
  for (const auto& row : runner_->run(text.prepare(inputs), {"logits"})) {
    pipelines::check_output(row.outputs.front(), "logits", {std::nullopt});
    results.push_back(classify_logits(row.outputs.front().data, package.labels(),
                                      package.problem_type(), function, top_k));
  }
  return results;
}

namespace {

Value labels_value(const std::vector<ScoredLabel>& labels) {
  Value list = Value::array();
  for (const auto& l : labels)
    list.push_back(Value::object({{"label", l.label}, {"score", l.score}}));
  return list;
}

class TextClassificationTask final : public Pipeline {
 public:
  static constexpr const char* kTask = "text-classification";

  TextClassificationTask(const TaskInfo& task, std::shared_ptr<const Package> package,
                         const PipelineOptions& options)
      : Pipeline(task, package), typed_(package, options) {}

 protected:
  // Without top_k (transformers' legacy call): the best label's {label, score} per input; with
  // top_k (None: all), the list of them.
  std::vector<Value> run_checked(const std::vector<Value>& inputs,
                                 const Value& options) const override {
    const Value* top_k = options.find("top_k");
    std::optional<std::size_t> k = 1;
    if (top_k != nullptr) {
      k = top_k->is_null() ? std::nullopt
                           : std::optional<std::size_t>(static_cast<std::size_t>(top_k->as_int()));
    }
    const Value* function = options.find("function_to_apply");
    const auto rows = typed_(pipelines::text_inputs(inputs), k,
                             classification_function(function ? function->as_string() : "default"));
    std::vector<Value> results;
    for (const auto& labels : rows) {
      Value value = labels_value(labels);
      if (top_k == nullptr) value = labels.empty() ? Value() : value.as_array().front();
      results.push_back(std::move(value));
    }
    return results;
  }

  // transformers returns a list even for one string in the legacy call (not for one dict).
  Value single_result(Value result, const Value& input, const Value& options) const override {
    if (options.find("top_k") == nullptr && input.is_string()) return Value(Value::Array{result});
    return result;
  }

 private:
  TextClassificationPipeline typed_;
};

}  // namespace

TaskInfo text_classification_task() {
  TaskInfo task = pipelines::text_task("text-classification", "AutoModelForSequenceClassification",
                                       "ORTModelForSequenceClassification", {"logits"},
                                       {"ForSequenceClassification"},
                                       "a text, or {\"text\": ..., \"text_pair\": ...}");
  task.options = {
      {"top_k",
       OptionKind::kCountOrAll,
       Value(),
       {},
       "labels per input, best first (all: every label); not given: the best label's "
       "{label, score} alone"},
      {"function_to_apply",
       OptionKind::kChoice,
       Value(),
       {"default", "softmax", "sigmoid", "none"},
       "scores from logits (default: by the config's problem_type and label count)"},
  };
  task.create = pipelines::create_task_pipeline<TextClassificationTask>;
  return task;
}

}  // namespace modelexport
