// NFKD normalizer factory (no options).
#include "text/normalizers/nfkd.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> Nfkd::from_json(const JsonRef& /*json*/) {
  return std::make_unique<Nfkd>();
}

}  // namespace modelexport::text
