// Digits pre-tokenizer: separates numeric characters from the rest, either each digit on its own
// (individual_digits) or runs of digits together.
#pragma once

#include "text/pre_tokenizers/pre_tokenizer.h"

namespace modelexport::text {

class Digits : public PreTokenizer {
 public:
  explicit Digits(bool individual_digits) : individual_digits_(individual_digits) {}
  static std::unique_ptr<PreTokenizer> from_json(const JsonRef& json);
  void pre_tokenize(PreTokenizedString& text) const override;

 private:
  bool individual_digits_;
};

// Rust `char::is_numeric` (general categories Nd, Nl, No) as the tokenizers build sees it.
bool is_rust_numeric(char32_t c);

}  // namespace modelexport::text
