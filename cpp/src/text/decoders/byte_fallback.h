// ByteFallback decoder: tokens "<0xXX>" stand for raw bytes; consecutive byte tokens are joined
// into text, or become one U+FFFD per byte when they are not valid UTF-8.
#pragma once

#include "text/decoders/decoder.h"

namespace modelexport::text {

class ByteFallback : public Decoder {
 public:
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;
};

}  // namespace modelexport::text
