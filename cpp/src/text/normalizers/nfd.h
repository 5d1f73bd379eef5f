// NFD normalizer: canonical decomposition with the reference library's Unicode data.
#pragma once

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class Nfd : public Normalizer {
 public:
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override { text.nfd(); }
};

}  // namespace modelexport::text
