// FixedLength pre-tokenizer: cuts the text into pieces of `length` characters (the last one may
// be shorter).
#pragma once

#include "text/pre_tokenizers/pre_tokenizer.h"

namespace modelexport::text {

class FixedLength : public PreTokenizer {
 public:
  explicit FixedLength(std::size_t length) : length_(length) {}
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;

 private:
  std::size_t length_;
};

}  // namespace modelexport::text
