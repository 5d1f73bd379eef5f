// ByteLevel pre-tokenizer, as tokenizers' pre_tokenizers/byte_level.rs:
// {"add_prefix_space": bool, "trim_offsets": bool, "use_regex": bool (default true)}
// (trim_offsets only matters to the post-processor of the same name).
#include "text/pre_tokenizers/byte_level.h"

#include <cstdint>

#include "text/byte_level_alphabet.h"
#include "text/code_point_table.h"
#include "text/utf8.h"

namespace modelexport::text {
namespace {

// Character classes of the GPT-2 pattern.
enum CharClass : std::uint8_t { kOther = 0, kLetter = 1, kNumber = 2, kSpace = 3 };

struct ClassRange {
  char32_t first;
  char32_t last;
  std::uint8_t value;
};

constexpr ClassRange kClassRanges[] = {
#include "text/pre_tokenizers/gpt2_classes.inc"
};

using ClassTable = CodePointTable<std::uint8_t>;

ClassTable make_class_table() {
  std::vector<std::uint8_t> all(ClassTable::kCodePoints, kOther);
  for (const ClassRange& r : kClassRanges) {
    for (char32_t c = r.first; c <= r.last; ++c) all[c] = r.value;
  }
  return ClassTable(all);
}

const ClassTable& class_table() {
  static const ClassTable kTable = make_class_table();
  return kTable;
}

// The class of the character at text[pos]; advances pos past it.
inline std::uint8_t next_class(std::string_view text, std::size_t& pos, char32_t& c) {
  static const ClassTable& table = class_table();
  c = decode_utf8(text, pos);
  return table(c);
}

// End of the run of characters of class `cls` that starts at `pos`.
std::size_t run_end(std::string_view text, std::size_t pos, std::uint8_t cls) {
  char32_t c = 0;
  while (pos < text.size()) {
    std::size_t next = pos;
    if (next_class(text, next, c) != cls) break;
    pos = next;
  }
  return pos;
}

// Length of the contraction ('s 't 're 've 'm 'll 'd) at text[pos] == '\'', or 0.
std::size_t contraction_length(std::string_view text, std::size_t pos) {
  if (pos + 1 >= text.size()) return 0;
  const char a = text[pos + 1];
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (pos + 2 >= text.size()) return 0;
  const char b = text[pos + 2];
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

// End of the match of the GPT-2 pattern that starts at `pos` (every position starts one).
std::size_t gpt2_match_end(std::string_view text, std::size_t pos) {
  if (text[pos] == '\'') {
    if (const std::size_t n = contraction_length(text, pos)) return pos + n;
  }
  std::size_t next = pos;
  char32_t c = 0;
  const std::uint8_t cls = next_class(text, next, c);
  if (c == ' ' && next < text.size()) {
    // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+" with the optional space.
    std::size_t after = next;
    const std::uint8_t following = next_class(text, after, c);
    if (following != kSpace) return run_end(text, after, following);
  }
  if (cls != kSpace) return run_end(text, next, cls);
  // "\s+(?!\S)": the whitespace run, less its last character when something follows it
  // (unless that leaves nothing, then "\s+" takes the whole run).
  std::size_t last_start = pos;
  std::size_t end = next;
  while (end < text.size()) {
    std::size_t after = end;
    if (next_class(text, after, c) != kSpace) break;
    last_start = end;
    end = after;
  }
  if (end == text.size() || last_start == pos) return end;
  return last_start;
}

}  // namespace

std::vector<std::pair<Offsets, bool>> gpt2_find_matches(std::string_view text) {
  std::vector<std::pair<Offsets, bool>> parts;
  if (text.empty()) {
    parts.push_back({{0, 0}, false});
    return parts;
  }
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = gpt2_match_end(text, pos);
    parts.push_back({{pos, end}, true});
    pos = end;
  }
  return parts;
}

void prepend_space(NormalizedString& normalized) {
  const std::string& text = normalized.get();
  if (text.empty()) return;
  if (normalized.edits_whole_text()) return normalized.prepend(" ");  // the same edit, faster
  std::vector<CharChange> dest;
  dest.reserve(text.size() + 1);
  dest.push_back({U' ', 0});
  for (std::size_t pos = 0; pos < text.size();) {
    dest.push_back({decode_utf8(text, pos), dest.size() == 1 ? 1 : 0});
  }
  normalized.transform(dest, 0);
}

void byte_level_transform(NormalizedString& normalized) {
  normalized.map_bytes(byte_level::utf8_table());
}

std::unique_ptr<PreTokenizer> ByteLevelPreTokenizer::from_json(const JsonRef& json) {
  json.at("trim_offsets").as_bool();  // required by tokenizers, used by the post-processor
  return std::make_unique<ByteLevelPreTokenizer>(json.at("add_prefix_space").as_bool(),
                                                 json.bool_or("use_regex", true));
}

void ByteLevelPreTokenizer::pre_tokenize(PreTokenizedString& text) const {
  text.split([this](std::size_t, NormalizedString&& s) {
    if (add_prefix_space_ && !s.get().empty() && s.get().front() != ' ') prepend_space(s);
    std::vector<NormalizedString> parts;
    if (!use_regex_) {
      byte_level_transform(s);
      parts.push_back(std::move(s));
      return parts;
    }
    // tokenizers splits first and then maps the bytes of each part; mapping the whole text once
    // and splitting it at the corresponding positions gives the same parts, with far less work.
    std::vector<std::pair<Offsets, bool>> matches = gpt2_find_matches(s.get());
    const std::string& before = s.get();
    const auto& to_utf8 = byte_level::utf8_table();
    std::size_t old_pos = 0;
    std::size_t new_pos = 0;
    auto advance_to = [&](std::size_t target) {
      for (; old_pos < target; ++old_pos) {
        new_pos += to_utf8[static_cast<unsigned char>(before[old_pos])].size();
      }
      return new_pos;
    };
    for (auto& [range, is_match] : matches) {
      range.first = advance_to(range.first);
      range.second = advance_to(range.second);
    }
    byte_level_transform(s);
    return std::move(s).split_matches(std::move(matches), SplitBehavior::kIsolated);
  });
}

}  // namespace modelexport::text
