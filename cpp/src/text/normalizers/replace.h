// Replace normalizer and the pieces it shares with the Replace decoder and Metaspace: a pattern
// ({"String": literal} or {"Regex": oniguruma}) and an alignment-preserving replacement of
// matches in a NormalizedString, as tokenizers' normalizers/replace.rs and
// NormalizedString::replace.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/normalizers/normalizer.h"
#include "text/regex.h"

namespace modelexport::text {

// tokenizers' ReplacePattern: a literal string or an Oniguruma regex.
class ReplacePattern {
 public:
  // {"String": "..."} or {"Regex": "..."}; a regex that does not compile fails at `json`.
  static ReplacePattern from_json(const JsonRef& json);
  static ReplacePattern literal(std::string text);
  static ReplacePattern regex(std::string_view pattern);

  // The whole text as consecutive (byte range, is_match) parts (tokenizers' find_matches).
  std::vector<std::pair<Offsets, bool>> find_matches(std::string_view text) const;

 private:
  std::string literal_;
  std::optional<Regex> regex_;  // set for regexes, and for the empty literal (matches everywhere)
};

// Replaces the byte ranges `matches` (sorted, non-overlapping, on char boundaries) of `text` by
// `content`. Every inserted character is aligned like the last character of the match it
// replaces (or like the character before an empty match), exactly as tokenizers does.
// Limitation: characters before the first one with a non-empty alignment (only ever created by
// inserting at the very start) cannot be edited through NormalizedString's public interface;
// matches there are left alone.
void replace_in(NormalizedString& text, const std::vector<Offsets>& matches,
                std::string_view content);

class Replace : public Normalizer {
 public:
  Replace(ReplacePattern pattern, std::string content)
      : pattern_(std::move(pattern)), content_(std::move(content)) {}
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override;

 private:
  ReplacePattern pattern_;
  std::string content_;
};

}  // namespace modelexport::text
