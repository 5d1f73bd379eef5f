// Normalizer stage: edits a NormalizedString in place (keeping alignments). The registry maps
// tokenizer.json's "type" to each component's from_json factory.
#pragma once

#include <memory>

#include "text/json_util.h"
#include "text/normalized_string.h"

namespace modelexport::text {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedString& text) const = 0;
};

// Builds the normalizer described by `json` (an object with a "type"); throws
// std::invalid_argument naming the JSON path for unknown types or bad members.
std::unique_ptr<Normalizer> normalizer_from_json(const JsonRef& json);

}  // namespace modelexport::text
