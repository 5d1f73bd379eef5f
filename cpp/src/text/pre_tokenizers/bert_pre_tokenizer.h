// BertPreTokenizer: splits on whitespace (removed), then isolates every punctuation character
// (ASCII symbols included, as in BERT's original code).
#pragma once

#include "text/pre_tokenizers/pre_tokenizer.h"

namespace modelexport::text {

class BertPreTokenizer : public PreTokenizer {
 public:
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;
};

}  // namespace modelexport::text
