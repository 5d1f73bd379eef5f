// StripAccents normalizer: drops combining marks (Mn, Mc, Me). It does not decompose: pair it
// with NFD/NFKD, as tokenizer.json files do.
#pragma once

#include "text/normalizers/normalizer.h"

namespace modelexport::text {

class StripAccents : public Normalizer {
 public:
  static std::unique_ptr<Normalizer> from_json(const JsonRef& json);
  void normalize(NormalizedString& text) const override;
};

}  // namespace modelexport::text
