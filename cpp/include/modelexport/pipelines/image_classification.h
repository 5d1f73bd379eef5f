// image-classification, typed: labels with scores, as transformers' ImageClassificationPipeline.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "modelexport/image.h"
#include "modelexport/pipeline.h"
#include "modelexport/pipelines/text_classification.h"

namespace modelexport {

class ImageClassificationPipeline {
 public:
  explicit ImageClassificationPipeline(std::shared_ptr<const Package> package,
                                       const PipelineOptions& options = {});
  // Per image (RGB, or L that the processor expands to RGB): at most `top_k` labels (clamped to the
  // label count), best first. Scores by classify_logits().
  std::vector<std::vector<ScoredLabel>> operator()(
      const std::vector<Image>& images, std::size_t top_k = 5,
      ClassificationFunction function = ClassificationFunction::kDefault) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
};

}  // namespace modelexport
