// StripAccents normalizer, as tokenizers' normalizers/strip.rs.
#include "text/normalizers/strip_accents.h"

#include "text/unicode.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> StripAccents::from_json(const JsonRef& /*json*/) {
  return std::make_unique<StripAccents>();
}

void StripAccents::normalize(NormalizedString& text) const {
  text.filter([](char32_t c) { return !unicode::is_combining_mark(c); });
}

}  // namespace modelexport::text
