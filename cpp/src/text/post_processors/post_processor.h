// Post-processor stage: adds the special tokens around the encoded sequence(s) ([CLS] A [SEP]
// B [SEP]) and sets the type ids. Registry from "type" to factory.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "text/encoding_data.h"
#include "text/json_util.h"

namespace modelexport::text {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  // Number of special tokens process() adds (used to truncate before processing).
  virtual std::size_t added_tokens(bool is_pair) const = 0;
  // tokenizers' PostProcessor::process: marks sequence i with sequence id and type id i, lets
  // process_encodings() add special tokens, then concatenates the results.
  EncodingData process(EncodingData first, std::optional<EncodingData> second,
                       bool add_special_tokens) const;

 protected:
  virtual std::vector<EncodingData> process_encodings(std::vector<EncodingData> encodings,
                                                      bool add_special_tokens) const = 0;
};

// Throws std::invalid_argument naming the JSON path for unknown types or bad members.
std::unique_ptr<PostProcessor> post_processor_from_json(const JsonRef& json);

// Concatenation used when there is no post-processor (tokenizers' default_process).
EncodingData default_post_process(EncodingData first, std::optional<EncodingData> second);

}  // namespace modelexport::text
