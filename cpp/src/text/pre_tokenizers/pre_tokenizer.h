// Pre-tokenizer stage: splits the (normalized) splits of a PreTokenizedString into smaller
// pieces ("words") that the model tokenizes independently. Registry from "type" to factory.
#pragma once

#include <memory>

#include "text/json_util.h"
#include "text/pre_tokenized_string.h"

namespace modelexport::text {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  virtual void pre_tokenize(PreTokenizedString& text) const = 0;
};

// Throws std::invalid_argument naming the JSON path for unknown types or bad members.
std::unique_ptr<PreTokenizer> pre_tokenizer_from_json(const JsonRef& json);

// Parses a SplitDelimiterBehavior name ("Removed", "Isolated", ...) at `json`.
SplitBehavior split_behavior_from_json(const JsonRef& json);

}  // namespace modelexport::text
