// BertPreTokenizer, as tokenizers' pre_tokenizers/bert.rs.
#include "text/pre_tokenizers/bert_pre_tokenizer.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "text/unicode.h"
#include "text/utf8.h"

namespace modelexport::text {
namespace {

enum class CharKind : std::uint8_t { kWord, kSpace, kPunctuation };

CharKind kind_of(char32_t c) {
  if (unicode::is_whitespace(c)) return CharKind::kSpace;
  return unicode::is_bert_punctuation(c) ? CharKind::kPunctuation : CharKind::kWord;
}

// kind_of for ASCII, looked up: most characters of most texts.
const std::array<CharKind, 0x80>& ascii_kinds() {
  static const std::array<CharKind, 0x80> kKinds = [] {
    std::array<CharKind, 0x80> kinds{};
    for (char32_t c = 0; c < 0x80; ++c) kinds[c] = kind_of(c);
    return kinds;
  }();
  return kKinds;
}

}  // namespace

std::unique_ptr<PreTokenizer> BertPreTokenizer::from_json(const JsonRef& /*json*/) {
  return std::make_unique<BertPreTokenizer>();
}

void BertPreTokenizer::pre_tokenize(PreTokenizedString& text) const {
  // tokenizers splits on whitespace (removed), then each part on punctuation (isolated). One
  // pass that removes whitespace and isolates punctuation gives the same parts.
  const std::array<CharKind, 0x80>& ascii = ascii_kinds();
  text.split([&ascii](std::size_t, NormalizedString&& s) {
    const std::string& t = s.get();
    std::vector<std::pair<Offsets, bool>> matches;  // (range, removed)
    matches.reserve(t.size() / 2 + 1);              // a word and a space per 4 bytes, often
    std::size_t word_start = 0;
    for (std::size_t pos = 0; pos < t.size();) {
      const std::size_t start = pos;
      const auto byte = static_cast<unsigned char>(t[pos]);
      const CharKind kind = byte < 0x80 ? ascii[byte] : kind_of(decode_utf8(t, pos));
      if (byte < 0x80) ++pos;
      if (kind == CharKind::kWord) continue;
      if (word_start < start) matches.push_back({{word_start, start}, false});
      matches.push_back({{start, pos}, kind == CharKind::kSpace});
      word_start = pos;
    }
    if (word_start < t.size() || t.empty()) matches.push_back({{word_start, t.size()}, false});
    return std::move(s).split_matches(std::move(matches), SplitBehavior::kRemoved);
  });
}

}  // namespace modelexport::text
