// Whitespace and WhitespaceSplit, as tokenizers' pre_tokenizers/whitespace.rs. The regex
// \w+|[^\w\s]+ is evaluated as runs of character classes, which is what it matches.
#include "text/pre_tokenizers/whitespace.h"

#include "text/unicode.h"

namespace modelexport::text {
namespace {

enum class CharClass { kWord, kSpace, kOther };

CharClass classify(char32_t c) {
  if (unicode::is_word_char(c)) return CharClass::kWord;
  if (unicode::is_whitespace(c)) return CharClass::kSpace;
  return CharClass::kOther;
}

std::vector<NormalizedString> split_word_runs(NormalizedString s) {
  // Regex matches (kept) alternate with gaps (whitespace, removed): tokenizers inverts the
  // pattern and splits with Removed.
  const std::string& text = s.get();
  std::vector<std::pair<Offsets, bool>> matches;
  if (text.empty()) {
    matches.push_back({{0, 0}, false});
    return std::move(s).split_matches(std::move(matches), SplitBehavior::kRemoved);
  }
  std::size_t pos = 0;
  std::size_t gap_start = 0;
  while (pos < text.size()) {
    std::size_t start = pos;
    const CharClass cls = classify(decode_utf8(text, pos));
    if (cls == CharClass::kSpace) continue;
    std::size_t end = pos;
    while (end < text.size()) {
      std::size_t next = end;
      if (classify(decode_utf8(text, next)) != cls) break;
      end = next;
    }
    if (gap_start < start) matches.push_back({{gap_start, start}, true});
    matches.push_back({{start, end}, false});
    gap_start = end;
    pos = end;
  }
  if (gap_start < text.size()) matches.push_back({{gap_start, text.size()}, true});
  return std::move(s).split_matches(std::move(matches), SplitBehavior::kRemoved);
}

}  // namespace

std::unique_ptr<PreTokenizer> Whitespace::from_json(const JsonRef& /*json*/) {
  return std::make_unique<Whitespace>();
}

void Whitespace::pre_tokenize(PreTokenizedString& text) const {
  text.split([](std::size_t, NormalizedString&& s) { return split_word_runs(std::move(s)); });
}

std::unique_ptr<PreTokenizer> WhitespaceSplit::from_json(const JsonRef& /*json*/) {
  return std::make_unique<WhitespaceSplit>();
}

void WhitespaceSplit::pre_tokenize(PreTokenizedString& text) const {
  text.split([](std::size_t, NormalizedString&& s) {
    return std::move(s).split(unicode::is_whitespace, SplitBehavior::kRemoved);
  });
}

}  // namespace modelexport::text
