// UnicodeScripts pre-tokenizer: splits where the Unicode script changes (Latin, Cyrillic,
// Han, ...). Characters of no particular script ("Any": the space, unassigned code points) never
// start a piece and join the piece before them.
#pragma once

#include <cstdint>

#include "text/pre_tokenizers/pre_tokenizer.h"

namespace modelexport::text {

class UnicodeScripts : public PreTokenizer {
 public:
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;
};

// The script class tokenizers' UnicodeScripts assigns to `c` (its fixed_script: Hiragana and
// Katakana count as Han, U+0020 as Any). 0 is Any; other values only compare for equality.
std::uint16_t script_class(char32_t c);

}  // namespace modelexport::text
