// BertNormalizer, as tokenizers' normalizers/bert.rs.
#include "text/normalizers/bert_normalizer.h"

#include <vector>

#include "text/unicode.h"

namespace modelexport::text {
namespace {

bool is_bert_whitespace(char32_t c) {
  return c == '\t' || c == '\n' || c == '\r' || unicode::is_whitespace(c);
}

bool is_bert_control(char32_t c) {
  return c != '\t' && c != '\n' && c != '\r' && unicode::is_other(c);
}

}  // namespace

std::unique_ptr<Normalizer> BertNormalizer::from_json(const JsonRef& json) {
  return std::make_unique<BertNormalizer>(
      json.bool_or("clean_text", true), json.bool_or("handle_chinese_chars", true),
      json.optional_bool("strip_accents"), json.bool_or("lowercase", true));
}

void BertNormalizer::normalize(NormalizedString& text) const {
  if (clean_text_) {
    text.filter([](char32_t c) { return !(c == 0 || c == 0xFFFD || is_bert_control(c)); });
    text.map([](char32_t c) { return is_bert_whitespace(c) ? U' ' : c; });
  }
  if (handle_chinese_chars_) {
    std::vector<CharChange> dest;
    const std::string& s = text.get();
    dest.reserve(s.size());
    bool any = false;
    for (std::size_t pos = 0; pos < s.size();) {
      const char32_t c = decode_utf8(s, pos);
      if (unicode::is_chinese_char(c)) {
        dest.push_back({U' ', 0});
        dest.push_back({c, 1});
        dest.push_back({U' ', 1});
        any = true;
      } else {
        dest.push_back({c, 0});
      }
    }
    if (any) text.transform(dest, 0);
  }
  if (strip_accents_) {
    text.nfd();
    text.filter([](char32_t c) { return !unicode::is_mark_nonspacing(c); });
  }
  if (lowercase_) text.lowercase();
}

}  // namespace modelexport::text
