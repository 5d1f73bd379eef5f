// Sequence decoder: applies its decoders one after the other, each to the tokens the previous
// one produced.
#pragma once

#include <memory>
#include <vector>

#include "text/decoders/decoder.h"

namespace modelexport::text {

class DecoderSequence : public Decoder {
 public:
  explicit DecoderSequence(std::vector<std::unique_ptr<Decoder>> decoders)
      : decoders_(std::move(decoders)) {}
  static std::unique_ptr<Decoder> from_json(const JsonRef& json);
  std::vector<std::string> decode_chain(std::vector<std::string> tokens) const override;

 private:
  std::vector<std::unique_ptr<Decoder>> decoders_;
};

}  // namespace modelexport::text
