// image-feature-extraction, typed: the model's hidden states (or pooled output) per image, as
// transformers' ImageFeatureExtractionPipeline returns them.
#pragma once

#include <memory>
#include <vector>

#include "modelexport/image.h"
#include "modelexport/pipeline.h"
#include "modelexport/session.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

class ImageFeatureExtractionPipeline {
 public:
  explicit ImageFeatureExtractionPipeline(std::shared_ptr<const Package> package,
                                          const PipelineOptions& options = {});
  // Per image (RGB, or L that the processor expands to RGB): last_hidden_state (e.g. [patches,
  // hidden], or [channels, h, w] for a convolutional model), or with `pool` the pooler_output. A
  // package without a pooler_output output is a PipelineError for pool=true, as transformers
  // refuses it.
  std::vector<FloatTensor> operator()(const std::vector<Image>& images, bool pool = false) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
};

}  // namespace modelexport
