// Regex: a compiled pattern in the Oniguruma dialect, searched exactly the way tokenizers'
// SysRegex (the `onig` crate) does, so Split/Replace patterns taken from tokenizer.json match the
// same byte ranges. Compiled once at load time; searching is const and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "text/normalized_string.h"

namespace modelexport::text {

class Regex {
 public:
  // Throws std::invalid_argument with Oniguruma's message when `pattern` does not compile.
  explicit Regex(std::string_view pattern);
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  const std::string& pattern() const { return pattern_; }

  // Every match, left to right, as byte ranges of `text` (onig's find_iter: after a match the
  // search resumes at its end; an empty match right at the end of the previous one is skipped by
  // advancing one character).
  std::vector<Offsets> find_all(std::string_view text) const;

  // tokenizers' Pattern::find_matches: the whole text as consecutive (range, is_match) parts;
  // an empty text gives one empty non-match.
  std::vector<std::pair<Offsets, bool>> find_matches(std::string_view text) const;

 private:
  struct Compiled;
  std::string pattern_;
  std::unique_ptr<Compiled> compiled_;
};

// tokenizers' Pattern::find_matches for a literal string pattern (String variant of
// Split/Replace "pattern"): non-overlapping occurrences left to right; an empty pattern matches
// nothing.
std::vector<std::pair<Offsets, bool>> find_literal_matches(std::string_view text,
                                                           std::string_view literal);

}  // namespace modelexport::text
