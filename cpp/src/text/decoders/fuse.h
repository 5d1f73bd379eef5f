// Fuse decoder: joins all tokens into one (so that later decoders see the whole text).
#pragma once

#include "text/decoders/decoder.h"

namespace modelexport::text {

class Fuse : public Decoder {
 public:
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;
};

}  // namespace modelexport::text
