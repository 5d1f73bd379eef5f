// image-segmentation, typed: one mask per label, as transformers' ImageSegmentationPipeline
// returns them for semantic-segmentation heads (SegFormer, DPT, UperNet, BEiT, MobileViT, ...).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modelexport/image.h"
#include "modelexport/pipeline.h"
#include "modelexport/session.h"

namespace modelexport {

namespace pipelines {
class ModelRunner;
}

struct Segment {
  std::optional<double> score;  // none for semantic segmentation, as transformers
  std::string label;
  Image mask;  // 1 channel, original size: 255 where the pixel has this label, else 0
};

// `logits` [classes, h, w] resized to `height` x `width` as torch's bilinear interpolation
// (align_corners=False) does, in float32: [classes, height, width].
FloatTensor resize_logits_bilinear(const FloatTensor& logits, std::size_t height,
                                   std::size_t width);

// The post-processing of one image: per pixel the best class of the resized logits (the first
// on ties), then one mask per class present, by class id.
std::vector<Segment> semantic_segments(const FloatTensor& logits,
                                       const std::vector<std::string>& labels, std::size_t width,
                                       std::size_t height);

class ImageSegmentationPipeline {
 public:
  explicit ImageSegmentationPipeline(std::shared_ptr<const Package> package,
                                     const PipelineOptions& options = {});
  std::vector<std::vector<Segment>> operator()(const std::vector<Image>& images) const;

 private:
  std::shared_ptr<const pipelines::ModelRunner> runner_;
};

}  // namespace modelexport
