// Strip normalizer factory: {"strip_left": bool, "strip_right": bool}.
#include "text/normalizers/strip.h"

namespace modelexport::text {

std::unique_ptr<Normalizer> Strip::from_json(const JsonRef& json) {
  return std::make_unique<Strip>(json.bool_or("strip_left", true),
                                 json.bool_or("strip_right", true));
}

}  // namespace modelexport::text
