// ByteLevel decoder: maps the byte-level alphabet characters of all tokens back to bytes and
// reads them as UTF-8 (invalid sequences become U+FFFD).
#pragma once

#include "text/decoders/decoder.h"

namespace modelexport::text {

class ByteLevelDecoder : public Decoder {
 public:
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;
};

}  // namespace modelexport::text
