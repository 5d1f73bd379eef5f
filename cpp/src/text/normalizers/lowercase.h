// Lowercase normalizer: Rust's full lowercase mapping (U+0130 becomes "i\u0307").
#pragma once

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class Lowercase : public Normalizer {
 public:
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override { text.lowercase(); }
};

}  // namespace modelexport::text
