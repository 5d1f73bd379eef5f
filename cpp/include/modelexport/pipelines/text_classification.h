// text-classification, typed: labels with scores, as transformers' TextClassificationPipeline.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/pipeline.h"
#include "modelexport/pipelines/text_input.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

struct ScoredLabel {
  std::string label;
  double score = 0;
};

enum class ClassificationFunction { kDefault, kSigmoid, kSoftmax, kNone };

// transformers' function_to_apply names ("softmax", "sigmoid", "none"); anything else (the
// schema allows only "default" besides them) is kDefault.
ClassificationFunction classification_function(const std::string& name);

// Scores of one row of logits by `function` (kDefault: transformers' rule from problem_type
// and the label count), labelled from `labels` (LABEL_i past its end), best first, at most
// `top_k` (nullopt: all). The post-processing of the pipeline, on any logits.
std::vector<ScoredLabel> classify_logits(const std::vector<float>& logits,
                                         const std::vector<std::string>& labels,
                                         const std::string& problem_type,
                                         ClassificationFunction function,
                                         std::optional<std::size_t> top_k);

class TextClassificationPipeline {
 public:
  explicit TextClassificationPipeline(std::shared_ptr<const Package> package,
                                      const PipelineOptions& options = {});
  explicit TextClassificationPipeline(const std::string& package_path,
                                      const PipelineOptions& options = {});
  // Labels sorted by score, best first; `top_k` nullopt keeps all of them.
  std::vector<std::vector<ScoredLabel>> operator()(
      const std::vector<TextInput>& inputs, std::optional<std::size_t> top_k = 1,
      ClassificationFunction function = ClassificationFunction::kDefault) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
};

}  // namespace modelexport
