// Lookups over the generated Unicode tables (sorted ranges and mappings, binary searched).
#include "text/unicode.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace modelexport::text::unicode {
namespace {

struct CodePointRange {
  char32_t first;
  char32_t last;
};

template <std::size_t N>
struct CodePointMapping {
  char32_t from;
  std::uint8_t length;
  char32_t to[N];
};

struct CombiningClassRange {
  char32_t first;
  char32_t last;
  std::uint8_t value;
};

struct FlatMapping {
  char32_t from;
  std::uint16_t offset;
  std::uint8_t length;
};

struct Composition {
  char32_t first;
  char32_t second;
  char32_t composite;
};

struct ValueRange {
  char32_t first;
  char32_t last;
  std::uint8_t value;
};

#include "text/unicode_tables.inc"

template <std::size_t N>
bool in_ranges(const CodePointRange (&table)[N], char32_t c) {
  const auto* it =
      std::upper_bound(std::begin(table), std::end(table), c,
                       [](char32_t v, const CodePointRange& r) { return v < r.first; });
  return it != std::begin(table) && c <= std::prev(it)->last;
}

template <std::size_t W, std::size_t N>
const CodePointMapping<W>* find_mapping(const CodePointMapping<W> (&table)[N], char32_t c) {
  const auto* it =
      std::lower_bound(std::begin(table), std::end(table), c,
                       [](const CodePointMapping<W>& m, char32_t v) { return m.from < v; });
  return it != std::end(table) && it->from == c ? it : nullptr;
}

template <typename Row, std::size_t N>
const Row* find_range(const Row (&table)[N], char32_t c) {
  const auto* it = std::upper_bound(std::begin(table), std::end(table), c,
                                    [](char32_t v, const Row& r) { return v < r.first; });
  if (it == std::begin(table)) return nullptr;
  --it;
  return c <= it->last ? it : nullptr;
}

constexpr char32_t kHangulSBase = 0xAC00;
constexpr char32_t kHangulLBase = 0x1100;
constexpr char32_t kHangulVBase = 0x1161;
constexpr char32_t kHangulTBase = 0x11A7;
constexpr char32_t kHangulVCount = 21;
constexpr char32_t kHangulTCount = 28;
constexpr char32_t kHangulNCount = kHangulVCount * kHangulTCount;
constexpr char32_t kHangulSCount = 11172;

}  // namespace

bool is_whitespace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return in_ranges(kWhitespace, c);
}

bool is_other(char32_t c) { return in_ranges(kOther, c); }

bool is_bert_punctuation(char32_t c) {
  if (c < 0x80) {
    return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
           (c >= 0x7B && c <= 0x7E);
  }
  return in_ranges(kBertPunctuation, c);
}

bool is_word_char(char32_t c) {
  if (c < 0x80) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  return in_ranges(kWordChar, c);
}

bool is_mark_nonspacing(char32_t c) { return c >= 0x300 && in_ranges(kNonspacingMark, c); }

bool is_combining_mark(char32_t c) { return c >= 0x300 && in_ranges(kCombiningMark, c); }

bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::uint8_t combining_class(char32_t c) {
  if (c < 0x300) return 0;
  const auto* it =
      std::upper_bound(std::begin(kCombiningClasses), std::end(kCombiningClasses), c,
                       [](char32_t v, const CombiningClassRange& r) { return v < r.first; });
  if (it == std::begin(kCombiningClasses)) return 0;
  --it;
  return c <= it->last ? it->value : 0;
}

std::size_t decompose(char32_t c, char32_t* out) {
  if (c < 0xC0) {
    out[0] = c;
    return 1;
  }
  if (c >= kHangulSBase && c < kHangulSBase + kHangulSCount) {
    const char32_t s = c - kHangulSBase;
    out[0] = kHangulLBase + s / kHangulNCount;
    out[1] = kHangulVBase + (s % kHangulNCount) / kHangulTCount;
    if (s % kHangulTCount == 0) return 2;
    out[2] = kHangulTBase + s % kHangulTCount;
    return 3;
  }
  if (const auto* m = find_mapping(kDecompositions, c)) {
    std::copy(m->to, m->to + m->length, out);
    return m->length;
  }
  out[0] = c;
  return 1;
}

std::size_t compat_decompose(char32_t c, char32_t* out) {
  if (c < 0xA0) {
    out[0] = c;
    return 1;
  }
  if (c >= kHangulSBase && c < kHangulSBase + kHangulSCount) return decompose(c, out);
  const auto* it =
      std::lower_bound(std::begin(kCompatDecompositions), std::end(kCompatDecompositions), c,
                       [](const FlatMapping& m, char32_t v) { return m.from < v; });
  if (it != std::end(kCompatDecompositions) && it->from == c) {
    std::copy(kCompatDecompositionsData + it->offset,
              kCompatDecompositionsData + it->offset + it->length, out);
    return it->length;
  }
  out[0] = c;
  return 1;
}

char32_t compose(char32_t first, char32_t second) {
  // Hangul: L + V -> LV, LV + T -> LVT (arithmetic, as in the Unicode standard).
  if (first >= kHangulLBase && first < kHangulLBase + 19 && second >= kHangulVBase &&
      second < kHangulVBase + kHangulVCount) {
    return kHangulSBase +
           ((first - kHangulLBase) * kHangulVCount + (second - kHangulVBase)) * kHangulTCount;
  }
  if (first >= kHangulSBase && first < kHangulSBase + kHangulSCount &&
      (first - kHangulSBase) % kHangulTCount == 0 && second > kHangulTBase &&
      second < kHangulTBase + kHangulTCount) {
    return first + (second - kHangulTBase);
  }
  const auto* it = std::lower_bound(
      std::begin(kCompositions), std::end(kCompositions), std::make_pair(first, second),
      [](const Composition& m, const std::pair<char32_t, char32_t>& v) {
        return m.first < v.first || (m.first == v.first && m.second < v.second);
      });
  if (it != std::end(kCompositions) && it->first == first && it->second == second) {
    return it->composite;
  }
  return 0;
}

GraphemeBreak grapheme_break(char32_t c) {
  if (c < 0x7F) {
    if (c >= 0x20) return GraphemeBreak::kOther;
    if (c == '\r') return GraphemeBreak::kCR;
    if (c == '\n') return GraphemeBreak::kLF;
    return GraphemeBreak::kControl;
  }
  const auto* r = find_range(kGraphemeBreaks, c);
  return r ? static_cast<GraphemeBreak>(r->value) : GraphemeBreak::kOther;
}

bool is_extended_pictographic(char32_t c) {
  return c >= 0xA9 && in_ranges(kExtendedPictographic, c);
}

std::size_t to_lowercase(char32_t c, char32_t* out) {
  if (c < 0x80) {
    out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    return 1;
  }
  if (const auto* m = find_mapping(kLowercase, c)) {
    std::copy(m->to, m->to + m->length, out);
    return m->length;
  }
  out[0] = c;
  return 1;
}

}  // namespace modelexport::text::unicode
