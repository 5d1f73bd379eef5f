// audio-classification, typed: labels with scores, as transformers' AudioClassificationPipeline.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "modelexport/audio.h"
#include "modelexport/pipeline.h"
#include "modelexport/pipelines/text_classification.h"

namespace modelexport {

class AudioClassificationPipeline {
 public:
  explicit AudioClassificationPipeline(std::shared_ptr<const Package> package,
                                       const PipelineOptions& options = {});
  // Per clip: at most `top_k` labels (clamped to the label count), best first. kDefault is the
  // audio pipeline's rule: none for regression, sigmoid for multi-label, else softmax (a single
  // label included, unlike text-classification).
  std::vector<std::vector<ScoredLabel>> operator()(
      const std::vector<Audio>& clips, std::size_t top_k = 5,
      ClassificationFunction function = ClassificationFunction::kDefault) const;
  // The rate the model's feature extractor takes (Hz): clips at another rate are resampled.
  double sampling_rate() const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
};

}  // namespace modelexport
