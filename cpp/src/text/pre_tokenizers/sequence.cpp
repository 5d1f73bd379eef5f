// Sequence pre-tokenizer: {"pretokenizers": [...]}.
#include "text/pre_tokenizers/sequence.h"

namespace modelexport::text {

std::unique_ptr<PreTokenizer> PreTokenizerSequence::from_json(const JsonRef& json) {
  std::vector<std::unique_ptr<PreTokenizer>> pre_tokenizers;
  for (const JsonRef& item : json.at("pretokenizers").elements()) {
    pre_tokenizers.push_back(pre_tokenizer_from_json(item));
  }
  return std::make_unique<PreTokenizerSequence>(std::move(pre_tokenizers));
}

void PreTokenizerSequence::pre_tokenize(PreTokenizedString& text) const {
  for (const auto& pre_tokenizer : pre_tokenizers_) pre_tokenizer->pre_tokenize(text);
}

}  // namespace modelexport::text
