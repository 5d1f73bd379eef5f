// ByteLevel post-processor: adds no tokens; with trim_offsets, shrinks each token's offsets so
// that they exclude the spaces the token starts or ends with (GPT-2 tokens carry their leading
// space, "Ġworld").
#pragma once

#include "text/post_processors/post_processor.h"

namespace modelexport::text {

class ByteLevelPostProcessor : public PostProcessor {
 public:
  ByteLevelPostProcessor(bool add_prefix_space, bool trim_offsets)
      : add_prefix_space_(add_prefix_space), trim_offsets_(trim_offsets) {}
  static std::unique_ptr<PostProcessor> from_json(const JsonRef& json);
  std::size_t added_tokens(bool) const override { return 0; }

 protected:
  std::vector<EncodingData> process_encodings(std::vector<EncodingData> encodings,
                                              bool add_special_tokens) const override;

 private:
  bool add_prefix_space_;
  bool trim_offsets_;
};

// tokenizers' processors::byte_level::process_offsets: leading/trailing 'Ġ' or whitespace
// characters of each token are cut from its (character) offsets, except the single space that
// add_prefix_space put before the first token.
void trim_byte_level_offsets(EncodingData& encoding, bool add_prefix_space);

}  // namespace modelexport::text
