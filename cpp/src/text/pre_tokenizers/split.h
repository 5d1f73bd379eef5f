// Split pre-tokenizer: splits on a literal string or an Oniguruma regex, keeping or dropping
// the matches as the behavior says; `invert` splits on what does not match instead.
#pragma once

#include <optional>
#include <string>

#include "text/pre_tokenizers/pre_tokenizer.h"
#include "text/regex.h"

namespace modelexport::text {

class SplitPreTokenizer : public PreTokenizer {
 public:
  // A literal pattern when `literal` is set, else `regex`.
  SplitPreTokenizer(std::optional<std::string> literal, std::optional<Regex> regex,
                    SplitBehavior behavior, bool invert);
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;

  // (range, is_match) parts of `text`, after inversion.
  std::vector<std::pair<Offsets, bool>> find_matches(std::string_view text) const;

 private:
  std::optional<std::string> literal_;
  std::optional<Regex> regex_;
  SplitBehavior behavior_;
  bool invert_;
};

}  // namespace modelexport::text
