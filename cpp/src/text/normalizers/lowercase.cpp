// Lowercase normalizer factory (no options).
#include "text/normalizers/lowercase.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> Lowercase::from_json(const JsonRef& /*json*/) {
  return std::make_unique<Lowercase>();
}

}  // namespace modelexport::text
