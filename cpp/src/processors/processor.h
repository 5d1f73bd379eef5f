// The processor layer (Package -> Processor -> Session -> Pipeline): a Processor turns inputs
// into graph feeds. Which one a package gets is decided by its hf_processor_config
// "processor_type", through the registry in processors/registry.cpp (one line per processor);
// tokenizers come first, image and audio processors plug in beside them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "modelexport/encoding.h"
#include "modelexport/session.h"
#include "runtime/shape_policy.h"

namespace modelexport {
class Package;
}

namespace modelexport::processors {

// An image as the image processor prepared it, and its geometry for mapping outputs back.
struct PreparedImage {
  FloatTensor pixels;              // [3, height, width] after every step, before batch padding
  std::size_t original_width = 0;  // the input image
  std::size_t original_height = 0;
  std::size_t resized_width = 0;  // after the resize step (before any crop or padding)
  std::size_t resized_height = 0;
  std::size_t width = 0;  // of `pixels`: where pixel_mask is 1 once fed
  std::size_t height = 0;
};

// A clip as the audio processor prepared it.
struct PreparedAudio {
  FloatTensor features;          // the feature extractor's output for the clip (no batch axis)
  std::size_t valid_length = 0;  // steps of its time axis that hold the clip (attention mask)
  std::size_t samples = 0;       // the clip's length in samples at the extractor's rate
};

// One input as its processor prepared it, with what post-processing needs to map the model's
// outputs back to the input.
struct Prepared {
  Prepared() = default;
  Prepared(Encoding text) : encoding(std::move(text)) {}  // NOLINT: implicit, as {encoding}

  Encoding encoding;  // text: the input's tokens (unpadded until the batch is fed)
  // document: each token's box (0..1000: x0, y0, x1, y1), unpadded like `encoding`
  std::vector<std::array<std::int64_t, 4>> token_boxes;
  PreparedImage image;  // image: the preprocessed pixels and their geometry
  PreparedAudio audio;  // audio: the clip's features
};

// A graph input as a processor makes it: int64 (text) or float32 (pixels, samples).
using FeedTensor = std::variant<Int64Tensor, FloatTensor>;
using Feeds = std::vector<std::pair<std::string, FeedTensor>>;

class Processor {
 public:
  virtual ~Processor() = default;
  // The processor_type it implements ("tokenizer", "image", ...).
  virtual const std::string& type() const = 0;
  // The graph feeds for the rows of one batch (filler rows included), fitted by `policy`:
  // every feature padded on each axis to policy.padded_length().
  virtual Feeds feeds(std::vector<Prepared>& rows, const runtime::ShapePolicy& policy) const = 0;
};

// The processor the package's processor_type names, configured for a graph fitted by `policy`.
// Throws std::invalid_argument naming the package for an unknown processor_type.
std::unique_ptr<Processor> create_processor(const Package& package,
                                            const runtime::ShapePolicy& policy);
// The processor of `type` for one graph of a package that takes several kinds of input (a dual
// encoder's text and image towers).
std::unique_ptr<Processor> create_processor(const Package& package,
                                            const runtime::ShapePolicy& policy,
                                            const std::string& type);

// `processor` as the processor kind a task needs; std::invalid_argument naming both otherwise.
template <typename P>
const P& processor_as(const Processor& processor, const std::string& task) {
  if (const auto* wanted = dynamic_cast<const P*>(&processor)) return *wanted;
  throw std::invalid_argument("task " + task + " cannot use the package's '" + processor.type() +
                              "' processor");
}

}  // namespace modelexport::processors
