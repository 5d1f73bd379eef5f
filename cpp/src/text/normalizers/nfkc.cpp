// NFKC normalizer factory (no options).
#include "text/normalizers/nfkc.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> Nfkc::from_json(const JsonRef& /*json*/) {
  return std::make_unique<Nfkc>();
}

}  // namespace modelexport::text
