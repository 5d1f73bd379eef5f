// Nmt normalizer: sentencepiece's NMT cleanup as tokenizers implements it (normalizers/unicode.rs):
// drops ASCII/C1 control characters, then maps other whitespace-like characters to a space.
#pragma once

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class Nmt : public Normalizer {
 public:
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override;
};

}  // namespace modelexport::text
