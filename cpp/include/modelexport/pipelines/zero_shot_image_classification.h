// zero-shot-image-classification, typed: a dual encoder (CLIP, SigLIP) scores each image against
// hypotheses made from candidate labels, as transformers' ZeroShotImageClassificationPipeline
// does. The package holds the towers as graphs of their own (text_model.onnx, vision_model.onnx,
// sharing model.onnx's weights), so the embedding of a hypothesis is computed once and reused
// by later calls.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "modelexport/image.h"
#include "modelexport/pipeline.h"
#include "modelexport/pipelines/text_classification.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

// How a dual encoder turns similarities into scores: CLIP's softmax across the labels, SigLIP's
// sigmoid per label.
enum class SimilarityScore { kSoftmax, kSigmoid };

// Scores of one image's logits (logit_scale.exp() * cosine + logit_bias per label), labelled
// and sorted best first with ties in label order (Python's sorted, as transformers ranks them).
std::vector<ScoredLabel> rank_similarities(const std::vector<double>& logits,
                                           const std::vector<std::string>& candidate_labels,
                                           SimilarityScore score);

class ZeroShotImageClassificationPipeline {
 public:
  explicit ZeroShotImageClassificationPipeline(std::shared_ptr<const Package> package,
                                               const PipelineOptions& options = {});
  ~ZeroShotImageClassificationPipeline();
  // Per image: every candidate label with its score, best first. Throws PipelineError for no
  // labels or a template without a replacement field (format_hypothesis()).
  std::vector<std::vector<ScoredLabel>> operator()(
      const std::vector<Image>& images, const std::vector<std::string>& candidate_labels,
      const std::string& hypothesis_template = "This is a photo of {}.") const;
  // Hypotheses whose text embedding is cached (the text tower ran for them once).
  std::size_t cached_hypotheses() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace modelexport
