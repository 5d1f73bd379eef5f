// BertPreTokenizer, as tokenizers' pre_tokenizers/bert.rs.
#include "text/pre_tokenizers/bert_pre_tokenizer.h"

#include "text/unicode.h"

namespace modelexport::text {

std::unique_ptr<PreTokenizer> BertPreTokenizer::from_json(const JsonRef& /*json*/) {
  return std::make_unique<BertPreTokenizer>();
}

void BertPreTokenizer::pre_tokenize(PreTokenizedString& text) const {
  text.split([](std::size_t, NormalizedString&& s) {
    return std::move(s).split(unicode::is_whitespace, SplitBehavior::kRemoved);
  });
  text.split([](std::size_t, NormalizedString&& s) {
    return std::move(s).split(unicode::is_bert_punctuation, SplitBehavior::kIsolated);
  });
}

}  // namespace modelexport::text
