// BertPreTokenizer, as tokenizers' pre_tokenizers/bert.rs.
#include "text/pre_tokenizers/bert_pre_tokenizer.h"

#include <string>
#include <utility>
#include <vector>

#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport::text {

std::unique_ptr<PreTokenizer> BertPreTokenizer::from_json(const JsonRef& /*json*/) {
  return std::make_unique<BertPreTokenizer>();
}

void BertPreTokenizer::pre_tokenize(PreTokenizedString& text) const {
  // tokenizers splits on whitespace (removed), then each part on punctuation (isolated). One
  // pass that removes whitespace and isolates punctuation gives the same parts.
  text.split([](std::size_t, NormalizedString&& s) {
    const std::string& t = s.get();
    std::vector<std::pair<Offsets, bool>> matches;  // (range, removed)
    std::size_t word_start = 0;
    for (std::size_t pos = 0; pos < t.size();) {
      const std::size_t start = pos;
      const char32_t c = decode_utf8(t, pos);
      const bool space = unicode::is_whitespace(c);
      if (!space && !unicode::is_bert_punctuation(c)) continue;
      if (word_start < start) matches.push_back({{word_start, start}, false});
      matches.push_back({{start, pos}, space});
      word_start = pos;
    }
    if (word_start < t.size() || t.empty()) matches.push_back({{word_start, t.size()}, false});
    return std::move(s).split_matches(std::move(matches), SplitBehavior::kRemoved);
  });
}

}  // namespace modelexport::text
