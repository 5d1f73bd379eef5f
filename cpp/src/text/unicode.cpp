// Lookups over the generated Unicode tables (sorted ranges and mappings, binary searched).
#include "text/unicode.h"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "text/code_point_table.h"

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

template <std::size_t W, std::size_t N>
const CodePointMapping<W>* find_mapping(const CodePointMapping<W> (&table)[N], char32_t c) {
  const auto* it =
      std::lower_bound(std::begin(table), std::end(table), c,
                       [](const CodePointMapping<W>& m, char32_t v) { return m.from < v; });
  return it != std::end(table) && it->from == c ? it : nullptr;
}

constexpr char32_t kHangulSBase = 0xAC00;
constexpr char32_t kHangulLBase = 0x1100;
constexpr char32_t kHangulVBase = 0x1161;
constexpr char32_t kHangulTBase = 0x11A7;
constexpr char32_t kHangulVCount = 21;
constexpr char32_t kHangulTCount = 28;
constexpr char32_t kHangulNCount = kHangulVCount * kHangulTCount;
constexpr char32_t kHangulSCount = 11172;

// Every property below, per code point, in one CodePointTable: one lookup instead of a binary
// search per property on the hot paths (normalizers and pre-tokenizers call these for every
// character). Built on first use from the same range tables the searches used.
enum PropertyBit : std::uint32_t {
  kWhitespaceBit = 1u << 0,
  kOtherBit = 1u << 1,
  kBertPunctuationBit = 1u << 2,
  kWordCharBit = 1u << 3,
  kNonspacingMarkBit = 1u << 4,
  kCombiningMarkBit = 1u << 5,
  kExtendedPictographicBit = 1u << 6,
  kDecomposesBit = 1u << 7,  // decompose(c) is not c itself
  kLowercaseBit = 1u << 8,   // to_lowercase(c) is not c itself
};
constexpr unsigned kGraphemeBreakShift = 12;   // 4 bits
constexpr unsigned kCombiningClassShift = 16;  // 8 bits

CodePointTable<std::uint32_t> make_property_table() {
  std::vector<std::uint32_t> all(CodePointTable<std::uint32_t>::kCodePoints, 0);
  auto mark = [&all](const auto& ranges, std::uint32_t bit) {
    for (const auto& r : ranges) {
      for (char32_t c = r.first; c <= r.last; ++c) all[c] |= bit;
    }
  };
  mark(kWhitespace, kWhitespaceBit);
  mark(kOther, kOtherBit);
  mark(kBertPunctuation, kBertPunctuationBit);
  mark(kWordChar, kWordCharBit);
  mark(kNonspacingMark, kNonspacingMarkBit);
  mark(kCombiningMark, kCombiningMarkBit);
  mark(kExtendedPictographic, kExtendedPictographicBit);
  for (const auto& m : kDecompositions) all[m.from] |= kDecomposesBit;
  for (const auto& m : kLowercase) all[m.from] |= kLowercaseBit;
  // The range tables are sorted and disjoint, so each code point gets at most one value.
  for (const auto& r : kGraphemeBreaks) {
    for (char32_t c = r.first; c <= r.last; ++c) {
      all[c] |= static_cast<std::uint32_t>(r.value) << kGraphemeBreakShift;
    }
  }
  for (const auto& r : kCombiningClasses) {
    for (char32_t c = r.first; c <= r.last; ++c) {
      all[c] |= static_cast<std::uint32_t>(r.value) << kCombiningClassShift;
    }
  }
  return CodePointTable<std::uint32_t>(all);
}

std::uint32_t properties(char32_t c) {
  static const CodePointTable<std::uint32_t> kTable = make_property_table();
  return kTable(c);
}

}  // namespace

bool is_whitespace_above_ascii(char32_t c) { return (properties(c) & kWhitespaceBit) != 0; }

bool is_other(char32_t c) { return (properties(c) & kOtherBit) != 0; }

bool is_bert_punctuation_above_ascii(char32_t c) {
  return (properties(c) & kBertPunctuationBit) != 0;
}

bool is_word_char(char32_t c) {
  if (c < 0x80) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  return (properties(c) & kWordCharBit) != 0;
}

bool is_mark_nonspacing(char32_t c) {
  return c >= 0x300 && (properties(c) & kNonspacingMarkBit) != 0;
}

bool is_combining_mark(char32_t c) {
  return c >= 0x300 && (properties(c) & kCombiningMarkBit) != 0;
}

bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

std::uint8_t combining_class(char32_t c) {
  if (c < 0x300) return 0;
  return static_cast<std::uint8_t>(properties(c) >> kCombiningClassShift);
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
  if ((properties(c) & kDecomposesBit) != 0) {
    if (const auto* m = find_mapping(kDecompositions, c)) {
      std::copy(m->to, m->to + m->length, out);
      return m->length;
    }
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
  return static_cast<GraphemeBreak>((properties(c) >> kGraphemeBreakShift) & 0xF);
}

bool is_extended_pictographic(char32_t c) {
  return c >= 0xA9 && (properties(c) & kExtendedPictographicBit) != 0;
}

std::size_t to_lowercase(char32_t c, char32_t* out) {
  if (c < 0x80) {
    out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    return 1;
  }
  if ((properties(c) & kLowercaseBit) != 0) {
    if (const auto* m = find_mapping(kLowercase, c)) {
      std::copy(m->to, m->to + m->length, out);
      return m->length;
    }
  }
  out[0] = c;
  return 1;
}

}  // namespace modelexport::text::unicode
