// NFC normalizer factory (no options).
#include "text/normalizers/nfc.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> Nfc::from_json(const JsonRef& /*json*/) {
  return std::make_unique<Nfc>();
}

}  // namespace modelexport::text
