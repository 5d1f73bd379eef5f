// NFC normalizer: canonical composition (NFD then composition) with the reference library's Unicode
// data.
#pragma once

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class Nfc : public Normalizer {
 public:
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override { text.nfc(); }
};

}  // namespace modelexport::text
