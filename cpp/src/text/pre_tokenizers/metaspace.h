// Metaspace pre-tokenizer (SentencePiece style): spaces become a visible replacement character
// ("▁"), a replacement is prepended to the text according to the prepend scheme, and the text is
// split before each replacement character.
#pragma once

#include "text/pre_tokenizers/pre_tokenizer.h"

namespace modelexport::text {

enum class PrependScheme { kFirst, kNever, kAlways };

// The configuration shared by the Metaspace pre-tokenizer and decoder.
struct MetaspaceOptions {
  char32_t replacement = U'\u2581';
  PrependScheme prepend_scheme = PrependScheme::kAlways;
  bool split = true;
};

// {"replacement": "▁", "prepend_scheme": "always"|"first"|"never", "split": bool}. The legacy
// "add_prefix_space": false is accepted only next to an explicit "prepend_scheme": "never" (the
// default scheme is "always"), as in tokenizers.
MetaspaceOptions metaspace_options_from_json(const JsonRef& json);

class Metaspace : public PreTokenizer {
 public:
  explicit Metaspace(MetaspaceOptions options);
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;

 private:
  MetaspaceOptions options_;
  std::string replacement_;  // UTF-8 of options_.replacement
};

}  // namespace modelexport::text
