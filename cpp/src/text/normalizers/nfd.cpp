// NFD normalizer factory (no options).
#include "text/normalizers/nfd.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> Nfd::from_json(const JsonRef& /*json*/) {
  return std::make_unique<Nfd>();
}

}  // namespace modelexport::text
