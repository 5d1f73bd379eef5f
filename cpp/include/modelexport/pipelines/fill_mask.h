// fill-mask, typed: candidates for each mask token, as transformers' FillMaskPipeline.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "modelexport/pipeline.h"
#include "modelexport/pipelines/text_input.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

// One proposal for a masked position, as transformers' fill-mask returns it.
struct FillMaskCandidate {
  double score = 0;
  std::int64_t token = 0;
  std::string token_str;
  std::string sequence;  // the input with this token in place of the mask, decoded
};

// The post-processing at one mask position: softmax over `logits` (the vocabulary), then the
// `top_k` best token ids with their probabilities, best first (equal scores: lower id first),
// among `target_ids` when not empty.
std::vector<std::pair<std::int64_t, double>> top_tokens(
    const std::vector<float>& logits, std::size_t top_k,
    const std::vector<std::int64_t>& target_ids);

class FillMaskPipeline {
 public:
  explicit FillMaskPipeline(std::shared_ptr<const Package> package,
                            const PipelineOptions& options = {});
  explicit FillMaskPipeline(const std::string& package_path, const PipelineOptions& options = {});
  // Per input, per mask token in it (in order): the top_k candidates, best first. `targets`
  // restricts candidates to those tokens (a word missing from the vocabulary stands for its
  // first sub-token). Throws std::invalid_argument when an input has no mask token.
  std::vector<std::vector<std::vector<FillMaskCandidate>>> operator()(
      const std::vector<TextInput>& inputs, std::size_t top_k = 5,
      const std::vector<std::string>& targets = {}) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
  std::int64_t mask_id_ = 0;
  std::optional<std::int64_t> pad_id_;
};

}  // namespace modelexport
