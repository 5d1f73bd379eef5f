// object-detection, typed: labelled boxes in pixels of the original image, as transformers'
// ObjectDetectionPipeline returns them for DETR-style heads (DETR, YOLOS, ...).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "modelexport/image.h"
#include "modelexport/pipeline.h"
#include "modelexport/session.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

struct BoundingBox {
  int xmin = 0;
  int ymin = 0;
  int xmax = 0;
  int ymax = 0;
};

struct DetectedObject {
  double score = 0;  // a float32 value, as transformers computes it
  std::string label;
  BoundingBox box;
};

// The post-processing of one image, on any outputs: `logits` [queries, classes + 1] (the last
// class is "no object"), `boxes` [queries, 4] as normalized (center x, center y, width,
// height). Softmax over the classes; each query's best real class, kept when its score exceeds
// `threshold`; boxes scaled to `width` x `height` and truncated to integers as transformers'
// box.int() does. Queries in model order.
std::vector<DetectedObject> detect_objects(const FloatTensor& logits, const FloatTensor& boxes,
                                           const std::vector<std::string>& labels,
                                           std::size_t width, std::size_t height, double threshold);

class ObjectDetectionPipeline {
 public:
  explicit ObjectDetectionPipeline(std::shared_ptr<const Package> package,
                                   const PipelineOptions& options = {});
  std::vector<std::vector<DetectedObject>> operator()(const std::vector<Image>& images,
                                                      double threshold = 0.5) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
};

}  // namespace modelexport
