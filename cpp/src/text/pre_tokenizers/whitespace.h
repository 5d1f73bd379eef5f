// Whitespace (regex \w+|[^\w\s]+, the rest removed) and WhitespaceSplit (split on whitespace)
// pre-tokenizers.
#pragma once

#include "text/pre_tokenizers/pre_tokenizer.h"

namespace modelexport::text {

class Whitespace : public PreTokenizer {
 public:
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;
};

class WhitespaceSplit : public PreTokenizer {
 public:
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;
};

}  // namespace modelexport::text
