// Replace normalizer, as tokenizers' normalizers/replace.rs, and the alignment-preserving
// replace/prepend edits of tokenizers' NormalizedString expressed through
// NormalizedString::transform.
#include "text/normalizers/replace.h"

#include <stdexcept>

namespace modelexport::text {

ReplacePattern ReplacePattern::from_json(const JsonRef& json) {
  if (!json.json().is_object() || json.json().size() != 1) {
    json.fail("expected {\"String\": ...} or {\"Regex\": ...}");
  }
  if (auto literal = json.find("String")) return ReplacePattern::literal(literal->as_string());
  if (auto pattern = json.find("Regex")) {
    const std::string source = pattern->as_string();
    try {
      return ReplacePattern::regex(source);
    } catch (const std::invalid_argument& e) {
      pattern->fail(e.what());
    }
  }
  json.fail("expected {\"String\": ...} or {\"Regex\": ...}");
}

ReplacePattern ReplacePattern::literal(std::string text) {
  ReplacePattern p;
  // tokenizers compiles the escaped literal as a regex; the empty one matches at every position.
  if (text.empty()) p.regex_.emplace("");
  p.literal_ = std::move(text);
  return p;
}

ReplacePattern ReplacePattern::regex(std::string_view pattern) {
  ReplacePattern p;
  p.regex_.emplace(pattern);
  return p;
}

std::vector<std::pair<Offsets, bool>> ReplacePattern::find_matches(std::string_view text) const {
  if (regex_) return regex_->find_matches(text);
  return find_literal_matches(text, literal_);
}

void replace_in(NormalizedString& text, const std::vector<Offsets>& matches,
                std::string_view content) {
  // tokenizers rebuilds the string directly: each content character is inserted with the
  // alignment of the byte before the match's end. transform() reaches the same alignments when
  // the first k-1 characters of a k-character match are removed by the entry before it, the last
  // one is replaced by the first content character and the rest are inserted. That is impossible
  // only when the entry before is itself an insertion (a match right after one whose content has
  // several characters); such matches are deferred to another pass, where the content before
  // them has become ordinary characters.
  std::vector<char32_t> content_chars;
  for (std::size_t pos = 0; pos < content.size();)
    content_chars.push_back(decode_utf8(content, pos));

  std::vector<Offsets> pending = matches;
  while (!pending.empty()) {
    const std::string& s = text.get();
    const auto range = text.original_to_normalized(0, text.original().size());
    if (!range) return;
    const auto [base, limit] = *range;  // what transform() edits; [0, size) unless see header

    std::vector<CharChange> dest;
    dest.reserve(s.size() + content_chars.size());
    std::size_t initial_offset = 0;
    std::size_t out_len = base;  // byte length of the text produced so far
    std::vector<Offsets> deferred;
    auto keep = [&](std::size_t from, std::size_t to) {
      for (std::size_t pos = from; pos < to;) dest.push_back({decode_utf8(s, pos), 0});
      out_len += to - from;
    };
    auto can_remove = [&](std::size_t chars) {
      return chars == 0 || dest.empty() || dest.back().change <= 0;
    };
    auto remove = [&](std::size_t chars) {
      if (chars == 0) return;
      if (dest.empty()) {
        initial_offset += chars;
      } else {
        dest.back().change -= static_cast<long>(chars);
      }
    };

    std::size_t pos = base;
    for (const auto& [start, end] : pending) {
      if (start < pos || end > limit) continue;  // outside what transform() can edit
      keep(pos, start);
      std::size_t chars = 0;
      for (std::size_t p = start; p < end; ++chars)
        p += utf8_length(static_cast<unsigned char>(s[p]));
      const std::size_t removed_before = content_chars.empty() ? chars : chars - (chars > 0);
      if (!can_remove(removed_before)) {
        deferred.push_back({out_len, out_len + (end - start)});
        keep(start, end);
        pos = end;
        continue;
      }
      remove(removed_before);
      for (std::size_t i = 0; i < content_chars.size(); ++i) {
        // With a non-empty match, the first content character replaces its last character.
        dest.push_back({content_chars[i], (i == 0 && chars > 0) ? 0 : 1});
      }
      out_len += content.size();
      pos = end;
    }
    keep(pos, limit);
    text.transform(dest, initial_offset);
    pending = std::move(deferred);
  }
}

std::unique_ptr<Normalizer> Replace::from_json(const JsonRef& json) {
  // Read in document order (function arguments have no evaluation order).
  ReplacePattern pattern = ReplacePattern::from_json(json.at("pattern"));
  return std::make_unique<Replace>(std::move(pattern), json.at("content").as_string());
}

void Replace::normalize(NormalizedString& text) const {
  std::vector<Offsets> matches;
  for (const auto& [range, is_match] : pattern_.find_matches(text.get())) {
    if (is_match) matches.push_back(range);
  }
  if (!matches.empty()) replace_in(text, matches, content_);
}

}  // namespace modelexport::text
