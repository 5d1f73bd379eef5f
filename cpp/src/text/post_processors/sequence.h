// Sequence post-processor: applies its post-processors one after the other to the encodings
// (e.g. ByteLevel offset trimming followed by TemplateProcessing).
#pragma once

#include <memory>
#include <vector>

#include "text/post_processors/post_processor.h"

namespace modelexport::text {

class PostProcessorSequence : public PostProcessor {
 public:
  explicit PostProcessorSequence(std::vector<std::unique_ptr<PostProcessor>> processors)
      : processors_(std::move(processors)) {}
  static std::unique_ptr<PostProcessor> from_json(const JsonRef& json);
  std::size_t added_tokens(bool is_pair) const override;

 protected:
  std::vector<EncodingData> process_encodings(std::vector<EncodingData> encodings,
                                              bool add_special_tokens) const override;

 private:
  std::vector<std::unique_ptr<PostProcessor>> processors_;
};

}  // namespace modelexport::text
