// text-classification: logits -> softmax / sigmoid / none by problem_type, labels from id2label.
#include <algorithm>
#include <cmath>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"
#include "pipelines/numeric.h"

namespace modelexport {

TextClassificationPipeline::TextClassificationPipeline(const std::string& package_path,
                                                       const PipelineOptions& options)
    : runner_(package_path, options) {}

std::vector<std::vector<ScoredLabel>> TextClassificationPipeline::operator()(
    const std::vector<TextInput>& inputs, std::optional<std::size_t> top_k,
    ClassificationFunction function) const {
  const Package& package = runner_.package();
  const auto& labels = package.labels();
  if (function == ClassificationFunction::kDefault) {
    // transformers' rule: regression -> none; multi-label or one label -> sigmoid; else softmax.
    const std::string& problem = package.problem_type();
    if (problem == "regression") {
      function = ClassificationFunction::kNone;
    } else if (problem == "multi_label_classification" || labels.size() == 1) {
      function = ClassificationFunction::kSigmoid;
    } else {
      function = ClassificationFunction::kSoftmax;
    }
  }
  std::vector<std::vector<ScoredLabel>> results;
  for (const auto& row : runner_.run(inputs, {"logits"})) {
    const std::vector<float>& logits = row.outputs.front().data;
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
    results.push_back(std::move(ranked));
  }
  return results;
}

}  // namespace modelexport
