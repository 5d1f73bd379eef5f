// feature-extraction, typed: hidden states per token and sentence-transformers embeddings.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "modelexport/package.h"
#include "modelexport/pipeline.h"
#include "modelexport/pipelines/text_input.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

// The sentence embedding of one input's real tokens ([tokens][hidden]) by `pooling`.
// Throws std::invalid_argument when there are no tokens.
std::vector<float> pool_tokens(const std::vector<std::vector<float>>& tokens,
                               const SentencePooling& pooling);

class FeatureExtractionPipeline {
 public:
  explicit FeatureExtractionPipeline(std::shared_ptr<const Package> package,
                                     const PipelineOptions& options = {});
  explicit FeatureExtractionPipeline(const std::string& package_path,
                                     const PipelineOptions& options = {});
  // Per input: [tokens][hidden] hidden states of its real (unpadded) tokens.
  std::vector<std::vector<std::vector<float>>> operator()(
      const std::vector<TextInput>& inputs) const;
  // Per input: the sentence embedding by the package's sentence-transformers pooling (mean
  // pooling, not normalized, when the package has none).
  std::vector<std::vector<float>> sentence_embeddings(const std::vector<TextInput>& inputs) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
};

}  // namespace modelexport
