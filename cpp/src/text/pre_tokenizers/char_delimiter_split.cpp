// CharDelimiterSplit pre-tokenizer, as tokenizers' pre_tokenizers/delimiter.rs:
// {"delimiter": "_"}.
#include "text/pre_tokenizers/char_delimiter_split.h"

#include "text/utf8.h"

namespace modelexport::text {

char32_t char_from_json(const JsonRef& json) {
  const std::string text = json.as_string();
  std::size_t pos = 0;
  const char32_t c = text.empty() ? 0 : decode_utf8(text, pos);
  if (text.empty() || pos != text.size()) {
    json.fail("expected a single character, got " + nlohmann::json(text).dump());
  }
  return c;
}

std::unique_ptr<PreTokenizer> CharDelimiterSplit::from_json(const JsonRef& json) {
  return std::make_unique<CharDelimiterSplit>(char_from_json(json.at("delimiter")));
}

void CharDelimiterSplit::pre_tokenize(PreTokenizedString& text) const {
  text.split([this](std::size_t, NormalizedString&& s) {
    return std::move(s).split([this](char32_t c) { return c == delimiter_; },
                              SplitBehavior::kRemoved);
  });
}

}  // namespace modelexport::text
