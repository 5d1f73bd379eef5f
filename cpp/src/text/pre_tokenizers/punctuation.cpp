// Punctuation pre-tokenizer, as tokenizers' pre_tokenizers/punctuation.rs:
// {"behavior": "Isolated"} (the default).
#include "text/pre_tokenizers/punctuation.h"

#include "text/unicode.h"

namespace modelexport::text {

std::unique_ptr<PreTokenizer> Punctuation::from_json(const JsonRef& json) {
  auto behavior = json.find("behavior");
  return std::make_unique<Punctuation>(behavior ? split_behavior_from_json(*behavior)
                                                : SplitBehavior::kIsolated);
}

void Punctuation::pre_tokenize(PreTokenizedString& text) const {
  text.split([this](std::size_t, NormalizedString&& s) {
    return std::move(s).split(unicode::is_bert_punctuation, behavior_);
  });
}

}  // namespace modelexport::text
