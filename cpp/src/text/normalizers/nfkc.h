// NFKC normalizer: compatibility decomposition then canonical composition with the reference
// library's Unicode data.
#pragma once

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class Nfkc : public Normalizer {
 public:
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override { text.nfkc(); }
};

}  // namespace modelexport::text
