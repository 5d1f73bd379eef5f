// CharDelimiterSplit pre-tokenizer: splits on one delimiter character, which is removed.
#pragma once

#include "text/pre_tokenizers/pre_tokenizer.h"

namespace modelexport::text {

class CharDelimiterSplit : public PreTokenizer {
 public:
  explicit CharDelimiterSplit(char32_t delimiter) : delimiter_(delimiter) {}
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;

 private:
  char32_t delimiter_;
};

// A JSON string holding exactly one character (how tokenizers stores a Rust `char`, e.g.
// Metaspace's "replacement" or the Strip decoder's "content").
char32_t char_from_json(const JsonRef& json);

}  // namespace modelexport::text
