// BertNormalizer: clean_text (drop control characters, map whitespace to ' '),
// handle_chinese_chars (surround CJK ideographs with spaces), strip_accents (NFD then drop
// nonspacing marks; null follows lowercase) and lowercase.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class BertNormalizer : public Normalizer {
 public:
  BertNormalizer(bool clean_text, bool handle_chinese_chars, std::optional<bool> strip_accents,
                 bool lowercase)
      : clean_text_(clean_text),
        handle_chinese_chars_(handle_chinese_chars),
        strip_accents_(strip_accents.value_or(lowercase)),
        lowercase_(lowercase) {
    for (char32_t c = 0; c < 0x80; ++c) {
      char32_t out[kMaxOut];
      ascii_[c] = normalize_char(c, out) == 0 ? kRemoved : out[0];
    }
  }
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override;

 private:
  // Whether normalize_char, applied to each character, gives the same as the four steps.
  bool fusable(const NormalizedString& text) const;
  // The characters that the four steps turn `c` into (at most 14: a space, 4 decomposed
  // characters lowercased to up to 3 each, a space).
  static constexpr std::size_t kMaxOut = 14;
  std::size_t normalize_char(char32_t c, char32_t* out) const;
  // normalize_char of an ASCII character (which becomes at most one character): table lookup.
  std::size_t normalize_ascii(char32_t c, char32_t* out) const {
    if (ascii_[c] == kRemoved) return 0;
    out[0] = ascii_[c];
    return 1;
  }

  bool clean_text_;
  bool handle_chinese_chars_;
  bool strip_accents_;
  bool lowercase_;
  static constexpr char32_t kRemoved = 0xFFFFFFFF;
  std::array<char32_t, 0x80> ascii_{};  // normalize_char of each ASCII character, or kRemoved
};

}  // namespace modelexport::text
