// ByteLevel pre-tokenizer (GPT-2, RoBERTa, ...): optionally prefixes a space, splits with the
// GPT-2 pattern, then rewrites every byte of each piece as its byte-level alphabet character.
#pragma once

#include "text/pre_tokenizers/pre_tokenizer.h"

namespace modelexport::text {

class ByteLevelPreTokenizer : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex)
      : add_prefix_space_(add_prefix_space), use_regex_(use_regex) {}
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;

 private:
  bool add_prefix_space_;
  bool use_regex_;
};

// The GPT-2 split pattern as tokenizers compiles it (Oniguruma syntax).
inline constexpr const char* kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

// Consecutive (range, is_match) parts of `text` for the GPT-2 pattern, the same as
// Regex(kGpt2Pattern).find_matches(text), without running a regex engine.
std::vector<std::pair<Offsets, bool>> gpt2_find_matches(std::string_view text);

// tokenizers' NormalizedString::prepend(" ") (the space takes the first character's alignment).
void prepend_space(NormalizedString& normalized);

// Rewrites every byte of `normalized` as its byte-level alphabet character (one character per
// byte; the bytes of one original character all keep that character's alignment).
void byte_level_transform(NormalizedString& normalized);

}  // namespace modelexport::text
