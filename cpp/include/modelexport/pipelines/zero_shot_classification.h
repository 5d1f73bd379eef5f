// zero-shot-classification, typed: a sequence-classification model trained on NLI scores every
// (text, hypothesis) pair, hypotheses made from candidate labels, as transformers'
// ZeroShotClassificationPipeline does.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "modelexport/pipeline.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

struct ZeroShotResult {
  std::string sequence;
  std::vector<std::string> labels;  // best first
  std::vector<double> scores;       // in the order of `labels`
};

struct ZeroShotOptions {
  std::vector<std::string> candidate_labels;
  std::string hypothesis_template = "This example is {}.";
  bool multi_label = false;
};

// Labels given as one string: split at commas, each stripped, empty ones dropped (transformers'
// rule for `candidate_labels="a, b"`).
std::vector<std::string> split_candidate_labels(const std::string& labels);

// The candidate_labels option of the zero-shot tasks as a call gave it: a list, or one string of
// comma-separated labels (split_candidate_labels). Throws PipelineError naming `task` when it
// was not given.
std::vector<std::string> candidate_labels_option(const Value* given, const std::string& task);
// Its schema entry, shared by the zero-shot tasks (one option, one kind, on the command line).
TaskOption candidate_labels_schema();

// `hypothesis_template` with `label` in its replacement field, as Python's str.format does it for
// "{}" and "{0}" ("{{" and "}}" are literal braces). Throws PipelineError when the template has
// no replacement field or one naming anything else.
std::string format_hypothesis(const std::string& hypothesis_template, const std::string& label);

// The id of the first label of the config's label2id (config.json text) that starts with
// "entail" in any case, as transformers finds it. Throws PipelineError naming `origin` and the
// labels when there is none: without it the scores would mean nothing.
std::size_t entailment_id(const std::string& config_json, const std::string& origin);

// The post-processing on the logits of one sequence's pairs ([labels][classes], row i for
// candidate i): softmax of the entailment logits across the labels, or, with `multi_label` or a
// single label, each label's softmax of (contradiction, entailment); labels ranked best first.
ZeroShotResult rank_candidates(const std::string& sequence,
                               const std::vector<std::vector<float>>& logits,
                               const std::vector<std::string>& candidate_labels,
                               std::size_t entailment, bool multi_label);

class ZeroShotClassificationPipeline {
 public:
  explicit ZeroShotClassificationPipeline(std::shared_ptr<const Package> package,
                                          const PipelineOptions& options = {});
  explicit ZeroShotClassificationPipeline(const std::string& package_path,
                                          const PipelineOptions& options = {});
  // One result per sequence. Throws PipelineError for an empty sequence, no candidate labels or
  // a template without a replacement field.
  std::vector<ZeroShotResult> operator()(const std::vector<std::string>& sequences,
                                         const ZeroShotOptions& options) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
  std::size_t entailment_ = 0;
};

}  // namespace modelexport
