// Prepend normalizer, as tokenizers' normalizers/prepend.rs: {"prepend": "▁"}.
#include "text/normalizers/prepend.h"

#include "text/normalizers/replace.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> Prepend::from_json(const JsonRef& json) {
  return std::make_unique<Prepend>(json.at("prepend").as_string());
}

void Prepend::normalize(NormalizedString& text) const { text.prepend(prefix_); }

}  // namespace modelexport::text
