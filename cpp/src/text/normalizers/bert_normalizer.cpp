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

bool BertNormalizer::fusable(const NormalizedString& text) const {
  if (!text.edits_whole_text()) return false;
  if (!strip_accents_) return true;
  // NFD reorders combining marks; one pass per character is only exact when every mark it could
  // move is a nonspacing mark, which strip_accents removes anyway.
  const std::string& s = text.get();
  char32_t parts[4];
  for (std::size_t pos = 0; pos < s.size();) {
    if (static_cast<unsigned char>(s[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::size_t n = unicode::decompose(decode_utf8(s, pos), parts);
    for (std::size_t i = 0; i < n; ++i) {
      if (unicode::combining_class(parts[i]) != 0 && !unicode::is_mark_nonspacing(parts[i])) {
        return false;
      }
    }
  }
  return true;
}

std::size_t BertNormalizer::normalize_char(char32_t c, char32_t* out) const {
  if (clean_text_) {
    if (c == 0 || c == 0xFFFD || is_bert_control(c)) return 0;
    if (is_bert_whitespace(c)) c = U' ';
  }
  char32_t spaced[3] = {c};
  std::size_t n_spaced = 1;
  if (handle_chinese_chars_ && unicode::is_chinese_char(c)) {
    spaced[0] = U' ';
    spaced[1] = c;
    spaced[2] = U' ';
    n_spaced = 3;
  }
  std::size_t n = 0;
  char32_t parts[4];
  char32_t lowered[3];
  for (std::size_t i = 0; i < n_spaced; ++i) {
    const std::size_t n_parts = strip_accents_ ? unicode::decompose(spaced[i], parts) : 1;
    if (!strip_accents_) parts[0] = spaced[i];
    for (std::size_t k = 0; k < n_parts; ++k) {
      if (strip_accents_ && unicode::is_mark_nonspacing(parts[k])) continue;
      if (!lowercase_) {
        out[n++] = parts[k];
        continue;
      }
      const std::size_t n_lowered = unicode::to_lowercase(parts[k], lowered);
      for (std::size_t l = 0; l < n_lowered; ++l) out[n++] = lowered[l];
    }
  }
  return n;
}

void BertNormalizer::normalize(NormalizedString& text) const {
  static_assert(kMaxOut <= NormalizedString::kMaxRebuild, "rebuild's buffer is too small");
  if (fusable(text)) {
    // All steps in one pass; the same result as the steps below, one after the other.
    text.rebuild([this](char32_t c, char32_t* out) {
      return c < 0x80 ? normalize_ascii(c, out) : normalize_char(c, out);
    });
    return;
  }
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
